#include "silt/formats/cloudfront.h"

#include <bit>
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "silt/common/compression.h"
#include "silt/common/strings.h"
#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

const Format& Cf() { return *FindFormat("cloudfront"); }

std::string Join(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += '\t';
    out += fields[i];
  }
  return out;
}

constexpr const char* kVersion = "#Version: 1.0";
constexpr const char* kFields33 =
    "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
    "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
    "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
    "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
    "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len "
    "sc-range-start sc-range-end";

// The AWS documentation's example line (33 fields).
std::vector<std::string> Current() {
  return {"2019-12-04", "21:02:31", "LAX1", "392", "192.0.2.100", "GET",
          "d111111abcdef8.cloudfront.net", "/index.html", "200", "-",
          "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,"
          "%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36",
          "-", "-", "Hit", "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==",
          "d111111abcdef8.cloudfront.net", "https", "23", "0.001", "-", "TLSv1.2",
          "ECDHE-RSA-AES128-GCM-SHA256", "Hit", "HTTP/2.0", "-", "-", "11040", "0.001", "Hit",
          "text/html", "78", "-", "-"};
}

bool Has(const ParsedText& r, const std::string& s) { return r.rendered.find(s) != std::string::npos; }

TEST(CloudFront, CurrentLayoutWithHeaders) {
  const std::string input = std::string(kVersion) + "\n" + kFields33 + "\n" + Join(Current()) + "\n";
  auto r = ParseForTest(Cf(), input);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.skipped, 2u);
  EXPECT_TRUE(Has(r, "\"request_time\":\"2019-12-04T21:02:31Z\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"edge_location\":\"LAX1\""));
  EXPECT_TRUE(Has(r, "\"sc_bytes\":392"));
  EXPECT_TRUE(Has(r, "\"client_ip\":\"192.0.2.100\""));
  EXPECT_TRUE(Has(r, "\"cs_method\":\"GET\""));
  EXPECT_TRUE(Has(r, "\"cs_uri_stem\":\"/index.html\""));
  EXPECT_TRUE(Has(r, "\"sc_status\":200"));
  EXPECT_FALSE(Has(r, "\"cs_referer\""));  // '-' is NULL
  EXPECT_TRUE(Has(r,
                  "\"cs_user_agent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                  "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36\""))
      << r.rendered;
  EXPECT_FALSE(Has(r, "\"cs_uri_query\""));
  EXPECT_TRUE(Has(r, "\"edge_result_type\":\"Hit\""));
  EXPECT_TRUE(Has(r, "\"cs_protocol\":\"https\""));
  EXPECT_TRUE(Has(r, "\"cs_bytes\":23"));
  EXPECT_TRUE(Has(r, "\"time_taken\":0.001"));
  EXPECT_TRUE(Has(r, "\"ssl_protocol\":\"TLSv1.2\""));
  EXPECT_TRUE(Has(r, "\"cs_protocol_version\":\"HTTP/2.0\""));
  EXPECT_TRUE(Has(r, "\"client_port\":11040"));
  EXPECT_TRUE(Has(r, "\"time_to_first_byte\":0.001"));
  EXPECT_TRUE(Has(r, "\"edge_detailed_result_type\":\"Hit\""));
  EXPECT_TRUE(Has(r, "\"sc_content_type\":\"text/html\""));
  EXPECT_TRUE(Has(r, "\"sc_content_len\":78"));
  EXPECT_FALSE(Has(r, "\"sc_range_start\""));
}

TEST(CloudFront, DoublesAreExact) {
  auto fields = Current();
  fields[18] = "12.345";
  fields[27] = "0.1";
  std::vector<bool> all(Cf().schema().size(), true);
  auto parser = Cf().MakeParser(all);
  RowBatch batch(Cf().schema());
  std::string reason;
  ASSERT_EQ(parser->Parse(Join(fields), batch, 0, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(std::bit_cast<double>(batch.ints(CloudFrontFormat::kTimeTaken)[0]), 12.345);
  EXPECT_EQ(std::bit_cast<double>(batch.ints(CloudFrontFormat::kTimeToFirstByte)[0]), 0.1);
  fields[18] = "123456789.1234567891";  // more digits than the exact path takes
  ASSERT_EQ(parser->Parse(Join(fields), batch, 0, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(std::bit_cast<double>(batch.ints(CloudFrontFormat::kTimeTaken)[0]),
            123456789.1234567891);
}

// Lines without a header follow the documented 33-field order; shorter lines (older
// generations) leave the later columns NULL.
TEST(CloudFront, HeaderlessLinesOfEveryGeneration) {
  auto cur = Current();
  std::vector<std::string> oldest(cur.begin(), cur.begin() + 12);
  std::vector<std::string> gen24(cur.begin(), cur.begin() + 24);
  const std::string input = Join(cur) + "\n" + Join(oldest) + "\n" + Join(gen24) + "\n";
  auto r = ParseForTest(Cf(), input);
  ASSERT_EQ(r.rows, 3u) << r.rendered;
  std::istringstream lines(r.rendered);
  std::string l1, l2, l3;
  std::getline(lines, l1);
  std::getline(lines, l2);
  std::getline(lines, l3);
  EXPECT_NE(l1.find("\"sc_content_len\":78"), std::string::npos) << l1;
  EXPECT_NE(l2.find("\"sc_status\":200"), std::string::npos) << l2;
  EXPECT_EQ(l2.find("\"edge_result_type\""), std::string::npos) << l2;
  EXPECT_EQ(l2.find("\"cs_bytes\""), std::string::npos) << l2;
  EXPECT_NE(l3.find("\"cs_protocol_version\":\"HTTP/2.0\""), std::string::npos) << l3;
  EXPECT_EQ(l3.find("\"client_port\""), std::string::npos) << l3;
  // Fewer than 12 fields is not a CloudFront line.
  std::vector<std::string> eleven(cur.begin(), cur.begin() + 11);
  auto bad = ParseForTest(Cf(), Join(eleven));
  EXPECT_TRUE(Has(bad, "line has 11 fields; at least 12 expected (no #Fields header)"))
      << bad.rendered;
}

// The #Fields header decides which field is which: an older header, a reordered one with
// unknown fields, and a second header mid-file. Preamble() follows the current header.
TEST(CloudFront, FieldsHeaderDecidesTheLayout) {
  std::vector<bool> all(Cf().schema().size(), true);
  auto parser = Cf().MakeParser(all);
  RowBatch batch(Cf().schema());
  std::string reason;
  parser->BeginObject();
  EXPECT_EQ(parser->Preamble(), "");
  EXPECT_EQ(parser->Parse(kVersion, batch, 0, &reason), LineResult::kSkip);
  const std::string h1 =
      "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem "
      "sc-status cs(Referer) cs(User-Agent) cs-uri-query";
  EXPECT_EQ(parser->Parse(h1 + "\r", batch, 0, &reason), LineResult::kSkip);
  EXPECT_EQ(parser->Preamble(), h1);
  auto cur = Current();
  std::vector<std::string> oldest(cur.begin(), cur.begin() + 12);
  ASSERT_EQ(parser->Parse(Join(oldest), batch, 0, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(batch.nulls(CloudFrontFormat::kEdgeResultType)[0], 1);
  // A line with fewer fields than its header lists is malformed; more are tolerated.
  std::vector<std::string> ten(cur.begin(), cur.begin() + 10);
  EXPECT_EQ(parser->Parse(Join(ten), batch, 0, &reason), LineResult::kReject);
  EXPECT_EQ(reason, "line has 10 fields; the #Fields header lists 12");
  ASSERT_EQ(parser->Parse(Join(cur), batch, 0, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(batch.nulls(CloudFrontFormat::kScContentLen)[0], 1);  // not in this header

  // A second header: custom order, an unknown field, a header name in another case.
  const std::string h2 = "#Fields: x-custom sc-status c-ip time date cs(user-agent) sc-bytes";
  EXPECT_EQ(parser->Parse(h2, batch, 0, &reason), LineResult::kSkip);
  EXPECT_EQ(parser->Preamble(), h2);
  ASSERT_EQ(parser->Parse("whatever\t404\t2001:db8::1\t23:59:59\t2024-02-29\tcurl/8.0\t-", batch,
                          0, &reason),
            LineResult::kRow)
      << reason;
  EXPECT_EQ(batch.ints(CloudFrontFormat::kScStatus)[0], 404);
  EXPECT_EQ(batch.strings(CloudFrontFormat::kClientIp)[0], "2001:db8::1");
  EXPECT_EQ(batch.strings(CloudFrontFormat::kCsUserAgent)[0], "curl/8.0");
  EXPECT_EQ(batch.nulls(CloudFrontFormat::kScBytes)[0], 1);
  EXPECT_EQ(batch.ints(CloudFrontFormat::kRequestTime)[0], 1709251199000000);  // 2024-02-29T23:59:59Z
  EXPECT_EQ(batch.nulls(CloudFrontFormat::kEdgeLocation)[0], 1);

  // A new object starts over in the standard order.
  parser->BeginObject();
  EXPECT_EQ(parser->Preamble(), "");
  ASSERT_EQ(parser->Parse(Join(cur), batch, 0, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(batch.ints(CloudFrontFormat::kScContentLen)[0], 78);

  // A header that names no field is rejected and the standard order applies after it.
  EXPECT_EQ(parser->Parse("#Fields:", batch, 0, &reason), LineResult::kReject);
  EXPECT_NE(reason.find("lists no fields"), std::string::npos) << reason;
  ASSERT_EQ(parser->Parse(Join(cur), batch, 0, &reason), LineResult::kRow) << reason;
}

// CloudFront encodes '%' itself as %25: decoding once gives the value as the viewer sent it,
// with its own escapes intact.
TEST(CloudFront, UrlDecodingUndoesTheLogEncodingOnce) {
  auto f = Current();
  f[7] = "/docs/annual%2520report%2523draft.pdf";
  f[9] = "https://www.example.com/search?q=caf%25C3%25A9%2520au%2520lait";
  f[11] = "betegnelse=Horsebakken%252053,%25202400&x=%253Cb%253E";
  f[12] = "session=abc%3Bdef;%20theme=dark";
  f[29] = "text/html;%20charset=utf-8";
  auto r = ParseForTest(Cf(), Join(f));
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"cs_uri_stem\":\"/docs/annual%20report%23draft.pdf\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"cs_referer\":\"https://www.example.com/search?q=caf%C3%A9%20au%20lait\""));
  EXPECT_TRUE(Has(r, "\"cs_uri_query\":\"betegnelse=Horsebakken%2053,%202400&x=%3Cb%3E\""));
  EXPECT_TRUE(Has(r, "\"cs_cookie\":\"session=abc;def; theme=dark\""));
  EXPECT_TRUE(Has(r, "\"sc_content_type\":\"text/html; charset=utf-8\""));
}

TEST(CloudFront, UserAgentEncodingsAndBadEscapes) {
  auto f = Current();
  // Encoded twice, as older logs (and AWS's 2014 examples) have it.
  f[10] = "Mozilla/5.0%2520(iPhone;%2520CPU%2520iPhone%2520OS%252010_2_1%2520like%2520Mac%2520OS"
          "%2520X)";
  auto r = ParseForTest(Cf(), Join(f));
  EXPECT_TRUE(Has(r, "\"cs_user_agent\":\"Mozilla/5.0 (iPhone; CPU iPhone OS 10_2_1 like Mac OS X)\""))
      << r.rendered;
  // Once-encoded with a quoted part and a literal '+'.
  f[10] = "NewsBlur%20Feed%20Fetcher%20(%22Mozilla/5.0%22)%20Mastodon/4.5.2+glitch";
  r = ParseForTest(Cf(), Join(f));
  EXPECT_TRUE(Has(r, "\"cs_user_agent\":\"NewsBlur Feed Fetcher (\\\"Mozilla/5.0\\\") Mastodon/4.5.2+glitch\""))
      << r.rendered;
  // UTF-8 bytes come encoded; escapes that do not decode to UTF-8 (or decode to NUL) stay
  // as logged, and so does a malformed escape.
  f[10] = "caf%C3%A9%20bot";
  f[11] = "a=%FF%FE&b=%00";
  f[12] = "x=%zz%2";
  r = ParseForTest(Cf(), Join(f));
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"cs_user_agent\":\"café bot\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"cs_uri_query\":\"a=%FF%FE&b=%00\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"cs_cookie\":\"x=%zz%2\"")) << r.rendered;
}

TEST(CloudFront, NullsEverywherePossible) {
  auto f = Current();
  for (size_t i = 2; i < f.size(); ++i) f[i].assign(1, '-');
  f[9].clear();  // an empty field is NULL too
  auto r = ParseForTest(Cf(), Join(f));
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered, "{\"request_time\":\"2019-12-04T21:02:31Z\"}\n");
}

TEST(CloudFront, MalformedLinesAreRejectedWithReasons) {
  struct Case {
    int field;
    std::string value;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {0, "2019-02-30", "field request_time: date '2019-02-30' is not a date like 2019-12-04"},
      {0, "04/12/2019", "field request_time: date '04/12/2019' is not a date like 2019-12-04"},
      {1, "24:00:00", "field request_time: time '24:00:00' is not a time like 21:02:31"},
      {1, "21:02", "field request_time: time '21:02' is not a time like 21:02:31"},
      {3, "-5", "field sc_bytes: '-5' is not a non-negative 64-bit integer"},
      {3, "99999999999999999999", "field sc_bytes: '99999999999999999999' is not a non-negative 64-bit integer"},
      {8, "2x0", "field sc_status: '2x0' is not an HTTP status"},
      {8, "1000", "field sc_status: '1000' is not an HTTP status"},
      {17, "1e3", "field cs_bytes: '1e3' is not a non-negative 64-bit integer"},
      {18, "0,082", "field time_taken: '0,082' is not a number of seconds like 0.082"},
      {18, ".5", "field time_taken: '.5' is not a number of seconds like 0.082"},
      {25, "x", "field fle_encrypted_fields: 'x' is not a non-negative 32-bit integer"},
      {26, "65536", "field client_port: '65536' is not a port number"},
      {27, "NaN", "field time_to_first_byte: 'NaN' is not a number of seconds like 0.082"},
      {30, "78 ", "field sc_content_len: '78 ' is not a non-negative 64-bit integer"},
      {32, "-\"#;", "field sc_range_end: '-\"#;' is not a non-negative 64-bit integer"},
  };
  std::vector<bool> all(Cf().schema().size(), true);
  auto parser = Cf().MakeParser(all);
  RowBatch batch(Cf().schema());
  for (const Case& c : cases) {
    auto f = Current();
    f[static_cast<size_t>(c.field)] = c.value;
    std::string reason;
    EXPECT_EQ(parser->Parse(Join(f), batch, 0, &reason), LineResult::kReject) << c.value;
    EXPECT_EQ(reason, c.reason);
  }
  std::string reason;
  EXPECT_EQ(parser->Parse("2019-12-04 21:02:31 LAX1 392 192.0.2.100 GET d1.cloudfront.net / 200",
                          batch, 0, &reason),
            LineResult::kReject);
  EXPECT_EQ(reason, "line has no tab: CloudFront fields are tab-separated (at least 12 expected)");
  EXPECT_EQ(parser->Parse("garbage", batch, 0, &reason), LineResult::kReject);
  EXPECT_EQ(reason, "line has 1 field; at least 12 expected (no #Fields header)");
  // Long values are cut in the reason.
  auto f = Current();
  f[3] = std::string(200, '7') + "x";
  EXPECT_EQ(parser->Parse(Join(f), batch, 0, &reason), LineResult::kReject);
  EXPECT_EQ(reason, "field sc_bytes: '" + std::string(80, '7') + "...' is not a non-negative 64-bit integer");
}

TEST(CloudFront, LimitsAndSpecialValues) {
  auto f = Current();
  f[3] = "9223372036854775807";
  f[8] = "000";  // the viewer closed the connection before the response
  f[26] = "0";
  f[1] = "23:59:60.5";  // a leap second with a fraction (W3C allows one)
  auto r = ParseForTest(Cf(), Join(f));
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"sc_bytes\":9223372036854775807"));
  EXPECT_TRUE(Has(r, "\"sc_status\":0"));
  EXPECT_TRUE(Has(r, "\"client_port\":0"));
  EXPECT_TRUE(Has(r, "\"request_time\":\"2019-12-05T00:00:00.500000Z\"")) << r.rendered;
}

TEST(CloudFront, InvalidUtf8AndNulBytesAreRejected) {
  auto f = Current();
  f[10] = "bot\xFF";
  auto r = ParseForTest(Cf(), Join(f));
  EXPECT_EQ(r.rejects, 1u);
  EXPECT_TRUE(Has(r, "line is not valid UTF-8 (byte ")) << r.rendered;
  const std::string good = Join(Current());
  for (const std::string& line :
       {std::string(4, '\0') + good, good + std::string(3, '\0'), good.substr(0, 40) + '\0' + good}) {
    auto n = ParseForTest(Cf(), line);
    EXPECT_EQ(n.rows, 0u) << n.rendered;
    EXPECT_TRUE(Has(n, "NUL byte")) << n.rendered;
  }
}

TEST(CloudFront, ProjectionDoesNotChangeWhichLinesAreRejected) {
  auto f = Current();
  f[30] = "x";
  std::vector<bool> none(Cf().schema().size(), false);
  auto parser = Cf().MakeParser(none);
  RowBatch batch(Cf().schema());
  std::string reason;
  EXPECT_EQ(parser->Parse(Join(f), batch, 0, &reason), LineResult::kReject);
  EXPECT_EQ(parser->Parse(Join(Current()), batch, 0, &reason), LineResult::kRow);
}

TEST(CloudFront, CrLfBlankLinesAndTrailingTab) {
  // AWS's own example has a line ending in an extra tab.
  const std::string line = Join(Current());
  const std::string input = std::string(kVersion) + "\r\n" + kFields33 + "\r\n" + line + "\r\n\n" +
                            line + "\t\n";
  auto r = ParseForTest(Cf(), input);
  EXPECT_EQ(r.rows, 2u) << r.rendered;
  EXPECT_EQ(r.skipped, 3u);
  EXPECT_EQ(r.rendered.find("\\r"), std::string::npos);
}

TEST(CloudFront, TimeHintFromAwsObjectNames) {
  auto h = Cf().TimeHintFromKey("example-prefix/EMLARXS9EXAMPLE.2019-11-14-20.RT4KCN4SGK9.gz");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(*h, 1573761600000000);  // 2019-11-14T20:00:00Z
  EXPECT_TRUE(Cf().TimeHintFromKey("E2ABC.2024-02-29-00.a1b2c3").has_value());
  EXPECT_FALSE(Cf().TimeHintFromKey("logs/access.log").has_value());
  EXPECT_FALSE(Cf().TimeHintFromKey("logs/E2ABC.2023-02-29-00.x.gz").has_value());
  EXPECT_FALSE(Cf().TimeHintFromKey("logs/E2ABC.2019-11-14-24.x.gz").has_value());
  EXPECT_FALSE(Cf().TimeHintFromKey("logs/E2ABC.2019-11-14-20").has_value());
  EXPECT_FALSE(Cf().TimeHintFromKey("logs/E2ABC.2019-11-14-20..gz").has_value());
  EXPECT_FALSE(Cf().TimeHintFromKey("logs/.2019-11-14-20.x.gz").has_value());
  EXPECT_FALSE(Cf().TimeHintFromKey("2019-11-14-20-00-00-0A1B2C3D4E5F6071").has_value());
}

// Conformance: real CloudFront log lines from public sources (shared/data/real).
std::filesystem::path RealData() {
  const char* src = std::getenv("SILT_SOURCE_DIR");
  return std::filesystem::path(src ? src : ".") / ".." / "shared" / "data" / "real";
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every reject of `r` as "line N: reason".
std::vector<std::string> Rejects(const ParsedText& r) {
  std::vector<std::string> out;
  std::istringstream rs(r.rendered);
  std::string l;
  while (std::getline(rs, l)) {
    if (l.rfind("{\"reject\"", 0) != 0) continue;
    size_t ln = l.find("\"line\":") + 7;
    size_t rs_pos = l.find("\"reason\":\"") + 10;
    out.push_back("line " + l.substr(ln, l.find(',', ln) - ln) + ": " +
                  l.substr(rs_pos, l.size() - rs_pos - 3));
  }
  return out;
}

TEST(CloudFront, RealHeaderlessLinesParse) {
  const auto p = RealData() / "cloudfront_access_dev.log";
  if (!std::filesystem::exists(p)) GTEST_SKIP() << "no real data at " << p;
  const std::string text = ReadAll(p);
  auto r = ParseForTest(Cf(), text);
  // Line 1 was cut out of a Rust raw string and kept its closing '"#;' in the last field.
  const std::vector<std::string> expected = {
      "line 1: field sc_range_end: '-\\\"#;' is not a non-negative 64-bit integer"};
  EXPECT_EQ(Rejects(r), expected) << r.rendered.substr(0, 4000);
  const uint64_t lines = static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')) +
                         (!text.empty() && text.back() != '\n');
  EXPECT_EQ(r.rows + r.rejects + r.skipped, lines);
  EXPECT_EQ(r.rows, lines - 1);
}

TEST(CloudFront, RealFilesWithHeadersParse) {
  const auto dir = RealData() / "cloudfront_files";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no real data at " << dir;
  // Elastic's test file ends with a hand-made line of 31 fields under a 33-field header
  // (sc-range-start and sc-range-end missing).
  const std::map<std::string, std::vector<std::string>> expected_rejects = {
      {"elastic-integrations__test-cloudfront.log",
       {"line 14: line has 31 fields; the #Fields header lists 33"}},
  };
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string text = ReadAll(e.path());
    const Compression c = DetectCompression(text);
    if (c != Compression::kNone) {
      auto plain = Decompress(c, text);
      ASSERT_TRUE(plain.ok()) << e.path() << ": " << plain.status().ToString();
      text = *plain;
    }
    ++files;
    auto r = ParseForTest(Cf(), text);
    const std::string name = e.path().filename().string();
    auto it = expected_rejects.find(name);
    const std::vector<std::string> expected =
        it != expected_rejects.end() ? it->second : std::vector<std::string>{};
    EXPECT_EQ(Rejects(r), expected) << name << "\n" << r.rendered.substr(0, 4000);
    EXPECT_EQ(r.skipped, 2u) << name;  // #Version and #Fields
    EXPECT_GT(r.rows, 0u) << name;
  }
  EXPECT_GE(files, 3);
}

}  // namespace
}  // namespace silt::formats
