#include "silt/formats/elb.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "silt/common/civil_time.h"
#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

const Format& Elb() { return *FindFormat("elb"); }

bool Has(const ParsedText& r, std::string_view s) { return r.rendered.find(s) != std::string::npos; }

// The AWS user guide's example entries (HTTP, HTTPS, TCP, SSL listeners).
constexpr const char* kHttps =
    "2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 "
    "0.001048 0.001337 200 200 0 57 \"GET https://www.example.com:443/ HTTP/1.1\" "
    "\"curl/7.38.0\" DHE-RSA-AES128-SHA TLSv1.2";

TEST(Elb, HttpsListener) {
  auto r = ParseForTest(Elb(), kHttps);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered,
            "{\"time\":\"2015-05-13T23:39:43.945958Z\",\"elb\":\"my-loadbalancer\","
            "\"client_ip\":\"192.168.131.39\",\"client_port\":2817,\"backend_ip\":\"10.0.0.1\","
            "\"backend_port\":80,\"request_processing_time\":8.6e-05,"
            "\"backend_processing_time\":0.001048,\"response_processing_time\":0.001337,"
            "\"elb_status_code\":200,\"backend_status_code\":200,\"received_bytes\":0,"
            "\"sent_bytes\":57,\"request\":\"GET https://www.example.com:443/ HTTP/1.1\","
            "\"user_agent\":\"curl/7.38.0\",\"ssl_cipher\":\"DHE-RSA-AES128-SHA\","
            "\"ssl_protocol\":\"TLSv1.2\",\"request_method\":\"GET\","
            "\"request_url\":\"https://www.example.com:443/\",\"request_protocol\":\"HTTP/1.1\"}\n");
  EXPECT_EQ(Elb().time_column(), "time");
}

TEST(Elb, TcpAndSslListeners) {
  auto r = ParseForTest(
      Elb(),
      "2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001069 "
      "0.000028 0.000041 - - 82 305 \"- - - \" \"-\" - -\n"
      "2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001065 "
      "0.000015 0.000023 - - 57 502 \"- - - \" \"-\" ECDHE-ECDSA-AES128-GCM-SHA256 TLSv1.2\n");
  ASSERT_EQ(r.rows, 2u) << r.rendered;
  EXPECT_FALSE(Has(r, "status_code"));
  EXPECT_FALSE(Has(r, "request_method"));
  EXPECT_FALSE(Has(r, "request_url"));
  EXPECT_FALSE(Has(r, "user_agent"));
  EXPECT_TRUE(Has(r, "\"request\":\"- - - \""));  // as logged
  EXPECT_TRUE(Has(r, "\"ssl_cipher\":\"ECDHE-ECDSA-AES128-GCM-SHA256\""));
}

TEST(Elb, NotDispatched) {
  auto r = ParseForTest(
      Elb(), "2015-05-13T23:39:43.945958Z my-lb 192.168.131.39:2817 - -1 -1 -1 503 0 0 0 "
             "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_FALSE(Has(r, "backend_ip"));
  EXPECT_FALSE(Has(r, "processing_time"));
  EXPECT_TRUE(Has(r, "\"elb_status_code\":503,\"backend_status_code\":0"));
}

TEST(Elb, OldestLayoutEndsAtRequest) {
  auto r = ParseForTest(
      Elb(), "2014-03-04T14:12:33.384393Z my-lb 192.0.2.10:54321 10.0.0.1:80 0.000021 0.002 "
             "0.000018 200 200 0 1024 \"GET http://www.example.com:80/index.html HTTP/1.1\"");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"request_url\":\"http://www.example.com:80/index.html\""));
  EXPECT_FALSE(Has(r, "user_agent"));
  EXPECT_FALSE(Has(r, "ssl_"));
  r = ParseForTest(Elb(), "2014-03-04T14:12:33.384393Z my-lb 192.0.2.10:54321 10.0.0.1:80 0.000021 "
                          "0.002 0.000018 200 200 0 1024");
  EXPECT_TRUE(Has(r, "line ends after 11 fields; at least 12 expected")) << r.rendered;
  // Fields added after ssl_protocol are ignored.
  r = ParseForTest(Elb(), std::string(kHttps) + " \"future\" field");
  EXPECT_EQ(r.rendered, ParseForTest(Elb(), kHttps).rendered);
}

TEST(Elb, Ipv6Client) {
  auto r = ParseForTest(
      Elb(), "2015-06-29T18:20:58.072335Z MY-ELB 2601:240:4002:5883:b5f3:aaaa:bbbb:64ec:53016 "
             "10.12.34.56:80 0.000052 0.006129 0.000037 200 200 0 0 "
             "\"GET https://www.example.com/ HTTP/1.1\" \"Mozilla/5.0 (Macintosh)\" "
             "ECDHE-RSA-AES128-SHA256 TLSv1.2");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"client_ip\":\"2601:240:4002:5883:b5f3:aaaa:bbbb:64ec\",\"client_port\":53016"));
}

TEST(Elb, QuotesInsideUserAgent) {
  auto r = ParseForTest(
      Elb(), "2015-05-13T23:39:43.945958Z my-lb 192.0.2.1:2817 10.0.0.1:80 0.1 0.2 0.3 200 200 0 "
             "57 \"GET http://h:80/ HTTP/1.1\" \"Mozilla/4.0 (\"compatible\" \" x)\" - -");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"user_agent\":\"Mozilla/4.0 (\\\"compatible\\\" \\\" x)\"")) << r.rendered;
}

TEST(Elb, OtherFormatsAreRejected) {
  struct Case {
    const char* line;
    const char* reason;
  };
  for (const Case& c : {
           Case{"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 "
                "192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
                "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - "
                "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/"
                "73e2d6bc24d8a067 \"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 "
                "2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\"",
                "field time: 'http' is not an ISO-8601 time"},
           Case{"tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 "
                "g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - - - "
                "ECDHE-RSA-AES128-SHA tlsv12 - - - - - 2018-12-20T02:59:30",
                "field time: 'tls' is not an ISO-8601 time"},
           // An ALB connection log line: time first too, but no ports after the addresses.
           Case{"2024-10-04T17:05:15.514108Z 192.168.131.39 36280 443 TLSv1.2 "
                "ECDHE-RSA-AES128-GCM-SHA256 4.036 \"CN=amazondomains.com,O=endEntity\" "
                "NotBefore=2023-09-21T22:43:21Z;NotAfter=2026-06-17T22:43:21Z FEF257372D5C14D4 "
                "Success TID_16132ed0b4112148",
                "field client:port: '36280' is not an IP address and port"},
       }) {
    auto r = ParseForTest(Elb(), c.line);
    EXPECT_EQ(r.rows, 0u) << c.line;
    EXPECT_TRUE(Has(r, c.reason)) << r.rendered;
  }
}

TEST(Elb, TimeHintFromKey) {
  auto hint = Elb().TimeHintFromKey(
      "my-bucket/prefix/AWSLogs/123456789012/elasticloadbalancing/us-west-2/2014/02/15/"
      "123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20140215T2340Z_"
      "172.160.001.192_20sg8hgm.log");
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(FormatTimestampUtc(*hint), "2014-02-15T23:40:00Z");
  EXPECT_FALSE(Elb().TimeHintFromKey("123456789012_elasticloadbalancing_us-east-2_app.my-lb."
                                     "1234567890abcdef_20140215T2340Z_172.160.001.192_x.log.gz"));
  EXPECT_FALSE(Elb().TimeHintFromKey("123456789012_elasticloadbalancing_us-east-2_net.my-lb."
                                     "1234567890abcdef_20181220T2340Z_1a2b3c4d.log.gz"));
}

std::string ReadReal(const char* name) {
  const char* src = std::getenv("SILT_SOURCE_DIR");
  std::filesystem::path p =
      std::filesystem::path(src ? src : ".") / ".." / "shared" / "data" / "real" / name;
  if (!std::filesystem::exists(p)) return {};
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Conformance: elb_other_formats.log holds NLB TLS lines (1-4), ALB connection log lines (5-7)
// and one Classic line (8). As elb, the Classic line parses; every other line is rejected,
// each for the reason named here.
TEST(Elb, RealOtherFormatsFile) {
  const std::string text = ReadReal("elb_other_formats.log");
  if (text.empty()) GTEST_SKIP() << "no real data";
  auto r = ParseForTest(Elb(), text);
  EXPECT_EQ(r.rows, 1u);
  EXPECT_EQ(r.rejects, 7u);
  std::vector<std::string> rejects;
  std::istringstream rs(r.rendered);
  std::string l;
  while (std::getline(rs, l)) {
    if (l.rfind("{\"reject\"", 0) == 0) {
      rejects.push_back(l.substr(l.find("\"reason\"")));
    } else {
      EXPECT_NE(l.find("\"time\":\"2015-05-13T23:39:43.945958Z\",\"elb\":\"my-loadbalancer\""),
                std::string::npos)
          << l;
      EXPECT_NE(l.find("\"request_processing_time\":8.6e-05"), std::string::npos) << l;
      EXPECT_NE(l.find("\"ssl_protocol\":\"TLSv1.2\""), std::string::npos) << l;
    }
  }
  const std::vector<std::string> expected = {
      "\"reason\":\"field time: 'tls' is not an ISO-8601 time such as 2018-07-02T22:23:00.186641Z\"}}",
      "\"reason\":\"field time: 'tls' is not an ISO-8601 time such as 2018-07-02T22:23:00.186641Z\"}}",
      "\"reason\":\"field time: 'tls' is not an ISO-8601 time such as 2018-07-02T22:23:00.186641Z\"}}",
      "\"reason\":\"field time: 'tls' is not an ISO-8601 time such as 2018-07-02T22:23:00.186641Z\"}}",
      "\"reason\":\"field client:port: '36280' is not an IP address and port\"}}",
      "\"reason\":\"field client:port: '36280' is not an IP address and port\"}}",
      "\"reason\":\"field client:port: '58206' is not an IP address and port\"}}",
  };
  EXPECT_EQ(rejects, expected);
}

}  // namespace
}  // namespace silt::formats
