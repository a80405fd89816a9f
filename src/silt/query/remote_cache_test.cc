#include "silt/query/remote_cache.h"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace silt::query {
namespace {

namespace fs = std::filesystem;

class EvictCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("silt-cache-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A cached object of `bytes` with its ETag note, last used `age` ago.
  fs::path Put(const std::string& rel, size_t bytes, std::chrono::seconds age) {
    const fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << std::string(bytes, 'x');
    std::ofstream(p.string() + ".silt-etag") << "\"etag\"";
    fs::last_write_time(p, fs::file_time_type::clock::now() - age);
    return p;
  }

  fs::path dir_;
};

using std::chrono::hours;
using std::chrono::minutes;

TEST_F(EvictCacheTest, UnderTheLimitNothingIsRemoved) {
  Put("host/b/a.parquet", 100, hours(5));
  Put("host/b/c.parquet", 100, hours(4));
  const EvictStats st = EvictCache(dir_.string(), 200, minutes(10));
  EXPECT_EQ(st.files, 0u);
  EXPECT_EQ(st.left_bytes, 200u);
  EXPECT_TRUE(fs::exists(dir_ / "host/b/a.parquet"));
}

TEST_F(EvictCacheTest, RemovesTheLeastRecentlyUsedFirstWithTheirNotes) {
  const fs::path oldest = Put("host/b/day=1/old.parquet", 100, hours(30));
  const fs::path middle = Put("host/b/day=2/mid.parquet", 100, hours(20));
  const fs::path newest = Put("host/b/day=3/new.parquet", 100, hours(1));
  const EvictStats st = EvictCache(dir_.string(), 150, minutes(10));
  EXPECT_EQ(st.files, 2u);
  EXPECT_EQ(st.bytes, 200u);
  EXPECT_EQ(st.left_bytes, 100u);
  EXPECT_FALSE(fs::exists(oldest));
  EXPECT_FALSE(fs::exists(oldest.string() + ".silt-etag"));
  EXPECT_FALSE(fs::exists(middle));
  EXPECT_TRUE(fs::exists(newest));
  EXPECT_TRUE(fs::exists(newest.string() + ".silt-etag"));
  // Folders left empty go too; the cache folder itself stays.
  EXPECT_FALSE(fs::exists(dir_ / "host/b/day=1"));
  EXPECT_TRUE(fs::exists(dir_));
}

TEST_F(EvictCacheTest, RecentlyUsedObjectsStayEvenOverTheLimit) {
  const fs::path old = Put("host/b/old.parquet", 100, hours(2));
  const fs::path now1 = Put("host/b/now1.parquet", 100, std::chrono::seconds(5));
  const fs::path now2 = Put("host/b/now2.parquet", 100, std::chrono::seconds(1));
  const EvictStats st = EvictCache(dir_.string(), 50, minutes(10));
  EXPECT_EQ(st.files, 1u);
  EXPECT_FALSE(fs::exists(old));
  EXPECT_TRUE(fs::exists(now1));
  EXPECT_TRUE(fs::exists(now2));
  EXPECT_EQ(st.left_bytes, 200u);
}

TEST_F(EvictCacheTest, DownloadsInProgressStayThoseOfEndedProcessesGo) {
  // This process runs; pid 2^22 + 1 is above Linux's pid_max, so no process has it.
  const fs::path running = Put("host/b/x.parquet.silt-tmp-" + std::to_string(::getpid()), 500, hours(3));
  const fs::path ended = Put("host/b/z.parquet.silt-tmp-4194305", 500, hours(3));
  const fs::path obj = Put("host/b/y.parquet", 100, hours(3));
  const EvictStats st = EvictCache(dir_.string(), 1000, minutes(10));
  EXPECT_EQ(st.files, 0u);
  EXPECT_EQ(st.left_bytes, 100u) << "downloads are not cached objects";
  EXPECT_TRUE(fs::exists(running));
  EXPECT_FALSE(fs::exists(ended));
  EXPECT_TRUE(fs::exists(obj));
}

TEST_F(EvictCacheTest, PathsToKeepStay) {
  const fs::path kept = Put("host/b/view.parquet", 100, hours(9));
  const fs::path other = Put("host/b/other.parquet", 100, hours(1));
  const EvictStats st = EvictCache(dir_.string(), 10, minutes(10), {kept.string()});
  EXPECT_EQ(st.files, 1u);
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_FALSE(fs::exists(other));
}

TEST_F(EvictCacheTest, AMissingCacheIsEmpty) {
  const EvictStats st = EvictCache((dir_ / "nothing").string(), 10, minutes(10));
  EXPECT_EQ(st.files, 0u);
  EXPECT_EQ(st.left_bytes, 0u);
}

TEST(RemoteCacheLimitTest, DefaultSizeAndBadValues) {
  ::unsetenv("SILT_CACHE_MAX");
  EXPECT_EQ(*RemoteCacheLimit(), uint64_t{10} << 30);
  ::setenv("SILT_CACHE_MAX", "2GiB", 1);
  EXPECT_EQ(*RemoteCacheLimit(), uint64_t{2} << 30);
  ::setenv("SILT_CACHE_MAX", "0", 1);
  EXPECT_EQ(*RemoteCacheLimit(), 0u);
  ::setenv("SILT_CACHE_MAX", "lots", 1);
  auto bad = RemoteCacheLimit();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("SILT_CACHE_MAX"), std::string::npos);
  ::unsetenv("SILT_CACHE_MAX");
}

}  // namespace
}  // namespace silt::query
