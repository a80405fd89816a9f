#include "silt/common/uri.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace silt {
namespace {

TEST(Uri, PlainAbsolutePath) {
  auto u = ParseUri("/data//logs/./2024/../x/");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->is_local());
  EXPECT_EQ(u->path, "/data/logs/x");
  EXPECT_EQ(u->ToString(), "file:///data/logs/x");
}

TEST(Uri, RelativePathIsMadeAbsolute) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  auto u = ParseUri("logs/a.log");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->path, NormalizePath(std::string(cwd) + "/logs/a.log"));
}

TEST(Uri, FileScheme) {
  EXPECT_EQ(ParseUri("file:///var/log")->path, "/var/log");
  EXPECT_EQ(ParseUri("file://localhost/var/log")->path, "/var/log");
}

TEST(Uri, S3) {
  auto u = ParseUri("s3://my-bucket/AWSLogs/123/");
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->is_local());
  EXPECT_EQ(u->bucket, "my-bucket");
  EXPECT_EQ(u->path, "AWSLogs/123/");
  EXPECT_EQ(u->ToString(), "s3://my-bucket/AWSLogs/123/");
  auto b = ParseUri("s3://only-bucket");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->bucket, "only-bucket");
  EXPECT_EQ(b->path, "");
}

TEST(Uri, Errors) {
  EXPECT_EQ(ParseUri("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseUri("s3:///key").status().code(), StatusCode::kInvalidArgument);
  auto r = ParseUri("ftp://host/x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ftp"), std::string::npos);
}

TEST(Uri, Glob) {
  EXPECT_TRUE(HasGlob("logs/*.log"));
  EXPECT_TRUE(HasGlob("logs/2024-0?"));
  EXPECT_FALSE(HasGlob("logs/plain"));
}

}  // namespace
}  // namespace silt

namespace silt {
namespace {

// One spelling per place: trailing slashes do not make another run or source.
TEST(Uri, IdentityIgnoresTrailingSlashes) {
  EXPECT_EQ(ParseUri("s3://b/raw")->Identity(), "s3://b/raw");
  EXPECT_EQ(ParseUri("s3://b/raw/")->Identity(), "s3://b/raw");
  EXPECT_EQ(ParseUri("s3://b/raw//")->Identity(), "s3://b/raw");
  EXPECT_EQ(ParseUri("s3://b/")->Identity(), "s3://b");
  EXPECT_EQ(ParseUri("s3://b")->Identity(), "s3://b");
  EXPECT_EQ(ParseUri("/data/logs/")->Identity(), "file:///data/logs");
  EXPECT_EQ(ParseUri("/")->Identity(), "file:///");
}

}  // namespace
}  // namespace silt
