#include "silt/formats/alb.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "silt/common/civil_time.h"
#include "silt/formats/elb_common.h"
#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

const Format& Alb() { return *FindFormat("alb"); }

bool Has(const ParsedText& r, std::string_view s) { return r.rendered.find(s) != std::string::npos; }

// Every field of the current layout (33), as the AWS user guide describes them.
constexpr const char* kCurrent =
    "https 2024-03-21T16:10:26.071854Z app/my-loadbalancer/50dc6c495c0c9188 "
    "192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 201 0 57 "
    "\"GET https://www.example.com:443/a?b=c HTTP/1.1\" \"curl/7.46.0\" "
    "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
    "\"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\" "
    "\"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 "
    "2024-03-21T16:10:26.061854Z \"authenticate,forward\" \"-\" \"-\" \"10.0.0.1:80\" \"201\" "
    "\"-\" \"-\" TID_1234abcd5678ef90 \"internal.example.com\" \"/v2/a?b=c\" \"Transformed\"";

TEST(Alb, CurrentLayoutEveryField) {
  auto r = ParseForTest(Alb(), kCurrent);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  for (const char* s : {
           "\"type\":\"https\"", "\"time\":\"2024-03-21T16:10:26.071854Z\"",
           "\"elb\":\"app/my-loadbalancer/50dc6c495c0c9188\"", "\"client_ip\":\"192.168.131.39\"",
           "\"client_port\":2817", "\"target_ip\":\"10.0.0.1\"", "\"target_port\":80",
           "\"request_processing_time\":0.086", "\"target_processing_time\":0.048",
           "\"response_processing_time\":0.037", "\"elb_status_code\":200",
           "\"target_status_code\":201", "\"received_bytes\":0", "\"sent_bytes\":57",
           "\"request\":\"GET https://www.example.com:443/a?b=c HTTP/1.1\"",
           "\"user_agent\":\"curl/7.46.0\"", "\"ssl_cipher\":\"ECDHE-RSA-AES128-GCM-SHA256\"",
           "\"ssl_protocol\":\"TLSv1.2\"", "\"target_group_arn\":\"arn:aws:elasticloadbalancing:",
           "\"trace_id\":\"Root=1-58337281-1d84f3d73c47ec4e58577259\"",
           "\"domain_name\":\"www.example.com\"", "\"chosen_cert_arn\":\"arn:aws:acm:",
           "\"matched_rule_priority\":1", "\"request_creation_time\":\"2024-03-21T16:10:26.061854Z\"",
           "\"actions_executed\":\"authenticate,forward\"", "\"target_port_list\":\"10.0.0.1:80\"",
           "\"target_status_code_list\":\"201\"", "\"conn_trace_id\":\"TID_1234abcd5678ef90\"",
           "\"transformed_host\":\"internal.example.com\"", "\"transformed_uri\":\"/v2/a?b=c\"",
           "\"request_transform_status\":\"Transformed\"", "\"request_method\":\"GET\"",
           "\"request_url\":\"https://www.example.com:443/a?b=c\"",
           "\"request_protocol\":\"HTTP/1.1\""}) {
    EXPECT_TRUE(Has(r, s)) << s << "\n" << r.rendered;
  }
  // "-" is NULL.
  for (const char* s : {"redirect_url", "error_reason", "\"classification\"", "classification_reason"}) {
    EXPECT_FALSE(Has(r, s)) << s << "\n" << r.rendered;
  }
  EXPECT_EQ(Alb().time_column(), "time");
  EXPECT_EQ(FindColumn(Alb().schema(), "time"), 1);
}

TEST(Alb, EveryRequestType) {
  for (const char* type : {"http", "https", "h2", "grpcs", "ws", "wss"}) {
    std::string line = kCurrent;
    line.replace(0, 5, type);
    auto r = ParseForTest(Alb(), line);
    ASSERT_EQ(r.rows, 1u) << type << "\n" << r.rendered;
    EXPECT_TRUE(Has(r, std::string("\"type\":\"") + type + "\""));
  }
  // "ignore any other values": an unknown type is kept, not rejected.
  std::string line = kCurrent;
  line.replace(0, 5, "h3");
  EXPECT_EQ(ParseForTest(Alb(), line).rows, 1u);
  // But it must look like a type.
  line.replace(0, 2, "H3");
  auto r = ParseForTest(Alb(), line);
  EXPECT_TRUE(Has(r, "field type: 'H3' is not a type (lowercase letters and digits)")) << r.rendered;
}

TEST(Alb, MinusOneTimingsAreNull) {
  const std::string line =
      "http 2019-10-11T15:01:35.190447Z app/lb/c86a326e7dc14222 77.227.156.41:56448 - -1 -1 -1 "
      "504 - 125 308 \"GET http://x.example.com:80/ HTTP/1.1\" \"curl/7.58.0\" - - "
      "arn:aws:elasticloadbalancing:eu-central-1:627959692251:targetgroup/t/8f04c4fe71f5f794 "
      "\"Root=1-5da09945-0eaa8050df7d96f84806ded0\" \"-\" \"-\" -1 2019-10-11T15:01:25.189000Z "
      "\"forward\" \"-\" \"-\"";
  auto r = ParseForTest(Alb(), line);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_FALSE(Has(r, "processing_time")) << r.rendered;
  EXPECT_FALSE(Has(r, "target_ip"));
  EXPECT_FALSE(Has(r, "target_port"));
  EXPECT_FALSE(Has(r, "target_status_code"));
  EXPECT_TRUE(Has(r, "\"elb_status_code\":504"));
  // matched_rule_priority -1 (error in rule evaluation) is a value, kept.
  EXPECT_TRUE(Has(r, "\"matched_rule_priority\":-1")) << r.rendered;
  // Only -1 means "not measured"; other negative times are errors.
  std::string bad = line;
  bad.replace(bad.find(" -1 -1 -1 "), 10, " -1 -2 -1 ");
  r = ParseForTest(Alb(), bad);
  EXPECT_TRUE(Has(r, "field target_processing_time: '-2' is not a number of seconds (or -1)"))
      << r.rendered;
}

TEST(Alb, Ipv6Clients) {
  struct Case {
    const char* client;
    const char* ip;
    int port;
  };
  for (const Case& c : {Case{"2a02:a33c:4538:1:bcf4:5264:e01c:f215:50718",
                             "2a02:a33c:4538:1:bcf4:5264:e01c:f215", 50718},
                        Case{"2001:db8::1:443", "2001:db8::1", 443},
                        Case{"[2001:db8::1]:443", "2001:db8::1", 443},
                        Case{"::1:8080", "::1", 8080}, Case{"2001:db8:::9", "2001:db8::", 9},
                        Case{"::ffff:192.0.2.7:1234", "::ffff:192.0.2.7", 1234}}) {
    std::string line = kCurrent;
    line.replace(line.find("192.168.131.39:2817"), 19, c.client);
    auto r = ParseForTest(Alb(), line);
    ASSERT_EQ(r.rows, 1u) << c.client << "\n" << r.rendered;
    EXPECT_TRUE(Has(r, std::string("\"client_ip\":\"") + c.ip + "\"")) << r.rendered;
    EXPECT_TRUE(Has(r, "\"client_port\":" + std::to_string(c.port))) << r.rendered;
  }
  for (const char* bad : {"2001:db8::1", "192.0.2.1", "192.0.2.1:65536", "192.0.2.256:80",
                          "[192.0.2.1]:80", "2001:db8:::1:2:80", "1:2:3:4:5:6:7:8:9:80",
                          "host.example.com:80", "192.0.2.1:", "192.0.2.1:-1"}) {
    std::string line = kCurrent;
    line.replace(line.find("192.168.131.39:2817"), 19, bad);
    auto r = ParseForTest(Alb(), line);
    EXPECT_TRUE(Has(r, std::string("field client:port: '") + bad + "' is not an IP address and port"))
        << bad << "\n" << r.rendered;
  }
}

// Field generations: every prefix from 17 fields on parses, the rest is NULL; fields AWS adds
// later are ignored.
TEST(Alb, EveryGenerationAndFutureFields) {
  std::vector<std::string> fields;
  {
    // Split kCurrent at the field boundaries (no field of it holds a space except request).
    std::string s = kCurrent;
    size_t i = 0;
    while (i < s.size()) {
      size_t j = s[i] == '"' ? s.find("\" ", i + 1) : s.find(' ', i);
      if (j == std::string::npos) j = s.size();
      else if (s[i] == '"') ++j;
      fields.push_back(s.substr(i, j - i));
      i = j + 1;
    }
  }
  ASSERT_EQ(fields.size(), 33u);
  const Schema& schema = Alb().schema();
  const char* future[] = {"\"future field\"", "x", "\"y\""};
  std::string all33;
  for (size_t n = 1; n <= fields.size() + 3; ++n) {
    std::string line;
    for (size_t k = 0; k < n; ++k) {
      if (k) line += ' ';
      line += k < fields.size() ? fields[k] : future[k - fields.size()];
    }
    auto r = ParseForTest(Alb(), line);
    if (n < 17) {
      EXPECT_EQ(r.rows, 0u) << n;
      continue;
    }
    ASSERT_EQ(r.rows, 1u) << n << "\n" << r.rendered;
    if (n == 33) all33 = r.rendered;
    if (n > 33) {
      EXPECT_EQ(r.rendered, all33);
      continue;
    }
    // Field k >= 5 is column k + 2 (client:port and target:port are two columns each). The
    // last present field's column is set (unless '-'), the first absent one's is NULL.
    const std::string& last = fields[n - 1];
    if (last != "-" && last != "\"-\"") {
      EXPECT_TRUE(Has(r, "\"" + schema[n + 1].name + "\":")) << n << "\n" << r.rendered;
    }
    if (n < 33) {
      EXPECT_FALSE(Has(r, "\"" + schema[n + 2].name + "\":")) << n << "\n" << r.rendered;
    }
  }
  auto r = ParseForTest(Alb(), "http 2016-08-10T22:08:42.945958Z app/lb/1 1.2.3.4:5 - 1 1 1 200 - 1");
  EXPECT_TRUE(Has(r, "line ends after 11 fields; at least 17 expected")) << r.rendered;
}

TEST(Alb, OriginalSeventeenFieldLine) {
  auto r = ParseForTest(
      Alb(),
      "http 2016-08-10T22:08:42.945958Z app/my-loadbalancer/50dc6c495c0c9188 "
      "192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
      "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - "
      "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"request_processing_time\":0,"));
  EXPECT_TRUE(Has(r, "\"target_processing_time\":0.001,"));
  EXPECT_FALSE(Has(r, "trace_id"));
  EXPECT_FALSE(Has(r, "ssl_cipher"));
}

TEST(Alb, RequestIntoMethodUrlProtocol) {
  struct Case {
    const char* request;
    const char* method;
    const char* url;
    const char* protocol;
  };
  for (const Case& c : {
           Case{"GET http://www.example.com:80/ HTTP/1.1", "GET", "http://www.example.com:80/",
                "HTTP/1.1"},
           Case{"- - -", nullptr, nullptr, nullptr},
           Case{"- http://www.example.com:80- -", nullptr, "http://www.example.com:80-", nullptr},
           Case{"- http://lb.example.com:80-/ ", nullptr, "http://lb.example.com:80-/", nullptr},
           Case{"GET https://lb.example.com:443/no-version -", "GET",
                "https://lb.example.com:443/no-version", nullptr},
           Case{"GET https://h:443/a b c HTTP/2.0", "GET", "https://h:443/a b c", "HTTP/2.0"},
           Case{"PRI * HTTP/2.0", "PRI", "*", "HTTP/2.0"},
           Case{"GET", "GET", nullptr, nullptr},
       }) {
    std::string line = kCurrent;
    const size_t b = line.find("\"GET ");
    line.replace(b + 1, line.find('"', b + 1) - b - 1, c.request);
    auto r = ParseForTest(Alb(), line);
    ASSERT_EQ(r.rows, 1u) << c.request << "\n" << r.rendered;
    EXPECT_TRUE(Has(r, std::string("\"request\":\"") + c.request + "\"")) << r.rendered;
    auto check = [&](const char* col, const char* v) {
      if (v == nullptr) {
        EXPECT_FALSE(Has(r, std::string("\"") + col + "\":")) << c.request << " " << col;
      } else {
        EXPECT_TRUE(Has(r, std::string("\"") + col + "\":\"" + v + "\"")) << c.request << " " << col
                                                                          << "\n" << r.rendered;
      }
    };
    check("request_method", c.method);
    check("request_url", c.url);
    check("request_protocol", c.protocol);
  }
}

TEST(Alb, QuotesInsideQuotedFields) {
  // A quote in the user agent (and request) as the client sent it: the closing quote is the
  // one after which the line reads on.
  std::string line = kCurrent;
  line.replace(line.find("\"curl/7.46.0\""), 13,
               "\"Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10\" Build/LMY47I)\"");
  line.replace(line.find("a?b=c HTTP"), 5, "a?q=\"x y\"");
  auto r = ParseForTest(Alb(), line);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"user_agent\":\"Dalvik/2.1.0 (Linux; U; Android 5.1; Alba 10\\\" Build/LMY47I)\""))
      << r.rendered;
  EXPECT_TRUE(Has(r, "\"request_url\":\"https://www.example.com:443/a?q=\\\"x y\\\"\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"ssl_protocol\":\"TLSv1.2\""));
  // ALB itself writes a quote in the request as \x22: kept as logged.
  line = kCurrent;
  line.replace(line.find("a?b=c"), 5, "a?b=\\x22");
  r = ParseForTest(Alb(), line);
  EXPECT_TRUE(Has(r, "\"request_url\":\"https://www.example.com:443/a?b=\\\\x22\"")) << r.rendered;
}

TEST(Alb, BareValuesForQuotedFields) {
  // Some published samples write the target lists unquoted: a bare token reads the same.
  std::string line = kCurrent;
  line.replace(line.find("\"10.0.0.1:80\" \"201\""), 19, "10.0.0.1:80 201");
  auto r = ParseForTest(Alb(), line);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"target_port_list\":\"10.0.0.1:80\",\"target_status_code_list\":\"201\""));
  // Lists of several targets are space-separated inside the quotes.
  line = kCurrent;
  line.replace(line.find("\"10.0.0.1:80\" \"201\""), 19, "\"10.0.0.1:80 10.0.0.2:80\" \"500 201\"");
  r = ParseForTest(Alb(), line);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"target_port_list\":\"10.0.0.1:80 10.0.0.2:80\"")) << r.rendered;
  EXPECT_TRUE(Has(r, "\"target_status_code_list\":\"500 201\""));
}

TEST(Alb, RejectReasonsNameFieldAndValue) {
  auto reason_for = [](const std::string& from, const std::string& to) {
    std::string line = kCurrent;
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    line.replace(at, from.size(), to);
    auto r = ParseForTest(Alb(), line);
    EXPECT_EQ(r.rows, 0u) << line;
    return r.rendered;
  };
  EXPECT_NE(reason_for("2024-03-21T16:10:26.071854Z", "2024-02-30T16:10:26.071854Z")
                .find("field time: '2024-02-30T16:10:26.071854Z' is not an ISO-8601 time"),
            std::string::npos);
  EXPECT_NE(reason_for(" 200 201 ", " 2000 201 ")
                .find("field elb_status_code: '2000' is not an HTTP status code"),
            std::string::npos);
  EXPECT_NE(reason_for(" 0 57 ", " 0 -57 ")
                .find("field sent_bytes: '-57' is not a non-negative 64-bit integer"),
            std::string::npos);
  EXPECT_NE(reason_for(" 0 57 ", " 0 99999999999999999999 ")
                .find("field sent_bytes: '99999999999999999999' is not a non-negative 64-bit"),
            std::string::npos);
  EXPECT_NE(reason_for("0.086", "0.08.6")
                .find("field request_processing_time: '0.08.6' is not a number of seconds"),
            std::string::npos);
  EXPECT_NE(reason_for("0.086", "1e3").find("'1e3' is not a number of seconds"), std::string::npos);
  EXPECT_NE(reason_for(" 1 2024-03-21T16:10:26.061854Z", " one 2024-03-21T16:10:26.061854Z")
                .find("field matched_rule_priority: 'one' is not a 32-bit integer"),
            std::string::npos);
  EXPECT_NE(reason_for("2024-03-21T16:10:26.061854Z", "yesterday")
                .find("field request_creation_time: 'yesterday' is not an ISO-8601 time"),
            std::string::npos);
  EXPECT_NE(reason_for(" 0.086", "  0.086").find("field request_processing_time is empty"),
            std::string::npos);
  EXPECT_NE(reason_for("\"curl/7.46.0\" ECDHE", "\"curl/7.46.0 ECDHE")
                .find("field user_agent: quoted value has no closing quote followed by the "
                      "fields that come after it"),
            std::string::npos);
  // Only quoted fields may hold quotes.
  EXPECT_NE(reason_for(" TLSv1.2 ", " TLS\"v1.2 ")
                .find("field ssl_protocol: 'TLS\\\"v1.2' holds a quote, which only quoted fields may"),
            std::string::npos);
  // The first problem of the line is reported.
  EXPECT_NE(reason_for(" 0 57 \"GET", " x 57 \"GET\"")
                .find("field received_bytes: 'x' is not a non-negative 64-bit integer"),
            std::string::npos);
  // Long values are shortened in reasons.
  std::string long_value(500, '9');
  std::string text = reason_for(" 0 57 ", " 0 " + long_value + " ");
  EXPECT_NE(text.find("'" + std::string(64, '9') + "...'"), std::string::npos) << text;
}

TEST(Alb, NulAndInvalidUtf8AreRejected) {
  std::string line = kCurrent;
  line[line.find("curl")] = '\0';
  auto r = ParseForTest(Alb(), line);
  EXPECT_TRUE(Has(r, "NUL byte")) << r.rendered;
  line = kCurrent;
  line.replace(line.find("curl"), 4, "c\xff\xferl");
  r = ParseForTest(Alb(), line);
  EXPECT_TRUE(Has(r, "not valid UTF-8")) << r.rendered;
  line = kCurrent;
  line.replace(line.find("curl"), 4, "c\xc3\xa9rl");  // é
  EXPECT_EQ(ParseForTest(Alb(), line).rows, 1u);
}

TEST(Alb, CrlfTrailingSpacesAndBlankLines) {
  auto r = ParseForTest(Alb(), std::string(kCurrent) + "  \r\n\r\n   \n" + kCurrent + "\n");
  EXPECT_EQ(r.rows, 2u) << r.rendered;
  EXPECT_EQ(r.skipped, 2u);
  const std::string one = ParseForTest(Alb(), kCurrent).rendered;
  EXPECT_EQ(r.rendered, one + one);
}

// Rejecting does not depend on which columns are wanted.
TEST(Alb, ValidationIndependentOfProjection) {
  std::string bad = kCurrent;
  bad.replace(bad.find(" 0 57 "), 6, " 0 5x ");
  std::vector<bool> only_type(Alb().schema().size(), false);
  only_type[0] = true;
  auto parser = Alb().MakeParser(only_type);
  RowBatch batch(Alb().schema());
  std::string reason;
  EXPECT_EQ(parser->Parse(bad, batch, 0, &reason), LineResult::kReject);
  EXPECT_EQ(reason, "field sent_bytes: '5x' is not a non-negative 64-bit integer");
  EXPECT_EQ(parser->Parse(kCurrent, batch, 0, &reason), LineResult::kRow);
  EXPECT_EQ(batch.strings(0)[0], "https");
}

// Lines of the other load balancer logs (and of S3 access logs) are rejected, not mis-read.
TEST(Alb, OtherFormatsAreRejected) {
  const char* classic =
      "2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 "
      "0.001048 0.001337 200 200 0 57 \"GET https://www.example.com:443/ HTTP/1.1\" "
      "\"curl/7.38.0\" DHE-RSA-AES128-SHA TLSv1.2";
  const char* nlb =
      "tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd "
      "72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - "
      "arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - "
      "ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2."
      "amazonaws.com h2 h2 \"h2\",\"http/1.1\" 2020-04-01T08:51:20";
  const char* conn =
      "2023-12-01T09:00:00.000000Z 192.168.1.1 12345 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "
      "5.123 \"CN=example.com\" NotBefore=2023-01-01T00:00:00Z;NotAfter=2024-01-01T00:00:00Z "
      "A1B2C3D4 Success TID_1234";
  const char* s3 =
      "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 "
      "[06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d52"
      "18e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET /awsexamplebucket1?versioning "
      "HTTP/1.1\" 200 - 113 - 7 - \"-\" \"S3Console/0.4\" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2B="
      " SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com "
      "TLSV1.2";
  struct Case {
    const char* line;
    const char* reason;
  };
  for (const Case& c : {
           Case{classic, "field type: '2015-05-13T23:39:43.945958Z' is not a type"},
           Case{nlb, "field time: '2.0' is not an ISO-8601 time"},
           Case{conn, "field type: '2023-12-01T09:00:00.000000Z' is not a type"},
           Case{s3, "field type: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' is "
                   "not a type"},
       }) {
    auto r = ParseForTest(Alb(), c.line);
    EXPECT_EQ(r.rows, 0u) << c.line;
    EXPECT_TRUE(Has(r, c.reason)) << r.rendered;
  }
}

TEST(Alb, TimeHintFromKey) {
  auto hint = Alb().TimeHintFromKey(
      "my-bucket/prefix/AWSLogs/123456789012/elasticloadbalancing/us-east-2/2016/05/01/"
      "123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_"
      "20140215T2340Z_172.160.001.192_20sg8hgm.log.gz");
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(FormatTimestampUtc(*hint), "2014-02-15T23:40:00Z");
  // Other load balancers' objects, and names that do not read so, give no hint.
  for (const char* key : {
           "AWSLogs/1/elasticloadbalancing/us-east-2/2018/12/20/"
           "1_elasticloadbalancing_us-east-2_net.my-nlb.c6e77e28c25b2234_20181220T2340Z_1a2b3c4d.log.gz",
           "AWSLogs/1/elasticloadbalancing/us-west-2/2014/02/15/"
           "1_elasticloadbalancing_us-west-2_my-loadbalancer_20140215T2340Z_172.160.001.192_20sg8hgm.log",
           "1_elasticloadbalancing_us-east-2_app.lb.1_20140230T2340Z_1.2.3.4_x.log.gz",
           "1_elasticloadbalancing_us-east-2_app.lb.1_20140215T2460Z_1.2.3.4_x.log.gz",
           "1_elasticloadbalancing_us-east-2_app.lb.1_20140215X2340Z_1.2.3.4_x.log.gz",
           "2019-02-06-00-00-38-5C5B3CF6DB8F4A58",
           "",
       }) {
    EXPECT_FALSE(Alb().TimeHintFromKey(key).has_value()) << key;
  }
}

TEST(ElbCommon, IsoTimes) {
  int64_t t;
  ASSERT_TRUE(elb::ParseIsoTime("2018-07-02T22:23:00.186641Z", &t));
  EXPECT_EQ(FormatTimestampUtc(t), "2018-07-02T22:23:00.186641Z");
  ASSERT_TRUE(elb::ParseIsoTime("2018-12-20T02:59:40", &t));
  EXPECT_EQ(FormatTimestampUtc(t), "2018-12-20T02:59:40Z");
  ASSERT_TRUE(elb::ParseIsoTime("2024-02-29T00:00:00.5Z", &t));
  EXPECT_EQ(FormatTimestampUtc(t), "2024-02-29T00:00:00.500000Z");
  ASSERT_TRUE(elb::ParseIsoTime("2024-02-29T00:00:00.123456789Z", &t));
  EXPECT_EQ(FormatTimestampUtc(t), "2024-02-29T00:00:00.123456Z");
  for (const char* bad : {"2023-02-29T00:00:00Z", "2018-07-02 22:23:00Z", "2018-07-02T24:00:00Z",
                          "2018-07-02T22:23:00.Z", "2018-07-02T22:23:00.1234567890Z",
                          "2018-07-02T22:23:00+00:00", "2018-07-02T22:23:00ZZ", "2018-07-02",
                          "2018-7-02T22:23:00Z", "-"}) {
    EXPECT_FALSE(elb::ParseIsoTime(bad, &t)) << bad;
  }
}

// Conformance: real ALB access log lines from public sources (shared/data/real). Every line
// parses: none of them is malformed.
TEST(Alb, RealLinesAllParse) {
  const char* src = std::getenv("SILT_SOURCE_DIR");
  std::filesystem::path p = std::filesystem::path(src ? src : ".") / ".." / "shared" / "data" /
                            "real" / "alb_access_dev.log";
  if (!std::filesystem::exists(p)) GTEST_SKIP() << "no real data at " << p;
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  auto r = ParseForTest(Alb(), text);
  const uint64_t lines =
      static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')) + (text.back() != '\n');
  EXPECT_EQ(r.rejects, 0u);
  EXPECT_EQ(r.rows, lines);
  std::istringstream rs(r.rendered);
  std::string l;
  while (std::getline(rs, l)) {
    if (l.rfind("{\"reject\"", 0) == 0) ADD_FAILURE() << l;
  }
}

}  // namespace
}  // namespace silt::formats
