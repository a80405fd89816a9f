#include "silt/common/strings.h"

#include <gtest/gtest.h>

namespace silt {
namespace {

TEST(Strings, UrlDecode) {
  std::string out;
  EXPECT_TRUE(UrlDecode("photos/my%20cat%2B1.jpg", &out));
  EXPECT_EQ(out, "photos/my cat+1.jpg");
  out.clear();
  EXPECT_FALSE(UrlDecode("a+b/c.txt", &out));
  EXPECT_EQ(out, "a+b/c.txt");  // '+' is not a space in S3 keys
  out.clear();
  UrlDecode("bad%zzescape%4", &out);
  EXPECT_EQ(out, "bad%zzescape%4");
  out.clear();
  UrlDecode("%E2%82%AC", &out);
  EXPECT_EQ(out, "\xE2\x82\xAC");
  EXPECT_TRUE(NeedsUrlDecode("x%2Fy"));
  EXPECT_FALSE(NeedsUrlDecode("x%2"));
  EXPECT_FALSE(NeedsUrlDecode("100%"));
}

TEST(Strings, UrlDecodeIntoMatchesUrlDecode) {
  for (std::string in : {"", "plain/key.txt", "a%20b", "%41%42%43", "100%", "%zz%4", "x%2Fy%2fz%",
                         "%E2%82%AC+%20"}) {
    std::string expected;
    bool changed = UrlDecode(in, &expected);
    std::string out(in.size(), '\0');
    size_t n = UrlDecodeInto(in, out.data());
    out.resize(n);
    EXPECT_EQ(out, expected) << in;
    EXPECT_EQ(n != in.size(), changed) << in;
  }
}

TEST(Strings, Utf8) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC \xF0\x9F\x98\x80 \xC3\xA9"));
  size_t bad = 99;
  EXPECT_FALSE(IsValidUtf8("ab\xFF" "cd", &bad));
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_EQ(SanitizeUtf8("a\xFF" "b\xE2\x82\xAC"), "a\xEF\xBF\xBD" "b\xE2\x82\xAC");
}

// Long ASCII runs (checked a word at a time) with a character or a bad byte at every offset.
TEST(Strings, IsValidUtf8AtEveryOffset) {
  for (size_t at = 0; at < 40; ++at) {
    std::string good(40, 'a');
    good.insert(at, "\xE2\x82\xAC");  // a 3-byte character
    EXPECT_TRUE(IsValidUtf8(good)) << at;
    std::string split(40, 'a');
    split.insert(at, "\xE2\x82");  // cut short by the ASCII after it (or the end)
    size_t bad = 99;
    EXPECT_FALSE(IsValidUtf8(split, &bad)) << at;
    EXPECT_EQ(bad, at);
    std::string stray(40, 'a');
    stray[at] = '\x80';  // a continuation byte on its own
    bad = 99;
    EXPECT_FALSE(IsValidUtf8(stray, &bad)) << at;
    EXPECT_EQ(bad, at);
  }
  EXPECT_TRUE(IsValidUtf8(std::string(1000, 'x')));
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Strings, ParseInt64) {
  int64_t v;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(ParseInt64("9223372036854775808", &v));
  EXPECT_FALSE(ParseInt64("18446744073709551616", &v));
  EXPECT_FALSE(ParseInt64("", &v));
  EXPECT_FALSE(ParseInt64("-", &v));
  EXPECT_FALSE(ParseInt64("12a", &v));
  EXPECT_FALSE(ParseInt64(" 1", &v));
}

TEST(Strings, ByteSizes) {
  uint64_t v;
  EXPECT_TRUE(ParseByteSize("1GiB", &v));
  EXPECT_EQ(v, 1ull << 30);
  EXPECT_TRUE(ParseByteSize("64 MB", &v));
  EXPECT_EQ(v, 64ull << 20);
  EXPECT_TRUE(ParseByteSize("1234", &v));
  EXPECT_EQ(v, 1234u);
  EXPECT_FALSE(ParseByteSize("lots", &v));
  EXPECT_FALSE(ParseByteSize("12 parsecs", &v));
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(12), "12 B");
}

TEST(Strings, JsonEscape) {
  std::string out;
  JsonEscape("a\"b\\c\n\x01", &out);
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\u0001");
  // Appends; plain runs before, between and after escapes are kept; UTF-8 passes through.
  out = "[";
  JsonEscape("", &out);
  JsonEscape("\tkey/é\r\"", &out);
  JsonEscape("plain", &out);
  EXPECT_EQ(out, "[\\tkey/é\\r\\\"plain");
  out.clear();
  JsonEscape(std::string_view("\x1f\0x", 3), &out);
  EXPECT_EQ(out, "\\u001f\\u0000x");
}

TEST(Strings, Glob) {
  EXPECT_TRUE(GlobMatch("*.log", "a.log"));
  EXPECT_FALSE(GlobMatch("*.log", "dir/a.log"));
  EXPECT_TRUE(GlobMatch("**/*.log", "dir/sub/a.log"));
  EXPECT_TRUE(GlobMatch("**/*.log", "a.log"));
  EXPECT_TRUE(GlobMatch("2024-0[1-3]-*", "2024-02-10-00-00-00-AB"));
  EXPECT_FALSE(GlobMatch("2024-0[!1-3]-*", "2024-02-10"));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "a/c"));
  EXPECT_TRUE(GlobMatch("logs/**", "logs/x/y/z"));
}

}  // namespace
}  // namespace silt
