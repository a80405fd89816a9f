#include "silt/query/log_scan.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "silt/common/compression.h"
#include "silt/formats/format.h"

namespace silt::query {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/silt-scan-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& data) const {
    fs::create_directories(fs::path(path_ / fs::path(name)).parent_path());
    std::ofstream(fs::path(path_) / name, std::ios::binary) << data;
  }

 private:
  std::string path_;
};

// A line per request with a unique number in the key; every 7th line malformed.
std::string MakeLog(int n, int first = 0) {
  std::string s;
  for (int i = first; i < first + n; ++i) {
    if (i % 7 == 3) {
      s += "garbage line " + std::to_string(i) + "\n";
      continue;
    }
    s += "owner bucket [01/Mar/2024:10:00:00 +0000] 10.0.0.1 - REQ" + std::to_string(i) +
         " REST.GET.OBJECT key" + std::to_string(i) + " \"GET /bucket/key" + std::to_string(i) +
         " HTTP/1.1\" 200 - " + std::to_string(i) + " 10 1 1 \"-\" \"agent/1.0\" - host SigV4 "
         "- AuthHeader bucket.s3.amazonaws.com TLSv1.2 - -\n";
  }
  return s;
}

struct Collected {
  std::multiset<std::string> keys;
  std::vector<std::pair<uint64_t, std::string>> rejects;  // line, object
  uint64_t rows = 0;
};

class Keep final : public formats::RejectSink {
 public:
  void OnReject(const formats::Reject& r) override {
    std::lock_guard<std::mutex> lock(mu);
    rejects.emplace_back(r.line, std::string(r.object));
  }
  std::mutex mu;
  std::vector<std::pair<uint64_t, std::string>> rejects;
};

// Scans every unit of the plan on one thread, the way read_log does.
Collected ScanAll(ScanPlan& plan) {
  Collected out;
  const auto* format = plan.format();
  std::vector<bool> wanted(format->schema().size(), true);
  auto parser = format->MakeParser(wanted);
  formats::LineScanner scanner(parser.get());
  formats::RowBatch batch(format->schema());
  UnitReader reader;
  std::atomic<size_t> cursor{0};
  Keep keep;
  const int key_col = formats::FindColumn(format->schema(), "key");
  while (const ScanUnit* unit = plan.ClaimUnit(cursor)) {
    EXPECT_TRUE(reader.Open(&plan, unit).ok());
    bool started = false;
    uint64_t base = 0;
    const char* b;
    const char* e;
    while (true) {
      auto more = reader.Next(&b, &e);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      if (!started) {
        scanner.Begin(1, reader.buffer_offset());
        if (!reader.starts_object()) {
          base = *CountLinesBefore(plan.object(unit->object), reader.buffer_offset());
        }
        started = true;
      }
      while (b < e) {
        batch.Clear();
        formats::LineScanner::Counters c;
        size_t before = keep.rejects.size();
        scanner.Scan(&b, e, batch, plan.object(unit->object).name, &keep, &c);
        for (size_t i = before; i < keep.rejects.size(); ++i) keep.rejects[i].first += base;
        for (size_t r = 0; r < batch.size(); ++r) {
          out.keys.insert(std::string(batch.strings(key_col)[r]));
        }
        out.rows += c.rows;
      }
    }
  }
  out.rejects = keep.rejects;
  std::sort(out.rejects.begin(), out.rejects.end());
  return out;
}

// A path that exists as written is read as that file, even with glob characters in its
// name; a pattern still matches by pattern.
TEST(LogScan, AnExistingPathWithGlobCharactersIsThatFile) {
  TempDir dir;
  dir.Write("access[1].log", MakeLog(3));
  dir.Write("access1.log", MakeLog(5));
  auto literal = ResolveInputs({dir.path() + "/access[1].log"});
  ASSERT_TRUE(literal.ok()) << literal.status().ToString();
  ASSERT_EQ(literal->size(), 1u);
  EXPECT_EQ((*literal)[0].name, dir.path() + "/access[1].log");
  auto pattern = ResolveInputs({dir.path() + "/access[0-9].log"});
  ASSERT_TRUE(pattern.ok()) << pattern.status().ToString();
  ASSERT_EQ(pattern->size(), 1u);
  EXPECT_EQ((*pattern)[0].name, dir.path() + "/access1.log");
  EXPECT_EQ(ResolveInputs({dir.path() + "/access[2].log"}).status().code(), StatusCode::kNotFound);
}

TEST(LogScan, SplitUnitsGiveTheSameRowsAsWholeObjects) {
  TempDir dir;
  dir.Write("a.log", MakeLog(500));
  dir.Write("b.log", MakeLog(300, 1000) + "no newline at the end");
  auto inputs = ResolveInputs({dir.path()});
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  ASSERT_EQ(inputs->size(), 2u);
  const auto* fmt = formats::FindFormat("s3_access");
  ScanPlan whole(fmt, *inputs, 1ull << 30);
  Collected a = ScanAll(whole);
  EXPECT_EQ(whole.units().size(), 2u);
  for (uint64_t split : {97ull, 1000ull, 4096ull, 65536ull}) {
    ScanPlan plan(fmt, *inputs, split);
    EXPECT_GT(plan.units().size(), 2u);
    Collected b = ScanAll(plan);
    EXPECT_EQ(a.keys, b.keys) << "split " << split;
    EXPECT_EQ(a.rows, b.rows);
    EXPECT_EQ(a.rejects, b.rejects) << "split " << split;
  }
  // Lines with i % 7 == 3 are malformed, and so is the unterminated last line of b.log.
  uint64_t good = 0, bad = 1;
  for (int i = 0; i < 500; ++i) (i % 7 == 3 ? bad : good)++;
  for (int i = 1000; i < 1300; ++i) (i % 7 == 3 ? bad : good)++;
  EXPECT_EQ(a.rows, good);
  EXPECT_EQ(a.rejects.size(), bad);
  ASSERT_FALSE(a.rejects.empty());
  EXPECT_EQ(a.rejects.front().first, 4u);  // line 4 of a.log holds i == 3
}

TEST(LogScan, CompressedObjectsAreReadTransparently) {
  TempDir dir;
  const std::string text = MakeLog(2000);
  dir.Write("plain.log", text);
  dir.Write("packed.log.gz", *Compress(Compression::kGzip, text));
  dir.Write("packed.zst", *Compress(Compression::kZstd, text));
  dir.Write("misnamed.log", *Compress(Compression::kGzip, text));  // detected by content
  const auto* fmt = formats::FindFormat("s3_access");
  for (const char* name : {"packed.log.gz", "packed.zst", "misnamed.log"}) {
    auto plain = ResolveInputs({dir.path() + "/plain.log"});
    auto packed = ResolveInputs({dir.path() + "/" + name});
    ASSERT_TRUE(packed.ok());
    ScanPlan p1(fmt, *plain, 1ull << 30);
    ScanPlan p2(fmt, *packed, 256);  // tiny split: compressed objects must not be cut
    Collected a = ScanAll(p1);
    Collected b = ScanAll(p2);
    EXPECT_EQ(a.keys, b.keys) << name;
    ASSERT_EQ(a.rejects.size(), b.rejects.size()) << name;
    for (size_t i = 0; i < a.rejects.size(); ++i) EXPECT_EQ(a.rejects[i].first, b.rejects[i].first);
  }
}

TEST(LogScan, TruncatedCompressedObjectIsAnError) {
  TempDir dir;
  std::string packed = *Compress(Compression::kGzip, MakeLog(5000));
  dir.Write("cut.log.gz", packed.substr(0, packed.size() / 2));
  auto inputs = ResolveInputs({dir.path()});
  ASSERT_TRUE(inputs.ok());
  ScanPlan plan(formats::FindFormat("s3_access"), *inputs);
  UnitReader reader;
  std::atomic<size_t> cursor{0};
  ASSERT_TRUE(reader.Open(&plan, plan.ClaimUnit(cursor)).ok());
  const char* b;
  const char* e;
  Status last;
  while (true) {
    auto r = reader.Next(&b, &e);
    if (!r.ok()) {
      last = r.status();
      break;
    }
    if (!*r) break;
  }
  EXPECT_EQ(last.code(), StatusCode::kCorruption);
  EXPECT_NE(last.message().find("cut.log.gz"), std::string::npos);
}

TEST(LogScan, ResolveDirectoriesGlobsAndFiles) {
  TempDir dir;
  dir.Write("2024-03-01-00-00-00-AAAA", "x\n");
  dir.Write("2024-03-02-00-00-00-BBBB", "x\n");
  dir.Write("sub/2024-03-01-00-00-00-CCCC", "x\n");
  dir.Write("_silt/runs/x.json", "{}");
  dir.Write(".hidden", "x\n");
  auto all = ResolveInputs({dir.path()});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);  // _silt and dot files are not inputs
  auto glob = ResolveInputs({dir.path() + "/2024-03-01-*"});
  ASSERT_TRUE(glob.ok());
  ASSERT_EQ(glob->size(), 1u);
  EXPECT_EQ(glob->at(0).name, dir.path() + "/2024-03-01-00-00-00-AAAA");
  auto deep = ResolveInputs({dir.path() + "/**/2024-03-01-*"});
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(deep->size(), 2u);
  auto file = ResolveInputs({dir.path() + "/sub/2024-03-01-00-00-00-CCCC", dir.path() + "/sub"});
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->size(), 1u);  // the same object named twice counts once
  auto none = ResolveInputs({dir.path() + "/2025-*"});
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("2025-*"), std::string::npos);
  EXPECT_EQ(ResolveInputs({dir.path() + "/missing"}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace silt::query
