#include "silt/formats/nlb.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "silt/common/civil_time.h"
#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

const Format& Nlb() { return *FindFormat("nlb"); }

bool Has(const ParsedText& r, std::string_view s) { return r.rendered.find(s) != std::string::npos; }

// The AWS user guide's example with an ALPN policy, plus tls_connection_creation_time.
constexpr const char* kAlpn =
    "tls 2.0 2020-04-01T08:51:42 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd "
    "72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - "
    "arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - "
    "ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2."
    "amazonaws.com h2 h2 \"h2\",\"http/1.1\" 2020-04-01T08:51:20";

TEST(Nlb, AlpnExample) {
  auto r = ParseForTest(Nlb(), kAlpn);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered,
            "{\"type\":\"tls\",\"version\":\"2.0\",\"time\":\"2020-04-01T08:51:42Z\","
            "\"elb\":\"net/my-network-loadbalancer/c6e77e28c25b2234\","
            "\"listener\":\"g3d4b5e8bb8464cd\",\"client_ip\":\"72.21.218.154\",\"client_port\":51341,"
            "\"destination_ip\":\"172.100.100.185\",\"destination_port\":443,"
            "\"connection_time_ms\":5,\"tls_handshake_time_ms\":2,\"received_bytes\":98,"
            "\"sent_bytes\":246,\"chosen_cert_arn\":\"arn:aws:acm:us-east-2:671290407336:"
            "certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99\",\"tls_cipher\":\"ECDHE-RSA-AES128-SHA\","
            "\"tls_protocol_version\":\"tlsv12\",\"domain_name\":\"my-network-loadbalancer-"
            "c6e77e28c25b2234.elb.us-east-2.amazonaws.com\",\"alpn_fe_protocol\":\"h2\","
            "\"alpn_be_protocol\":\"h2\",\"alpn_client_preference_list\":\"\\\"h2\\\",\\\"http/1.1\\\"\","
            "\"tls_connection_creation_time\":\"2020-04-01T08:51:20Z\"}\n");
  EXPECT_EQ(Nlb().time_column(), "time");
}

TEST(Nlb, Generations) {
  std::string line = kAlpn;
  // 21 fields: without tls_connection_creation_time (the user guide's 2020 examples).
  std::string g21 = line.substr(0, line.rfind(' '));
  auto r = ParseForTest(Nlb(), g21);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_FALSE(Has(r, "tls_connection_creation_time"));
  EXPECT_TRUE(Has(r, "alpn_client_preference_list"));
  // 18 fields: ends after domain_name, before the ALPN fields.
  std::string g18 = line.substr(0, line.find(" h2 h2 "));
  r = ParseForTest(Nlb(), g18);
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_FALSE(Has(r, "alpn"));
  EXPECT_TRUE(Has(r, "\"domain_name\":"));
  // 17: too short.
  r = ParseForTest(Nlb(), g18.substr(0, g18.rfind(' ')));
  EXPECT_TRUE(Has(r, "line ends after 17 fields; at least 18 expected")) << r.rendered;
  // Later fields are ignored.
  r = ParseForTest(Nlb(), line + " x25519 \"quoted future\"");
  EXPECT_EQ(r.rendered, ParseForTest(Nlb(), line).rendered);
}

TEST(Nlb, DashesEverywhere) {
  auto r = ParseForTest(
      Nlb(), "tls 2.0 2024-10-25T17:33:59 net/lb/c88927aafc9abafe 52878890095341b5 "
             "192.168.131.39:2817 10.0.0.1:80 0 - 0 0 - - - - - - - - - - 2024-10-25T17:33:59");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered,
            "{\"type\":\"tls\",\"version\":\"2.0\",\"time\":\"2024-10-25T17:33:59Z\","
            "\"elb\":\"net/lb/c88927aafc9abafe\",\"listener\":\"52878890095341b5\","
            "\"client_ip\":\"192.168.131.39\",\"client_port\":2817,\"destination_ip\":\"10.0.0.1\","
            "\"destination_port\":80,\"connection_time_ms\":0,\"received_bytes\":0,"
            "\"sent_bytes\":0,\"tls_connection_creation_time\":\"2024-10-25T17:33:59Z\"}\n");
}

TEST(Nlb, Ipv6AndAlerts) {
  auto r = ParseForTest(
      Nlb(), "tls 2.0 2026-04-29T07:46:43 net/my-internet-nlb/0123456789ab 0123456789abcdef "
             "2401:4900:1d0c:29b7:c9b2:7b5a:e7d0:2380:55932 "
             "2406:da1a:138:7c01:63c:b510:129f:89f1:443 35040 48 2150 1726 46 "
             "arn:aws:acm:ap-south-1:123456789012:certificate/x - TLS_AES_128_GCM_SHA256 tlsv13 "
             "x25519 example.com - - - 2026-04-29T07:46:08");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_TRUE(Has(r, "\"client_ip\":\"2401:4900:1d0c:29b7:c9b2:7b5a:e7d0:2380\",\"client_port\":55932"));
  EXPECT_TRUE(Has(r, "\"destination_ip\":\"2406:da1a:138:7c01:63c:b510:129f:89f1\",\"destination_port\":443"));
  EXPECT_TRUE(Has(r, "\"incoming_tls_alert\":46"));
  EXPECT_TRUE(Has(r, "\"tls_named_group\":\"x25519\""));
  EXPECT_TRUE(Has(r, "\"connection_time_ms\":35040"));
}

TEST(Nlb, RejectReasons) {
  auto reason_for = [](const std::string& from, const std::string& to) {
    std::string line = kAlpn;
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    line.replace(at, from.size(), to);
    auto r = ParseForTest(Nlb(), line);
    EXPECT_EQ(r.rows, 0u) << line;
    return r.rendered;
  };
  EXPECT_NE(reason_for("tls 2.0", "tls 2").find("field version: '2' is not a version such as 2.0"),
            std::string::npos);
  EXPECT_NE(reason_for(" 5 2 98", " 5.5 2 98")
                .find("field connection_time: '5.5' is not a non-negative 64-bit integer"),
            std::string::npos);
  EXPECT_NE(reason_for("246 -", "246 x")
                .find("field incoming_tls_alert: 'x' is not a non-negative 32-bit integer"),
            std::string::npos);
  EXPECT_NE(reason_for("172.100.100.185:443", "172.100.100.185")
                .find("field destination:port: '172.100.100.185' is not an IP address and port"),
            std::string::npos);
  EXPECT_NE(reason_for("2020-04-01T08:51:20", "2020-04-01T08:51")
                .find("field tls_connection_creation_time: '2020-04-01T08:51' is not an ISO-8601"),
            std::string::npos);
}

TEST(Nlb, OtherFormatsAreRejected) {
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
                "field version: '2018-07-02T22:23:00.186641Z' is not a version such as 2.0"},
           Case{"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 "
                "0.000086 0.001048 0.001337 200 200 0 57 \"GET https://www.example.com:443/ "
                "HTTP/1.1\" \"curl/7.38.0\" DHE-RSA-AES128-SHA TLSv1.2",
                "field type: '2015-05-13T23:39:43.945958Z' is not a type"},
       }) {
    auto r = ParseForTest(Nlb(), c.line);
    EXPECT_EQ(r.rows, 0u) << c.line;
    EXPECT_TRUE(Has(r, c.reason)) << r.rendered;
  }
}

TEST(Nlb, TimeHintFromKey) {
  auto hint = Nlb().TimeHintFromKey(
      "bucket/AWSLogs/123456789012/elasticloadbalancing/us-east-2/2018/12/20/"
      "123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_"
      "20181220T2340Z_1a2b3c4d.log.gz");
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(FormatTimestampUtc(*hint), "2018-12-20T23:40:00Z");
  EXPECT_FALSE(Nlb().TimeHintFromKey("123456789012_elasticloadbalancing_us-east-2_app.my-lb."
                                     "1234567890abcdef_20140215T2340Z_172.160.001.192_x.log.gz"));
}

// Conformance: elb_other_formats.log holds NLB TLS lines (1-4), ALB connection log lines (5-7)
// and one Classic line (8). As nlb, the four NLB lines parse (line 3's domain_name and ALPN
// list were mangled by their publisher, but are still single tokens); the others are rejected,
// each for the reason named here.
TEST(Nlb, RealOtherFormatsFile) {
  const char* src = std::getenv("SILT_SOURCE_DIR");
  std::filesystem::path p = std::filesystem::path(src ? src : ".") / ".." / "shared" / "data" /
                            "real" / "elb_other_formats.log";
  if (!std::filesystem::exists(p)) GTEST_SKIP() << "no real data at " << p;
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = ParseForTest(Nlb(), ss.str());
  EXPECT_EQ(r.rows, 4u);
  EXPECT_EQ(r.rejects, 4u);
  std::vector<std::string> rows, rejects;
  std::istringstream rs(r.rendered);
  std::string l;
  while (std::getline(rs, l)) {
    (l.rfind("{\"reject\"", 0) == 0 ? rejects : rows).push_back(l);
  }
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NE(rows[0].find("\"time\":\"2018-12-20T02:59:40Z\""), std::string::npos) << rows[0];
  EXPECT_NE(rows[1].find("\"alpn_client_preference_list\":\"\\\"h2\\\",\\\"http/1.1\\\"\""),
            std::string::npos)
      << rows[1];
  EXPECT_NE(rows[2].find("\"connection_time_ms\":108,\"tls_handshake_time_ms\":65"),
            std::string::npos)
      << rows[2];
  EXPECT_NE(rows[3].find("\"connection_time_ms\":0,\"received_bytes\":0"), std::string::npos)
      << rows[3];
  const std::string type_reason =
      "is not a type (lowercase letters and digits)\"}}";
  const std::vector<std::pair<int, std::string>> expected = {
      {5, "field type: '2024-10-04T17:05:15.514108Z' " + type_reason},
      {6, "field type: '2024-10-04T17:05:15.514108Z' " + type_reason},
      {7, "field type: '2024-11-29T13:45:24.599544Z' " + type_reason},
      {8, "field type: '2015-05-13T23:39:43.945958Z' " + type_reason},
  };
  ASSERT_EQ(rejects.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(rejects[i].rfind("{\"reject\":{\"line\":" + std::to_string(expected[i].first) + ",", 0),
              0u)
        << rejects[i];
    EXPECT_NE(rejects[i].find("\"reason\":\"" + expected[i].second), std::string::npos)
        << rejects[i];
  }
}

}  // namespace
}  // namespace silt::formats
