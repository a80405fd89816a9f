#include "silt/formats/detect.h"

#include <gtest/gtest.h>

namespace silt::formats {
namespace {

TEST(Detect, NamesS3AccessLogs) {
  const std::string line =
      "79a5 awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - 3E57427F3EXAMPLE "
      "REST.GET.VERSIONING - \"GET /awsexamplebucket1?versioning HTTP/1.1\" 200 - 113 - 7 - "
      "\"-\" \"S3Console/0.4\" - hostid SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
      "awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.2 - -\n";
  std::string sample;
  for (int i = 0; i < 20; ++i) sample += line;
  sample += "garbage\n";
  sample += line.substr(0, 40);  // a cut last line is not counted
  auto found = DetectFormats(sample);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].format->name(), "s3_access");
  EXPECT_EQ(found[0].rows, 20u);
  EXPECT_EQ(found[0].rejects, 1u);
  EXPECT_NEAR(found[0].confidence, 20.0 / 21.0, 1e-9);
}

TEST(Schema, ColumnDeclarations) {
  auto s = ParseColumnDecls("status INTEGER, path varchar,ts TIMESTAMP , user.id BIGINT");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 4u);
  EXPECT_EQ((*s)[0].type, ColumnType::kInt32);
  EXPECT_EQ((*s)[1].type, ColumnType::kVarchar);
  EXPECT_EQ((*s)[2].type, ColumnType::kTimestampTz);
  EXPECT_EQ((*s)[3].name, "user.id");
  EXPECT_FALSE(ParseColumnDecls("a INTEGER, a VARCHAR").ok());
  EXPECT_FALSE(ParseColumnDecls("a").ok());
  EXPECT_FALSE(ParseColumnDecls("a DECIMAL").ok());
  EXPECT_FALSE(ParseColumnDecls("").ok());
  EXPECT_FALSE(ParseColumnDecls("a INT b INT").ok());
}

TEST(Detect, NothingForText) {
  EXPECT_TRUE(DetectFormats("hello world\nthis is prose\n").empty());
  EXPECT_TRUE(DetectFormats("").empty());
}

}  // namespace
}  // namespace silt::formats
