#include "silt/common/status.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace silt {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(v));
  return v / 2;
}

Result<int> Quarter(int v) {
  SILT_ASSIGN_OR_RETURN(int h, Half(v));
  SILT_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Status, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::NotFound("no such object: a/b");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "NotFound: no such object: a/b");
  EXPECT_EQ(s.WithContext("reading x").message(), "reading x: no such object: a/b");
}

TEST(Status, OnlyUnavailableIsRetriable) {
  EXPECT_TRUE(IsRetriable(Status::Unavailable("503 SlowDown")));
  EXPECT_FALSE(IsRetriable(Status::NotFound("x")));
  EXPECT_FALSE(IsRetriable(Status::Corruption("x")));
  EXPECT_FALSE(IsRetriable(Status::OK()));
}

TEST(Status, ErrnoMapping) {
  EXPECT_EQ(ErrnoStatus("open", "/x", ENOENT).code(), StatusCode::kNotFound);
  EXPECT_EQ(ErrnoStatus("link", "/x", EEXIST).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrnoStatus("write", "/x", ENOSPC).code(), StatusCode::kIoError);
  EXPECT_NE(ErrnoStatus("open", "/x", ENOENT).message().find("/x"), std::string::npos);
}

TEST(Result, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd: 3");
}

}  // namespace
}  // namespace silt
