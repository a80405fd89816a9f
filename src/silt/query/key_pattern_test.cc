#include "silt/query/key_pattern.h"

#include <gtest/gtest.h>

namespace silt::query {
namespace {

TEST(KeyPattern, CapturesFromTheIssueExamples) {
  auto kp = KeyPattern::Parse("{customer}/audit/{date}.csv");
  ASSERT_TRUE(kp.ok());
  EXPECT_EQ(kp->names(), (std::vector<std::string>{"customer", "date"}));
  auto m = kp->Match("acme/audit/2024-03-01.csv");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(*m, (std::vector<std::string>{"acme", "2024-03-01"}));
  EXPECT_FALSE(kp->Match("acme/other/2024-03-01.csv").has_value());
  EXPECT_FALSE(kp->Match("acme/x/audit/2024-03-01.csv").has_value());  // {name} stays in a segment

  auto elb = KeyPattern::Parse("AWSLogs/{account}/elasticloadbalancing/{region}/{yyyy}/{mm}/{dd}/**");
  ASSERT_TRUE(elb.ok());
  auto e = elb->Match("AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2024/03/01/x_y.log.gz");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(*e, (std::vector<std::string>{"123456789012", "eu-west-1", "2024", "03", "01"}));
}

TEST(KeyPattern, StarsAndLiterals) {
  auto kp = KeyPattern::Parse("*/{day}-*.log");
  ASSERT_TRUE(kp.ok());
  auto m = kp->Match("host1/2024-03-01-00.log");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->at(0), "2024");  // shortest capture before the first '-'
  EXPECT_FALSE(kp->Match("a/b/2024-03-01.log").has_value());
}

TEST(KeyPattern, BadPatterns) {
  EXPECT_FALSE(KeyPattern::Parse("").ok());
  EXPECT_FALSE(KeyPattern::Parse("{open").ok());
  EXPECT_FALSE(KeyPattern::Parse("{}/x").ok());
  EXPECT_FALSE(KeyPattern::Parse("{a}/{a}").ok());
  EXPECT_FALSE(KeyPattern::Parse("{9lives}").ok());
}

}  // namespace
}  // namespace silt::query
