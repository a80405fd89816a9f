#include "silt/common/compression.h"

#include <gtest/gtest.h>

namespace silt {
namespace {

std::string Sample() {
  std::string s;
  for (int i = 0; i < 20000; ++i) s += "line " + std::to_string(i) + " some log text\n";
  return s;
}

class CompressionRoundTrip : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressionRoundTrip, WholeAndStreaming) {
  const std::string data = Sample();
  auto packed = Compress(GetParam(), data);
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(DetectCompression(*packed), GetParam());
  auto whole = Decompress(GetParam(), *packed);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(*whole, data);
  // Streaming with tiny input and output steps.
  auto d = MakeDecompressor(GetParam());
  std::string out;
  char buf[97];
  for (size_t pos = 0; pos < packed->size(); pos += 13) {
    std::string_view in(packed->data() + pos, std::min<size_t>(13, packed->size() - pos));
    while (!in.empty()) {
      auto n = d->Decompress(in, buf, sizeof buf);
      ASSERT_TRUE(n.ok());
      out.append(buf, *n);
    }
  }
  std::string_view empty;
  while (true) {
    auto n = d->Decompress(empty, buf, sizeof buf);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    out.append(buf, *n);
  }
  EXPECT_EQ(out, data);
  EXPECT_TRUE(d->AtEnd());
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressionRoundTrip,
                         ::testing::Values(Compression::kGzip, Compression::kZstd,
                                           Compression::kBzip2));

TEST(Compression, ConcatenatedBzip2StreamsAreOneStream) {
  auto a = Compress(Compression::kBzip2, "first\n");
  auto b = Compress(Compression::kBzip2, "second\n");
  auto both = Decompress(Compression::kBzip2, *a + *b);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(*both, "first\nsecond\n");
  EXPECT_EQ(DetectCompression("BZh is not bzip2"), Compression::kNone);
}

TEST(Compression, ConcatenatedGzipMembersAreOneStream) {
  auto a = Compress(Compression::kGzip, "first\n");
  auto b = Compress(Compression::kGzip, "second\n");
  auto both = Decompress(Compression::kGzip, *a + *b);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both, "first\nsecond\n");
}

TEST(Compression, TruncatedAndCorruptInputAreErrors) {
  auto packed = Compress(Compression::kGzip, Sample());
  auto cut = Decompress(Compression::kGzip, packed->substr(0, packed->size() / 2));
  EXPECT_EQ(cut.status().code(), StatusCode::kCorruption);
  std::string bad = *packed;
  for (size_t i = 20; i < 60; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  EXPECT_FALSE(Decompress(Compression::kGzip, bad).ok());
  auto z = Compress(Compression::kZstd, Sample());
  EXPECT_EQ(Decompress(Compression::kZstd, z->substr(0, z->size() - 5)).status().code(),
            StatusCode::kCorruption);
}

TEST(Compression, DetectPlainText) {
  EXPECT_EQ(DetectCompression("79a5 bucket [06/Feb"), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
  EXPECT_EQ(ParseCompression("zstd").value(), Compression::kZstd);
  EXPECT_FALSE(ParseCompression("brotli").ok());
}

}  // namespace
}  // namespace silt
