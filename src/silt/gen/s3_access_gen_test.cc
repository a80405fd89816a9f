#include "silt/gen/s3_access_gen.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "silt/common/compression.h"

namespace silt::gen {
namespace {

using store::ListOptions;
using store::ListPage;
using store::ObjectVersion;
using store::PutOptions;

// A minimal in-memory store: enough for the generator (Put) and for reading results back.
class MemStore : public store::Store {
 public:
  std::string Describe() const override { return "mem://"; }

  Result<ListPage> List(const ListOptions& options) override {
    ListPage page;
    for (const auto& [key, data] : objects_) {
      if (key.starts_with(options.prefix)) page.objects.push_back(Version(key));
    }
    return page;
  }

  Result<ObjectVersion> Head(std::string_view key) override {
    if (!objects_.contains(std::string(key))) return Status::NotFound(std::string(key));
    return Version(std::string(key));
  }

  Result<size_t> ReadRange(std::string_view key, uint64_t offset, size_t length,
                           char* out) override {
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return Status::NotFound(std::string(key));
    if (offset >= it->second.size()) return size_t{0};
    const size_t n = std::min<size_t>(length, it->second.size() - offset);
    it->second.copy(out, n, offset);
    return n;
  }

  Result<std::string> Get(std::string_view key) override {
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return Status::NotFound(std::string(key));
    return it->second;
  }

  Result<ObjectVersion> Put(std::string_view key, std::string_view data,
                            const PutOptions& options) override {
    if (fail_puts) return Status::IoError("disk full");
    const std::string k(key);
    if (options.if_absent && objects_.contains(k)) return Status::AlreadyExists(k);
    objects_[k] = std::string(data);
    put_order.push_back(k);
    return Version(k);
  }

  Result<ObjectVersion> PutFile(std::string_view, const std::string&, const PutOptions&) override {
    return Status::Internal("not supported by MemStore");
  }

  Status DeleteMany(const std::vector<std::string>& keys) override {
    for (const auto& k : keys) objects_.erase(k);
    return Status::OK();
  }

  Result<ObjectVersion> Copy(std::string_view from, std::string_view to) override {
    auto it = objects_.find(std::string(from));
    if (it == objects_.end()) return Status::NotFound(std::string(from));
    objects_[std::string(to)] = it->second;
    return Version(std::string(to));
  }

  const std::map<std::string, std::string>& objects() const { return objects_; }

  std::vector<std::string> put_order;
  bool fail_puts = false;

 private:
  ObjectVersion Version(const std::string& key) const {
    ObjectVersion v;
    v.key = key;
    v.size = objects_.at(key).size();
    v.etag = std::to_string(std::hash<std::string>{}(objects_.at(key)));
    return v;
  }

  std::map<std::string, std::string> objects_;
};

std::vector<std::string_view> Lines(std::string_view data) {
  std::vector<std::string_view> lines;
  while (!data.empty()) {
    const size_t nl = data.find('\n');
    EXPECT_NE(nl, std::string_view::npos) << "last line has no '\\n'";
    if (nl == std::string_view::npos) break;
    lines.push_back(data.substr(0, nl));
    data.remove_prefix(nl + 1);
  }
  return lines;
}

// Splits a line without injected quotes: '[...]' and '"..."' are single fields.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    size_t end;
    if (line[i] == '[') {
      end = line.find(']', i);
      end = end == std::string_view::npos ? line.size() : end + 1;
    } else if (line[i] == '"') {
      end = line.find('"', i + 1);
      end = end == std::string_view::npos ? line.size() : end + 1;
    } else {
      end = line.find(' ', i);
      if (end == std::string_view::npos) end = line.size();
    }
    fields.push_back(line.substr(i, end - i));
    i = end;
    if (i < line.size()) {
      EXPECT_EQ(line[i], ' ') << line;
      ++i;
    }
  }
  return fields;
}

// True when `s` matches `pattern`, where '9' stands for a digit, 'X' for an upper-case hex
// digit, 'A' for an upper-case letter or digit and any other character for itself.
bool Matches(std::string_view s, std::string_view pattern) {
  if (s.size() != pattern.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool digit = c >= '0' && c <= '9';
    switch (pattern[i]) {
      case '9':
        if (!digit) return false;
        break;
      case 'X':
        if (!digit && !(c >= 'A' && c <= 'F')) return false;
        break;
      case 'A':
        if (!digit && !(c >= 'A' && c <= 'Z')) return false;
        break;
      default:
        if (c != pattern[i]) return false;
    }
  }
  return true;
}

int64_t Num(std::string_view s) {
  int64_t v = 0;
  for (const char c : s) v = v * 10 + (c - '0');
  return v;
}

int64_t DayStart(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count() * 86400;
}

// "[06/Feb/2019:00:00:38 +0000]" -> seconds since the epoch; -1 when malformed.
int64_t ParseLogTime(std::string_view f) {
  if (f.size() != 28) return -1;
  std::string masked(f);
  masked.replace(4, 3, "___");  // the month name is checked below
  if (!Matches(masked, "[99/___/9999:99:99:99 +0000]")) return -1;
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const size_t mon = kMonths.find(f.substr(4, 3));
  if (mon == std::string_view::npos || mon % 3 != 0) return -1;
  using namespace std::chrono;
  const year_month_day ymd{year{static_cast<int>(Num(f.substr(8, 4)))},
                           month{static_cast<unsigned>(mon / 3 + 1)},
                           day{static_cast<unsigned>(Num(f.substr(1, 2)))}};
  if (!ymd.ok()) return -1;
  return sys_days{ymd}.time_since_epoch().count() * int64_t{86400} + Num(f.substr(13, 2)) * 3600 +
         Num(f.substr(16, 2)) * 60 + Num(f.substr(19, 2));
}

S3AccessGenOptions SmallOptions() {
  S3AccessGenOptions o;
  o.total_bytes = 3 << 20;
  o.objects = 3;
  o.seed = 7;
  return o;
}

S3AccessGenSummary Generate(const S3AccessGenOptions& o, MemStore& store) {
  auto r = GenerateS3Access(o, store);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : S3AccessGenSummary{};
}

bool IsHex(std::string_view s, bool upper) {
  for (const char c : s) {
    const bool digit = c >= '0' && c <= '9';
    const bool letter = upper ? (c >= 'A' && c <= 'F') : (c >= 'a' && c <= 'f');
    if (!digit && !letter) return false;
  }
  return true;
}

TEST(S3AccessGenTest, SameOptionsGiveIdenticalObjects) {
  MemStore a, b, c;
  Generate(SmallOptions(), a);
  Generate(SmallOptions(), b);
  EXPECT_EQ(a.objects().size(), 3u);
  EXPECT_EQ(a.objects(), b.objects());
  EXPECT_EQ(a.put_order, b.put_order);

  S3AccessGenOptions other = SmallOptions();
  other.seed = 8;
  Generate(other, c);
  ASSERT_EQ(c.objects().size(), 3u);
  for (const auto& [name, data] : c.objects()) EXPECT_FALSE(a.objects().contains(name)) << name;
  EXPECT_NE(a.objects().begin()->second, c.objects().begin()->second);
}

TEST(S3AccessGenTest, ObjectNamesFollowAwsPattern) {
  for (const std::string prefix : {"logs/", "", "access/bucket-a/"}) {
    MemStore store;
    S3AccessGenOptions o = SmallOptions();
    o.prefix = prefix;
    o.objects = 5;
    Generate(o, store);
    ASSERT_EQ(store.put_order.size(), 5u);
    for (const auto& name : store.put_order) {
      ASSERT_TRUE(name.starts_with(prefix)) << name;
      EXPECT_TRUE(Matches(std::string_view(name).substr(prefix.size()),
                          "9999-99-99-99-99-99-XXXXXXXXXXXXXXXX"))
          << name;
    }
    // Delivery times increase, so names sort in the order the objects were written.
    EXPECT_TRUE(std::is_sorted(store.put_order.begin(), store.put_order.end()));
  }
}

TEST(S3AccessGenTest, ObjectNameTimeIsShortlyAfterLastRequest) {
  MemStore store;
  S3AccessGenOptions o = SmallOptions();
  o.start_date = "2019-02-06";
  Generate(o, store);
  for (const auto& [name, data] : store.objects()) {
    const auto lines = Lines(data);
    ASSERT_FALSE(lines.empty());
    const int64_t last = ParseLogTime(Fields(lines.back())[2]);
    // logs/YYYY-MM-DD-HH-MM-SS-...
    const std::string t = name.substr(5, 19);
    const std::string as_log = "[" + t.substr(8, 2) + "/Feb/" + t.substr(0, 4) + ":" +
                               t.substr(11, 2) + ":" + t.substr(14, 2) + ":" + t.substr(17, 2) +
                               " +0000]";
    ASSERT_EQ(t.substr(5, 2), "02") << name;
    const int64_t delivered = ParseLogTime(as_log);
    EXPECT_GT(delivered, last) << name;
    EXPECT_LE(delivered, last + int64_t{900}) << name;
  }
}

TEST(S3AccessGenTest, EveryLineHasAValidLayout) {
  MemStore store;
  S3AccessGenOptions o = SmallOptions();
  o.quote_share = 0;
  o.old_layout_share = 0.2;
  o.newest_layout_share = 0.3;
  const S3AccessGenSummary summary = Generate(o, store);
  std::map<size_t, int> counts;
  uint64_t lines_seen = 0;
  for (const auto& [name, data] : store.objects()) {
    for (const auto line : Lines(data)) {
      ++lines_seen;
      const auto f = Fields(line);
      ++counts[f.size()];
      ASSERT_TRUE(f.size() == 17 || f.size() == 18 || f.size() == 24 || f.size() == 26 ||
                  f.size() == 27)
          << f.size() << ": " << line;
      EXPECT_TRUE(f[0] == "-" || (f[0].size() == 64 && IsHex(f[0], false))) << line;
      EXPECT_GT(ParseLogTime(f[2]), 0) << line;
      EXPECT_TRUE(Matches(f[5], "AAAAAAAAAAAAAAAA")) << line;
      EXPECT_TRUE(f[8] == "-" || (f[8].front() == '"' && f[8].back() == '"')) << line;
      EXPECT_TRUE(f[9] == "-" || (f[9].size() == 3 && f[9][0] >= '2' && f[9][0] <= '5')) << line;
      for (const int i : {11, 12, 13, 14}) {
        EXPECT_TRUE(f[i] == "-" || f[i].find_first_not_of("0123456789") == std::string_view::npos)
            << line;
      }
      EXPECT_EQ(f[15].front(), '"');
      EXPECT_EQ(f[16].front(), '"');
      if (f.size() >= 19) {
        EXPECT_EQ(f[18].size(), 76u) << line;
        EXPECT_EQ(f[18].back(), '=') << line;
      }
      if (f.size() >= 24) {
        EXPECT_TRUE(f[19] == "SigV4" || f[19] == "SigV2" || f[19] == "-") << line;
        EXPECT_TRUE(f[21] == "AuthHeader" || f[21] == "QueryString" || f[21] == "-") << line;
        EXPECT_TRUE(f[23] == "TLSv1.2" || f[23] == "TLSv1.3" || f[23] == "-") << line;
      }
      if (f.size() >= 26) {
        EXPECT_TRUE(f[25] == "Yes" || f[25] == "-") << line;
      }
    }
  }
  EXPECT_EQ(lines_seen, summary.lines);
  // All five layouts appear, roughly in the requested shares.
  for (const size_t n : {17, 18, 24, 26, 27}) EXPECT_GT(counts[n], 0) << n;
  const double old = counts[17] + counts[18] + counts[24];
  EXPECT_NEAR(old / lines_seen, 0.2, 0.03);
  EXPECT_NEAR(counts[27] / static_cast<double>(lines_seen), 0.3, 0.03);
}

TEST(S3AccessGenTest, LayoutSharesAtTheExtremes) {
  struct Case {
    double old_share, newest_share;
    std::set<size_t> expected;
  };
  for (const Case& c : {Case{0, 0, {26}}, Case{0, 1, {27}}, Case{1, 0, {17, 18, 24}}}) {
    MemStore store;
    S3AccessGenOptions o = SmallOptions();
    o.total_bytes = 1 << 20;
    o.quote_share = 0;
    o.old_layout_share = c.old_share;
    o.newest_layout_share = c.newest_share;
    Generate(o, store);
    std::set<size_t> seen;
    for (const auto& [name, data] : store.objects()) {
      for (const auto line : Lines(data)) seen.insert(Fields(line).size());
    }
    EXPECT_EQ(seen, c.expected) << c.old_share << " " << c.newest_share;
  }
}

// A '"' with a non-space character on both sides: only injected quotes look like that.
bool HasInteriorQuote(std::string_view line) {
  for (size_t i = 1; i + 1 < line.size(); ++i) {
    if (line[i] == '"' && line[i - 1] != ' ' && line[i + 1] != ' ') return true;
  }
  return false;
}

TEST(S3AccessGenTest, QuoteShareInjectsLiteralQuotes) {
  MemStore all, none, some;
  S3AccessGenOptions o = SmallOptions();
  o.total_bytes = 1 << 20;
  o.quote_share = 1;
  Generate(o, all);
  for (const auto& [name, data] : all.objects()) {
    for (const auto line : Lines(data)) EXPECT_TRUE(HasInteriorQuote(line)) << line;
  }
  o.quote_share = 0;
  Generate(o, none);
  for (const auto& [name, data] : none.objects()) {
    for (const auto line : Lines(data)) EXPECT_FALSE(HasInteriorQuote(line)) << line;
  }
  o.quote_share = 0.05;
  Generate(o, some);
  int with = 0, total = 0;
  for (const auto& [name, data] : some.objects()) {
    for (const auto line : Lines(data)) {
      ++total;
      with += HasInteriorQuote(line) ? 1 : 0;
    }
  }
  EXPECT_NEAR(static_cast<double>(with) / total, 0.05, 0.015);
}

TEST(S3AccessGenTest, TimesFallInTheRequestedDaysInOrder) {
  MemStore store;
  S3AccessGenOptions o = SmallOptions();
  o.start_date = "2024-02-28";  // crosses the leap day
  o.days = 3;
  o.objects = 6;
  o.quote_share = 0;
  Generate(o, store);
  const int64_t begin = DayStart(2024, 2, 28);
  const int64_t end = DayStart(2024, 3, 2);
  int64_t prev = 0, first = -1, last = -1;
  std::set<int64_t> days;
  ASSERT_EQ(store.put_order.size(), 6u);
  for (const auto& name : store.put_order) {
    for (const auto line : Lines(store.objects().at(name))) {
      const int64_t t = ParseLogTime(Fields(line)[2]);
      ASSERT_GE(t, begin) << line;
      ASSERT_LT(t, end) << line;
      ASSERT_GE(t, prev) << "time went backwards: " << line;
      prev = t;
      if (first < 0) first = t;
      last = t;
      days.insert((t - begin) / 86400);
    }
  }
  EXPECT_EQ(days.size(), 3u);
  EXPECT_LT(first - begin, 3600);
  EXPECT_LT(end - last, 3600);
}

TEST(S3AccessGenTest, TotalSizeIsCloseToTheRequest) {
  for (const uint64_t total : {1ull << 20, 5ull << 20, 20ull << 20}) {
    MemStore store;
    S3AccessGenOptions o;
    o.total_bytes = total;
    const S3AccessGenSummary s = Generate(o, store);
    uint64_t sum = 0;
    for (const auto& [name, data] : store.objects()) sum += data.size();
    EXPECT_EQ(sum, s.bytes);
    EXPECT_EQ(static_cast<size_t>(s.objects), store.objects().size());
    // objects = 0: one per ~8 MiB.
    EXPECT_EQ(s.objects, static_cast<int>((total + (8 << 20) - 1) / (8 << 20)));
    EXPECT_NEAR(static_cast<double>(s.bytes), static_cast<double>(total), total * 0.1);
    // Objects are about the same size.
    for (const auto& [name, data] : store.objects()) {
      EXPECT_NEAR(static_cast<double>(data.size()), static_cast<double>(total) / s.objects,
                  total * 0.1 / s.objects)
          << name;
    }
  }
}

TEST(S3AccessGenTest, CompressedObjectsDecompressToValidLines) {
  for (const auto& [codec, ext, c] : {std::tuple{"gzip", ".gz", Compression::kGzip},
                                      std::tuple{"zstd", ".zst", Compression::kZstd}}) {
    MemStore store, plain;
    S3AccessGenOptions o = SmallOptions();
    o.compression = codec;
    o.quote_share = 0;
    const S3AccessGenSummary s = Generate(o, store);
    o.compression = "none";
    Generate(o, plain);
    ASSERT_EQ(store.objects().size(), 3u);
    uint64_t bytes = 0, lines = 0;
    auto plain_it = plain.put_order.begin();
    for (const auto& name : store.put_order) {
      EXPECT_TRUE(name.ends_with(ext)) << name;
      const std::string& data = store.objects().at(name);
      EXPECT_EQ(DetectCompression(data), c) << name;
      auto text = Decompress(c, data);
      ASSERT_TRUE(text.ok()) << text.status().ToString();
      EXPECT_LT(data.size(), text->size() / 3) << "log text should compress well";
      bytes += text->size();
      for (const auto line : Lines(*text)) {
        ++lines;
        const size_t n = Fields(line).size();
        EXPECT_TRUE(n == 17 || n == 18 || n == 24 || n == 26 || n == 27) << line;
      }
      // Same content and name (but the extension) as the uncompressed run.
      ASSERT_NE(plain_it, plain.put_order.end());
      EXPECT_EQ(*plain_it + ext, name);
      EXPECT_EQ(plain.objects().at(*plain_it), *text);
      ++plain_it;
    }
    EXPECT_EQ(bytes, s.bytes);
    EXPECT_EQ(lines, s.lines);
  }
}

TEST(S3AccessGenTest, ProgressIsReportedAfterEachObject) {
  MemStore store;
  std::vector<uint64_t> reports;
  auto r = GenerateS3Access(SmallOptions(), store, [&](uint64_t done) { reports.push_back(done); });
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_TRUE(std::is_sorted(reports.begin(), reports.end()));
  EXPECT_EQ(reports.back(), r->bytes);
}

TEST(S3AccessGenTest, LooksLikeRealTraffic) {
  MemStore store;
  S3AccessGenOptions o = SmallOptions();
  o.quote_share = 0;
  Generate(o, store);
  std::set<std::string> ops, statuses, errors;
  int anonymous = 0, ipv6 = 0, lines = 0, encoded_keys = 0;
  for (const auto& [name, data] : store.objects()) {
    for (const auto line : Lines(data)) {
      const auto f = Fields(line);
      ++lines;
      ops.emplace(f[6]);
      statuses.emplace(f[9]);
      errors.emplace(f[10]);
      anonymous += f[4] == "-" ? 1 : 0;
      ipv6 += f[3].find(':') != std::string_view::npos ? 1 : 0;
      encoded_keys += f[7].find('%') != std::string_view::npos ? 1 : 0;
    }
  }
  EXPECT_GE(ops.size(), 10u);
  for (const char* op : {"REST.GET.OBJECT", "REST.PUT.OBJECT", "REST.HEAD.OBJECT",
                         "REST.GET.BUCKET", "BATCH.DELETE.OBJECT"}) {
    EXPECT_TRUE(ops.contains(op)) << op;
  }
  for (const char* st : {"200", "204", "206", "304", "403", "404", "503"}) {
    EXPECT_TRUE(statuses.contains(st)) << st;
  }
  EXPECT_TRUE(errors.contains("NoSuchKey"));
  EXPECT_TRUE(errors.contains("AccessDenied"));
  EXPECT_GT(anonymous, lines / 100);
  EXPECT_GT(ipv6, 0);
  EXPECT_GT(encoded_keys, 0);
}

TEST(S3AccessGenTest, BadOptionsAreInvalidArgument) {
  std::vector<std::pair<std::string, S3AccessGenOptions>> cases;
  auto add = [&](std::string what, auto mutate) {
    S3AccessGenOptions o = SmallOptions();
    mutate(o);
    cases.emplace_back(std::move(what), o);
  };
  add("zero total", [](auto& o) { o.total_bytes = 0; });
  add("negative objects", [](auto& o) { o.objects = -1; });
  add("zero days", [](auto& o) { o.days = 0; });
  add("negative old share", [](auto& o) { o.old_layout_share = -0.1; });
  add("old share > 1", [](auto& o) { o.old_layout_share = 1.5; });
  add("newest share > 1", [](auto& o) { o.newest_layout_share = 2; });
  add("shares sum > 1", [](auto& o) {
    o.old_layout_share = 0.6;
    o.newest_layout_share = 0.6;
  });
  add("negative quote share", [](auto& o) { o.quote_share = -1; });
  add("NaN quote share", [](auto& o) { o.quote_share = std::nan(""); });
  add("no such day", [](auto& o) { o.start_date = "2023-02-29"; });
  add("bad month", [](auto& o) { o.start_date = "2024-13-01"; });
  add("short date", [](auto& o) { o.start_date = "2024-3-01"; });
  add("words", [](auto& o) { o.start_date = "yesterday"; });
  add("empty date", [](auto& o) { o.start_date = ""; });
  add("unknown compression", [](auto& o) { o.compression = "lz4"; });
  for (const auto& [what, o] : cases) {
    MemStore store;
    auto r = GenerateS3Access(o, store);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument)
        << what << ": " << r.status().ToString();
    EXPECT_TRUE(store.objects().empty()) << what;
  }
  // Leap day is fine.
  MemStore store;
  S3AccessGenOptions o = SmallOptions();
  o.start_date = "2024-02-29";
  EXPECT_TRUE(GenerateS3Access(o, store).ok());
}

TEST(S3AccessGenTest, StoreErrorsArePassedOn) {
  MemStore store;
  store.fail_puts = true;
  auto r = GenerateS3Access(SmallOptions(), store);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("disk full"), std::string::npos);
}

TEST(S3AccessGenTest, TinyObjectsStillHoldWholeLines) {
  MemStore store;
  S3AccessGenOptions o = SmallOptions();
  o.total_bytes = 1000;
  o.objects = 4;
  const S3AccessGenSummary s = Generate(o, store);
  EXPECT_EQ(s.objects, 4);
  EXPECT_EQ(store.objects().size(), 4u);
  for (const auto& [name, data] : store.objects()) {
    EXPECT_FALSE(data.empty());
    EXPECT_EQ(data.back(), '\n');
  }
}

}  // namespace
}  // namespace silt::gen
