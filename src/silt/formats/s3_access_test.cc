#include "silt/formats/s3_access.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "silt/common/strings.h"
#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

const Format& S3() { return *FindFormat("s3_access"); }

constexpr const char* kCurrent =
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 "
    "[06/Feb/2019:00:00:38 +0000] 192.0.2.3 "
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE "
    "REST.GET.VERSIONING - \"GET /awsexamplebucket1?versioning HTTP/1.1\" 200 - 113 - 7 - "
    "\"-\" \"S3Console/0.4\" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/"
    "XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
    "awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.2 "
    "arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes";

TEST(S3Access, CurrentLayout) {
  auto r = ParseForTest(S3(), kCurrent);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_NE(r.rendered.find("\"request_time\":\"2019-02-06T00:00:38Z\""), std::string::npos);
  EXPECT_NE(r.rendered.find("\"http_status\":200"), std::string::npos);
  EXPECT_NE(r.rendered.find("\"bytes_sent\":113"), std::string::npos);
  EXPECT_EQ(r.rendered.find("\"object_size\""), std::string::npos);  // '-' is NULL
  EXPECT_EQ(r.rendered.find("\"key\""), std::string::npos);
  EXPECT_EQ(r.rendered.find("\"referer\""), std::string::npos);       // "-" is NULL
  EXPECT_NE(r.rendered.find("\"acl_required\":\"Yes\""), std::string::npos);
  EXPECT_EQ(r.rendered.find("\"source_region\""), std::string::npos);
  EXPECT_NE(r.rendered.find("\"request_method\":\"GET\""), std::string::npos);
}

TEST(S3Access, TimeZoneOffsetsBecomeUtc) {
  std::string line = kCurrent;
  line.replace(line.find("+0000"), 5, "-0530");
  auto r = ParseForTest(S3(), line);
  EXPECT_NE(r.rendered.find("\"request_time\":\"2019-02-06T05:30:38Z\""), std::string::npos)
      << r.rendered;
}

TEST(S3Access, OldestLayoutEndsAtUserAgent) {
  const std::string line =
      "a1b2 bucket [12/Mar/2010:09:10:11 +0000] 10.0.0.1 - 1A2B3C4D5E6F7A8B REST.GET.OBJECT "
      "img/a%20b.png \"GET /bucket/img/a%20b.png HTTP/1.1\" 304 - - 52881 12 - "
      "\"http://example.com/\" \"Mozilla/4.0 (compatible; MSIE 8.0)\"";
  auto r = ParseForTest(S3(), line);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_NE(r.rendered.find("\"key\":\"img/a b.png\""), std::string::npos);
  EXPECT_NE(r.rendered.find("\"key_raw\":\"img/a%20b.png\""), std::string::npos);
  EXPECT_NE(r.rendered.find("\"user_agent\":\"Mozilla/4.0 (compatible; MSIE 8.0)\""),
            std::string::npos);
  EXPECT_EQ(r.rendered.find("\"version_id\""), std::string::npos);
}

TEST(S3Access, QuotesInsideQuotedFields) {
  const std::string line =
      "owner bucket [01/Jan/2024:00:00:00 +0000] 2001:db8::7 - REQ1 REST.GET.OBJECT q.txt "
      "\"GET /bucket/q.txt?x=\"a b\" HTTP/1.1\" 200 - 5 5 1 1 \"-\" "
      "\"curl \"quoted\" agent\" - hostid SigV4 - AuthHeader h TLSv1.3 - - eu-west-1";
  auto r = ParseForTest(S3(), line);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_NE(r.rendered.find("\"request_uri\":\"GET /bucket/q.txt?x=\\\"a b\\\" HTTP/1.1\""),
            std::string::npos)
      << r.rendered;
  EXPECT_NE(r.rendered.find("\"user_agent\":\"curl \\\"quoted\\\" agent\""), std::string::npos)
      << r.rendered;
  EXPECT_NE(r.rendered.find("\"remote_ip\":\"2001:db8::7\""), std::string::npos);
  EXPECT_NE(r.rendered.find("\"source_region\":\"eu-west-1\""), std::string::npos);
}

TEST(S3Access, HugeSizesAndFutureFields) {
  const std::string line =
      "o b [01/Jan/2024:00:00:00 +0000] 1.2.3.4 - R REST.PUT.OBJECT k \"PUT /b/k HTTP/1.1\" 200 "
      "- 9223372036854775807 9000000000000 1 1 \"-\" \"ua\" - h SigV4 - AuthHeader h TLSv1.2 - - "
      "us-east-1 future1 \"future 2\"";
  auto r = ParseForTest(S3(), line);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_NE(r.rendered.find("\"bytes_sent\":9223372036854775807"), std::string::npos);
  EXPECT_NE(r.rendered.find("\"object_size\":9000000000000"), std::string::npos);
  EXPECT_NE(r.rendered.find("\"source_region\":\"us-east-1\""), std::string::npos);
}

TEST(S3Access, MalformedLinesAreRejectedWithReasons) {
  const std::string input =
      "o b [01/Jan/2024:00:00:00 +0000] 1.2.3.4 - R REST.GET.OBJECT k \"GET / HTTP/1.1\" 200\n"
      "o b [31/Feb/2024:00:00:00 +0000] 1.2.3.4 - R OP k \"GET / HTTP/1.1\" 200 - 1 1 1 1 \"-\" \"-\"\n"
      "o b [01/Jan/2024:00:00:00 +0000] 1.2.3.4 - R OP k \"GET / HTTP/1.1\" 2x0 - 1 1 1 1 \"-\" \"-\"\n"
      "o b [01/Jan/2024:00:00:00 +0000] 1.2.3.4 - R OP k \"GET / HTTP/1.1\" 200 - 99999999999999999999 1 1 1 \"-\" \"-\"\n"
      "o b 01/Jan/2024:00:00:00 +0000 1.2.3.4 - R OP k \"GET / HTTP/1.1\" 200 - 1 1 1 1 \"-\" \"-\"\n"
      "o b [01/Jan/2024:00:00:00 +0000] 1.2.3.4 - R OP k \"GET / HTTP/1.1 200 - 1 1 1 1 - -\n"
      "just some text\n";
  auto r = ParseForTest(S3(), input);
  EXPECT_EQ(r.rows, 0u) << r.rendered;
  EXPECT_EQ(r.rejects, 7u) << r.rendered;
  EXPECT_NE(r.rendered.find("\"line\":1,\"offset\":0,\"reason\":\"line ends after"), std::string::npos)
      << r.rendered;
  EXPECT_NE(r.rendered.find("field request_time: '31/Feb/2024"), std::string::npos);
  EXPECT_NE(r.rendered.find("field http_status: '2x0'"), std::string::npos);
  EXPECT_NE(r.rendered.find("field bytes_sent: '99999999999999999999'"), std::string::npos);
  EXPECT_NE(r.rendered.find("expected '['"), std::string::npos);
  EXPECT_NE(r.rendered.find("no closing quote"), std::string::npos);
}

TEST(S3Access, InvalidUtf8IsRejectedAndBadKeyEscapesStayRaw) {
  std::string bad = kCurrent;
  bad.replace(bad.find("S3Console/0.4"), 13, "S3Console\xFF/0.4");
  auto r = ParseForTest(S3(), bad);
  EXPECT_EQ(r.rejects, 1u);
  EXPECT_NE(r.rendered.find("not valid UTF-8"), std::string::npos) << r.rendered;
  std::string key = kCurrent;
  key.replace(key.find("REST.GET.VERSIONING - "), 22, "REST.GET.OBJECT a%FFb%20c ");
  auto k = ParseForTest(S3(), key);
  ASSERT_EQ(k.rows, 1u) << k.rendered;
  EXPECT_NE(k.rendered.find("\"key\":\"a%FFb%20c\""), std::string::npos) << k.rendered;
  EXPECT_EQ(k.rendered.find("key_raw"), std::string::npos);
}

TEST(S3Access, TimeHintFromAwsObjectNames) {
  auto h = S3().TimeHintFromKey("logs/2024-03-01-23-59-07-0A1B2C3D4E5F6071");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(*h, 1709337547000000);  // 2024-03-01T23:59:07Z
  EXPECT_TRUE(S3().TimeHintFromKey("2024-03-01-23-59-07-0A1B2C3D4E5F6071.gz").has_value());
  EXPECT_FALSE(S3().TimeHintFromKey("logs/access.log").has_value());
  EXPECT_FALSE(S3().TimeHintFromKey("logs/2024-13-01-23-59-07-0A1B2C3D4E5F6071").has_value());
  EXPECT_FALSE(S3().TimeHintFromKey("logs/2024-03-01-23-59-07-0A1B2C3D4E5F607Z").has_value());
}

TEST(S3Access, CrLfAndBlankLines) {
  std::string input = std::string(kCurrent) + "\r\n\n" + kCurrent + "\n";
  auto r = ParseForTest(S3(), input);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_EQ(r.rendered.find("\\r"), std::string::npos);
}

TEST(S3Access, ProjectionDoesNotChangeWhichLinesAreRejected) {
  const std::string bad =
      "o b [01/Jan/2024:00:00:00 +0000] 1.2.3.4 - R OP k \"GET / HTTP/1.1\" 200 - x 1 1 1 \"-\" \"-\"";
  std::vector<bool> none(S3().schema().size(), false);
  auto parser = S3().MakeParser(none);
  RowBatch batch(S3().schema());
  std::string reason;
  EXPECT_EQ(parser->Parse(bad, batch, 0, &reason), LineResult::kReject);
  EXPECT_EQ(parser->Parse(kCurrent, batch, 0, &reason), LineResult::kRow);
}

// A user agent holding a quoted word and, after it, ten or more spaces (most browser user
// agents have that many): the quote found further on is the user agent's own closing quote,
// not a quoted field added after source_region.
TEST(S3Access, QuotedWordInLongUserAgentStaysInTheUserAgent) {
  const std::string ua =
      "Mozilla/5.0 \"Foo\" (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36";
  const std::string head =
      "o b [01/Jan/2024:00:00:00 +0000] 192.0.2.1 - R REST.GET.OBJECT k \"GET /b/k HTTP/1.1\" "
      "200 - 5 5 1 1 \"-\" \"" + ua + "\"";
  for (const std::string& line : {head, head + " v h SigV4 - AuthHeader b.s3.amazonaws.com TLSv1.2"}) {
    auto r = ParseForTest(S3(), line);
    ASSERT_EQ(r.rows, 1u) << r.rendered;
    std::string escaped;
    JsonEscape(ua, &escaped);
    EXPECT_NE(r.rendered.find("\"user_agent\":\"" + escaped + "\""), std::string::npos)
        << r.rendered;
  }
  auto r = ParseForTest(S3(), head);
  EXPECT_EQ(r.rendered.find("\"version_id\""), std::string::npos) << r.rendered;
}

// A key logged with literal spaces may hold a '-' word; that '-' is not the request URI.
TEST(S3Access, KeyWithLiteralSpacesAndDashWords) {
  for (const char* key : {"notes - final.txt", "draft -", "report - 2024 - v2.pdf"}) {
    const std::string line = std::string("o b [01/Jan/2024:00:00:00 +0000] 192.0.2.1 - R REST.GET.OBJECT ") +
                             key + " \"GET /b/x HTTP/1.1\" 200 - 5 5 1 1 \"-\" \"ua\"";
    auto r = ParseForTest(S3(), line);
    ASSERT_EQ(r.rows, 1u) << key << ": " << r.rendered;
    EXPECT_NE(r.rendered.find(std::string("\"key\":\"") + key + "\""), std::string::npos)
        << r.rendered;
  }
  // A bare '-' request URI (lifecycle lines) is still one.
  auto r = ParseForTest(S3(), "o b [01/Jan/2024:00:00:00 +0000] - AmazonS3 R S3.EXPIRE.OBJECT k - - "
                              "- - 12 - - - - - h");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered.find("\"request_uri\""), std::string::npos) << r.rendered;
  EXPECT_NE(r.rendered.find("\"key\":\"k\""), std::string::npos) << r.rendered;
}

// NUL bytes (zero-filled blocks from interrupted copies, binary data) reject the line, even
// where the rest of the line would parse: "[partial record][NULs][next record]" would
// otherwise become one row with the next record swallowed into a field.
TEST(S3Access, LinesWithNulBytesAreRejected) {
  const std::string good(kCurrent);
  const std::string torn = good.substr(0, good.find("\"S3Console")) + "\"S3Con" +
                           std::string(8, '\0') + good;
  for (const std::string& line : {std::string(4, '\0') + good, good + std::string(3, '\0'), torn}) {
    auto r = ParseForTest(S3(), line);
    EXPECT_EQ(r.rows, 0u) << r.rendered;
    EXPECT_NE(r.rendered.find("NUL byte"), std::string::npos) << r.rendered;
  }
  // Parse() itself, on a line with no padding after it.
  std::vector<bool> all(S3().schema().size(), true);
  auto parser = S3().MakeParser(all);
  RowBatch batch(S3().schema());
  std::string reason;
  EXPECT_EQ(parser->Parse(std::string_view("a\0b", 3), batch, 0, &reason), LineResult::kReject);
}

// An unterminated quote swallows the fields after it; the reason names the quoted field
// rather than only counting fields. A line that is merely cut short still says so.
TEST(S3Access, UnterminatedQuoteReasonNamesTheField) {
  auto r = ParseForTest(
      S3(), "o b [01/Jan/2024:00:00:00 +0000] 1.2.3.4 - R OP k \"GET /b/k HTTP/1.1 200 - 1 1 1 1 "
            "\"-\" \"ua\"");
  EXPECT_NE(r.rendered.find("field request_uri: quoted value has no closing quote followed by "
                            "the fields that come after it (line ends after 10 fields)"),
            std::string::npos)
      << r.rendered;
  r = ParseForTest(S3(), "o b [01/Jan/2024:00:00:00 +0000] 1.2.3.4 - R OP k \"GET / HTTP/1.1\" 200");
  EXPECT_NE(r.rendered.find("line ends after 10 fields; at least 17 expected"), std::string::npos)
      << r.rendered;
  r = ParseForTest(S3(), "\"\"");
  EXPECT_NE(r.rendered.find("line ends after 1 field; at least 17 expected"), std::string::npos)
      << r.rendered;
}

// Conformance: real server access log lines from public sources (shared/data/real).
TEST(S3Access, RealLinesAllParse) {
  const char* src = std::getenv("SILT_SOURCE_DIR");
  std::filesystem::path p = std::filesystem::path(src ? src : ".") / ".." / "shared" / "data" /
                            "real" / "s3_access_dev.log";
  if (!std::filesystem::exists(p)) GTEST_SKIP() << "no real data at " << p;
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  auto r = ParseForTest(S3(), text);
  uint64_t lines = static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
  EXPECT_EQ(r.rejects, 0u) << r.rendered.substr(0, 4000);
  EXPECT_EQ(r.rows + r.skipped, lines + (text.back() != '\n'));
  if (r.rejects) {
    std::istringstream rs(r.rendered);
    std::string l;
    while (std::getline(rs, l)) {
      if (l.rfind("{\"reject\"", 0) == 0) ADD_FAILURE() << l;
    }
  }
}

}  // namespace
}  // namespace silt::formats
