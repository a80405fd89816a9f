#include "silt/formats/clf.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "silt/common/strings.h"
#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

const Format& Clf() { return *FindFormat("clf"); }
const Format& Combined() { return *FindFormat("combined"); }

bool Has(const ParsedText& r, const std::string& s) {
  return r.rendered.find(s) != std::string::npos;
}

constexpr const char* kCommon =
    "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326";
constexpr const char* kCombined =
    "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
    "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"";

TEST(Clf, RegisteredWithSchemaAndTimeColumn) {
  for (const Format* f : {&Clf(), &Combined()}) {
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->time_column(), "time");
    int t = FindColumn(f->schema(), "time");
    ASSERT_GE(t, 0);
    EXPECT_EQ(f->schema()[static_cast<size_t>(t)].type, ColumnType::kTimestampTz);
    EXPECT_EQ(f->schema()[static_cast<size_t>(FindColumn(f->schema(), "status"))].type,
              ColumnType::kInt32);
    EXPECT_EQ(f->schema()[static_cast<size_t>(FindColumn(f->schema(), "bytes"))].type,
              ColumnType::kInt64);
    EXPECT_EQ(f->schema()[static_cast<size_t>(FindColumn(f->schema(), "port"))].type,
              ColumnType::kInt32);
    for (const char* c : {"remote_host", "ident", "remote_user", "request", "vhost",
                          "forwarded_for", "request_method", "request_uri", "request_protocol"}) {
      EXPECT_GE(FindColumn(f->schema(), c), 0) << f->name() << " " << c;
    }
  }
  EXPECT_EQ(Clf().schema().size(), static_cast<size_t>(ClfFormat::kColumnCount));
  EXPECT_EQ(Combined().schema().size(), static_cast<size_t>(CombinedFormat::kColumnCount));
  EXPECT_EQ(FindColumn(Clf().schema(), "referer"), -1);
  EXPECT_EQ(FindColumn(Combined().schema(), "referer"), CombinedFormat::kReferer);
  EXPECT_EQ(FindColumn(Combined().schema(), "user_agent"), CombinedFormat::kUserAgent);
  EXPECT_EQ(FindColumn(Clf().schema(), "request_protocol"), ClfFormat::kRequestProtocol);
}

TEST(Clf, CommonLine) {
  auto r = ParseForTest(Clf(), kCommon);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered,
            "{\"remote_host\":\"127.0.0.1\",\"remote_user\":\"frank\","
            "\"time\":\"2000-10-10T20:55:36Z\",\"request\":\"GET /apache_pb.gif HTTP/1.0\","
            "\"status\":200,\"bytes\":2326,\"request_method\":\"GET\","
            "\"request_uri\":\"/apache_pb.gif\",\"request_protocol\":\"HTTP/1.0\"}\n");
}

TEST(Combined, CombinedLine) {
  auto r = ParseForTest(Combined(), kCombined);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"referer\":\"http://www.example.com/start.html\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"user_agent\":\"Mozilla/4.08 [en] (Win98; I ;Nav)\"")) << r.rendered;
  EXPECT_FALSE(Has(r, "\"ident\"")) << r.rendered;  // '-' is NULL
  EXPECT_FALSE(Has(r, "\"vhost\""));
  EXPECT_FALSE(Has(r, "\"port\""));
  EXPECT_FALSE(Has(r, "\"forwarded_for\""));
}

// The layouts decision: combined requires referer and user agent; clf reads any line that
// starts with the common fields (combined lines, added fields) and ignores the rest.
TEST(Combined, CommonLayoutIsRejectedNamingClf) {
  auto r = ParseForTest(Combined(), kCommon);
  EXPECT_EQ(r.rejects, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "line ends after bytes")) << r.rendered;
  EXPECT_TRUE(Has(r, "format clf")) << r.rendered;
}

TEST(Clf, TrailingFieldsAreIgnored) {
  for (std::string tail :
       {std::string(kCombined).substr(std::string(kCommon).size()), std::string(" 1234"),
        std::string(" \"203.0.113.9\" rt=0.005"), std::string(" ")}) {
    auto r = ParseForTest(Clf(), std::string(kCommon) + tail);
    ASSERT_EQ(r.rows, 1u) << tail << ": " << r.rendered;
    EXPECT_EQ(r.rendered, ParseForTest(Clf(), kCommon).rendered) << tail;
  }
  auto r = ParseForTest(Combined(), std::string(kCombined) + " 1234 \"x\" k=\"v\"");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered, ParseForTest(Combined(), kCombined).rendered);
}

TEST(Clf, TimeZoneOffsetsBecomeUtc) {
  struct Case {
    const char* t;
    const char* utc;
  } cases[] = {
      {"10/Oct/2000:13:55:36 -0700", "2000-10-10T20:55:36Z"},
      {"01/Jan/2024:01:00:00 +0200", "2023-12-31T23:00:00Z"},
      {"31/Dec/2023:22:30:00 -0130", "2024-01-01T00:00:00Z"},
      {"29/Feb/2024:12:00:00 +0530", "2024-02-29T06:30:00Z"},
      {"05/Sep/2021:08:15:00 +0545", "2021-09-05T02:30:00Z"},
      {"15/Jun/2024:23:59:59 -1200", "2024-06-16T11:59:59Z"},
  };
  for (const Case& c : cases) {
    auto r =
        ParseForTest(Clf(), std::string("192.0.2.1 - - [") + c.t + "] \"GET / HTTP/1.1\" 200 1");
    EXPECT_TRUE(Has(r, std::string("\"time\":\"") + c.utc + "\"")) << c.t << ": " << r.rendered;
  }
}

TEST(Clf, VhostPrefixes) {
  auto r = ParseForTest(Combined(),
                        "www.example.com:443 192.0.2.20 - - [01/Mar/2024:10:00:00 +0000] "
                        "\"GET / HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0\"");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"vhost\":\"www.example.com\",\"port\":443")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"remote_host\":\"192.0.2.20\"")) << r.rendered;

  r = ParseForTest(Clf(),
                   "shop.example.com 2001:db8::5 - - [01/Mar/2024:10:00:00 +0000] "
                   "\"GET / HTTP/1.1\" 200 1");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"vhost\":\"shop.example.com\"")) << r.rendered;
  EXPECT_FALSE(Has(r, "\"port\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"remote_host\":\"2001:db8::5\"")) << r.rendered;

  // An IPv6 client address alone is not a vhost:port.
  r = ParseForTest(Clf(),
                   "2001:db8::443 - - [01/Mar/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"remote_host\":\"2001:db8::443\"")) << r.rendered;
  EXPECT_FALSE(Has(r, "\"vhost\"")) << r.rendered;

  // A user name with spaces (ident '-') is not a vhost prefix.
  r = ParseForTest(Clf(),
                   "192.0.2.26 - John Smith [01/Mar/2024:10:00:10 +0000] \"GET / HTTP/1.1\" 200 1");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"remote_host\":\"192.0.2.26\",\"remote_user\":\"John Smith\""))
      << r.rendered;
  EXPECT_FALSE(Has(r, "\"vhost\"")) << r.rendered;
}

TEST(Clf, ForwardedForLists) {
  auto r = ParseForTest(Clf(),
                        "203.0.113.7, 10.0.0.1 - - [01/Mar/2024:11:00:00 +0000] "
                        "\"GET / HTTP/1.1\" 200 1");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"remote_host\":\"203.0.113.7\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"forwarded_for\":\"203.0.113.7, 10.0.0.1\"")) << r.rendered;
  r = ParseForTest(Clf(),
                   "www.example.com:443 2001:db8::7,10.0.0.1,10.0.0.2 - bob "
                   "[01/Mar/2024:11:00:00 +0000] \"GET / HTTP/1.1\" 200 1");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"remote_host\":\"2001:db8::7\",\"remote_user\":\"bob\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"forwarded_for\":\"2001:db8::7,10.0.0.1,10.0.0.2\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"vhost\":\"www.example.com\",\"port\":443")) << r.rendered;
}

class CollectRaw final : public RejectSink {
 public:
  void OnReject(const Reject& r) override {
    raws.emplace_back(r.raw);
    reasons.emplace_back(r.reason);
  }
  std::vector<std::string> raws, reasons;
};

// Escapes are decoded in values; a rejected line is handed on exactly as read.
TEST(Clf, EscapesDecodedAndRejectsKeepTheRawLine) {
  const std::string good =
      "192.0.2.40 - user\\\"q [01/Mar/2024:13:00:00 +0000] \"GET /s?q=\\\"x\\\"&p=C:\\\\t "
      "HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0 \\xe2\\x9c\\x93 \\\"Evil\\\"\"";
  auto r = ParseForTest(Combined(), good);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"remote_user\":\"user\\\"q\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"request_uri\":\"/s?q=\\\"x\\\"&p=C:\\\\t\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"user_agent\":\"Mozilla/5.0 \u2713 \\\"Evil\\\"\"")) << r.rendered;

  const std::string bad =
      "192.0.2.40 - - [01/Mar/2024:13:00:00 +0000] \"GET /\\\"x\\\" "
      "HTTP/1.1\" 2xx 10 \"-\" \"\\x16\\x03\"";
  std::vector<bool> all(Combined().schema().size(), true);
  auto parser = Combined().MakeParser(all);
  LineScanner scanner(parser.get());
  RowBatch batch(Combined().schema());
  std::string buf = bad + "\n";
  buf.append(LineScanner::kPadding, '\0');
  const char* pos = buf.data();
  CollectRaw sink;
  LineScanner::Counters counters;
  scanner.Scan(&pos, buf.data() + bad.size() + 1, batch, "t", &sink, &counters);
  ASSERT_EQ(sink.raws.size(), 1u);
  EXPECT_EQ(sink.raws[0], bad);
  EXPECT_EQ(sink.reasons[0], "field status: '2xx' is not an HTTP status");
}

TEST(Clf, BinaryRequestsStayAsLogged) {
  auto r = ParseForTest(Combined(),
                        "198.51.100.1 - - [01/Mar/2024:14:00:00 +0000] "
                        "\"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03\" "
                        "400 226 \"-\" \"-\"");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"request\":\"\\\\x16\\\\x03\\\\x01\\\\x02\\\\x00")) << r.rendered;
  EXPECT_FALSE(Has(r, "request_method")) << r.rendered;
  // Escapes that decode to text are decoded.
  r = ParseForTest(Combined(),
                   "198.51.100.1 - - [01/Mar/2024:14:00:00 +0000] "
                   "\"GET /caf\\xc3\\xa9 HTTP/1.1\" 200 1 \"-\" \"-\"");
  EXPECT_TRUE(Has(r, "\"request_uri\":\"/caf\u00e9\"")) << r.rendered;
}

TEST(Clf, RequestParts) {
  struct Case {
    const char* request;
    const char* parts;  // rendered method/uri/protocol, or "" for NULL
  } cases[] = {
      {"GET / HTTP/1.1",
       "\"request_method\":\"GET\",\"request_uri\":\"/\",\"request_protocol\":\"HTTP/1.1\""},
      {"GET /a b HTTP/1.1",
       "\"request_method\":\"GET\",\"request_uri\":\"/a b\",\"request_protocol\":\"HTTP/1.1\""},
      {"OPTIONS * HTTP/1.0",
       "\"request_method\":\"OPTIONS\",\"request_uri\":\"*\",\"request_protocol\":\"HTTP/1.0\""},
      {"GET /", "\"request_method\":\"GET\",\"request_uri\":\"/\"}"},  // HTTP/0.9: no protocol
      {"get /", ""},
      {"\\x16\\x03\\x01 x", ""},
      {"-", ""},
      {"", ""},
      {"GET  HTTP/1.1", ""},
      {" GET / HTTP/1.1", ""},
      {"GET / HTTP/1.1 ", ""},
      {"SSH-2.0-OpenSSH_8.9p1", ""},
  };
  for (const Case& c : cases) {
    auto r = ParseForTest(Clf(), std::string("192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"") +
                                     c.request + "\" 400 0");
    ASSERT_EQ(r.rows, 1u) << c.request << ": " << r.rendered;
    if (*c.parts != '\0') {
      EXPECT_TRUE(Has(r, c.parts)) << c.request << ": " << r.rendered;
    } else {
      EXPECT_FALSE(Has(r, "request_method")) << c.request << ": " << r.rendered;
      EXPECT_FALSE(Has(r, "request_uri")) << c.request << ": " << r.rendered;
      EXPECT_FALSE(Has(r, "request_protocol")) << c.request << ": " << r.rendered;
    }
  }
}

// Servers that do not escape (nginx escape=none) leave quotes inside quoted values; the
// closing quote is the one the rest of the line fits after.
TEST(Combined, UnescapedQuotesInsideQuotedFields) {
  auto r = ParseForTest(Combined(),
                        "192.0.2.50 - - [01/Mar/2024:13:00:10 +0000] \"GET /q?x=\"a b\" HTTP/1.1\" "
                        "200 5 \"http://ref/?\"x\" y\" \"Mozilla \"Foo\" bar\" \"203.0.113.9\"");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"request\":\"GET /q?x=\\\"a b\\\" HTTP/1.1\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"referer\":\"http://ref/?\\\"x\\\" y\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"user_agent\":\"Mozilla \\\"Foo\\\" bar\"")) << r.rendered;
  // A value ending in a backslash, unescaped.
  r = ParseForTest(Combined(),
                   "192.0.2.51 - - [01/Mar/2024:13:00:11 +0000] \"GET /p\\\" 200 5 "
                   "\"-\" \"agent\\\"");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"request\":\"GET /p\\\\\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"user_agent\":\"agent\\\\\"")) << r.rendered;
  // key="value" fields after the user agent.
  r = ParseForTest(Combined(),
                   "192.0.2.62 - - [01/Mar/2024:15:00:02 +0000] \"GET / HTTP/1.1\" 200 5 "
                   "\"-\" \"curl/8.5.0\" rt=0.005 uct=\"0.000\" uht=\"0.004\"");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"user_agent\":\"curl/8.5.0\"")) << r.rendered;
}

TEST(Clf, MalformedLinesAreRejectedWithReasons) {
  struct Case {
    std::string line;
    const char* reason;
  } cases[] = {
      {"just some text", "field time: no '[' opening the time"},
      {"192.0.2.1 - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1",
       "line has 2 fields before the time; expected remote_host ident remote_user [time]"},
      {"192.0.2.1 - - [31/Feb/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1",
       "field time: '31/Feb/2024:00:00:00 +0000' is not a time like 10/Oct/2000:13:55:36 -0700"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] GET / HTTP/1.1 200 1",
       "field request: expected '\"' to open it, found 'GET'"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1 200 1",
       "field request: quoted value has no closing quote"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 20 1",
       "field status: '20' is not an HTTP status"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 -1",
       "field bytes: '-1' is not a byte count (a non-negative 64-bit integer, or -)"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 99999999999999999999",
       "field bytes: '99999999999999999999' is not a byte count"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200",
       "line ends after the status; bytes expected"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1\"",
       "line ends after the request; status and bytes expected"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000]",
       "line ends after the time; \"request\" status bytes expected"},
      {"192.0.2.1 - - [01/Mar/2024:00:0", "field time: no ']' closing the time '01/Mar/2024:00:0'"},
      {"192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET /caf\xe9 HTTP/1.1\" 200 1",
       "line is not valid UTF-8 (byte 52 of the line)"},
      {std::string("192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET /\0 HTTP/1.1\" 200 1", 62),
       "line contains a NUL byte"},
  };
  for (const Case& c : cases) {
    auto r = ParseForTest(Clf(), c.line);
    EXPECT_EQ(r.rejects, 1u) << c.line << ": " << r.rendered;
    std::string reason;
    JsonEscape(c.reason, &reason);
    EXPECT_TRUE(Has(r, reason)) << c.line << ": " << r.rendered;
  }
  // Combined: the same, and its own fields.
  auto r = ParseForTest(Combined(), std::string(kCommon) + " \"-\" \"curl/8.5.0");
  EXPECT_TRUE(Has(r, "field user_agent: quoted value has no closing quote")) << r.rendered;
  r = ParseForTest(Combined(), std::string(kCommon) + " \"-\"");
  EXPECT_TRUE(Has(r, "line ends after the referer; \\\"user_agent\\\" expected")) << r.rendered;
  r = ParseForTest(Combined(), std::string(kCommon) + " http://x/ \"curl\"");
  EXPECT_TRUE(Has(r, "field referer: expected '\\\"' to open it, found 'http://x/'")) << r.rendered;
  // An unterminated request quote swallows the fields after it: the reason names it.
  r = ParseForTest(Combined(),
                   "192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1 200 1 "
                   "\"-\" \"curl\"");
  EXPECT_TRUE(Has(r,
                  "field request: quoted value has no closing quote followed by the fields "
                  "that come after it"))
      << r.rendered;
}

// Which lines are rejected, and every value, must not depend on which columns are wanted.
TEST(Clf, ProjectionDoesNotChangeResults) {
  const std::vector<std::string> lines = {
      kCombined,
      kCommon,
      "www.example.com:443 203.0.113.7, 10.0.0.1 - \"\" [01/Mar/2024:10:00:05 +0000] "
      "\"GET /a\\x22b HTTP/1.1\" 200 - \"-\" \"\\x16\\x03\" 12",
      "192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 x \"-\" \"-\"",
      "192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"-\" - - - -",
      "192.0.2.1 - - [01/Mar/2024:00:00:00 +0000] \"GET /\" 2x0 1 \"-\" \"-\"",
      "192.0.2.1 - - [31/Feb/2024:00:00:00 +0000] \"GET /\" 200 1 \"-\" \"-\"",
  };
  for (const Format* f : {&Clf(), &Combined()}) {
    const size_t n = f->schema().size();
    std::vector<bool> all(n, true);
    auto full = f->MakeParser(all);
    for (const std::string& line : lines) {
      RowBatch ref(f->schema());
      std::string reason;
      const LineResult expected = full->Parse(line, ref, 0, &reason);
      for (size_t col = 0; col <= n; ++col) {
        std::vector<bool> wanted(n, false);
        if (col < n) wanted[col] = true;  // col == n: no column at all
        auto p = f->MakeParser(wanted);
        RowBatch b(f->schema());
        std::string why;
        ASSERT_EQ(p->Parse(line, b, 0, &why), expected)
            << f->name() << " col " << col << ": " << line;
        EXPECT_EQ(why, reason);
        if (expected != LineResult::kRow || col == n) continue;
        ASSERT_EQ(b.nulls(col)[0], ref.nulls(col)[0]) << f->schema()[col].name << ": " << line;
        if (b.nulls(col)[0]) continue;
        if (f->schema()[col].type == ColumnType::kVarchar) {
          EXPECT_EQ(b.strings(col)[0], ref.strings(col)[0]) << f->schema()[col].name;
        } else {
          EXPECT_EQ(b.ints(col)[0], ref.ints(col)[0]) << f->schema()[col].name;
        }
      }
    }
  }
}

// Parse() on a line with nothing readable after it (no padding).
TEST(Clf, ParseReadsNoFurtherThanTheLine) {
  std::vector<bool> all(Combined().schema().size(), true);
  auto parser = Combined().MakeParser(all);
  RowBatch batch(Combined().schema());
  std::string reason;
  const std::string line(kCombined);
  for (size_t n = 0; n <= line.size(); ++n) {
    std::unique_ptr<char[]> exact(new char[n == 0 ? 1 : n]);
    std::memcpy(exact.get(), line.data(), n);
    LineResult res = parser->Parse(std::string_view(exact.get(), n), batch, 0, &reason);
    EXPECT_EQ(res == LineResult::kRow, n == line.size()) << n;
  }
}

std::string ReadReal(const char* name, std::filesystem::path* path) {
  const char* src = std::getenv("SILT_SOURCE_DIR");
  *path = std::filesystem::path(src ? src : ".") / ".." / "shared" / "data" / "real" / name;
  std::ifstream in(*path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Conformance: real Apache and nginx lines (shared/data/real, not in the repository). Every
// line parses as combined except the ones named here, which are malformed. (None of the
// 6,004 lines is: the map is empty. A line added to the file that does not parse fails the
// test until it is named here with its reason.)
TEST(Combined, RealLinesParse) {
  std::filesystem::path p;
  const std::string text = ReadReal("apache_combined_dev.log", &p);
  if (!std::filesystem::exists(p)) GTEST_SKIP() << "no real data at " << p;
  // line number -> reason
  const std::map<uint64_t, std::string> expected_rejects = {};
  auto r = ParseForTest(Combined(), text);
  const uint64_t lines = static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')) +
                         (!text.empty() && text.back() != '\n' ? 1 : 0);
  EXPECT_EQ(r.rows + r.rejects + r.skipped, lines);
  std::map<uint64_t, std::string> rejects;
  std::istringstream rs(r.rendered);
  std::string l;
  while (std::getline(rs, l)) {
    if (l.rfind("{\"reject\":{\"line\":", 0) != 0) continue;
    uint64_t line_no = std::stoull(l.substr(18));
    size_t at = l.find("\"reason\":\"");
    rejects[line_no] = l.substr(at + 10, l.size() - (at + 10) - 3);
  }
  EXPECT_EQ(rejects, expected_rejects);
  EXPECT_EQ(r.rejects, expected_rejects.size());
  // clf reads every line combined reads (the common fields are a prefix).
  auto c = ParseForTest(Clf(), text);
  EXPECT_EQ(c.rows, r.rows);
  EXPECT_EQ(c.rejects, 0u);
  // Two referers are CP1251 text escaped by Apache (\xe4\xe5...): not UTF-8 once decoded,
  // so they stay as logged.
  const std::string cp1251 = "\"referer\":\"http://\\\\xe4\\\\xe5\\\\xe3";
  size_t n = 0;
  for (size_t at = r.rendered.find(cp1251); at != std::string::npos;
       at = r.rendered.find(cp1251, at + 1)) {
    ++n;
  }
  EXPECT_EQ(n, 2u) << "undecodable referers are kept as logged";
}

}  // namespace
}  // namespace silt::formats
