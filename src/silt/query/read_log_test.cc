#include "silt/query/read_log.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/common/compression.h"
#include "silt/gen/s3_access_gen.h"
#include "silt/query/database.h"

namespace silt::query {
namespace {

namespace fs = std::filesystem;

class ReadLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/silt-readlog-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto db = Database::Open(DatabaseOptions{.threads = 2, .memory_limit = {}, .path = ":memory:"});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Generate(uint64_t bytes, int objects, const std::string& compression = "none") {
    auto st = store::OpenStore(*ParseUri(dir_ + "/raw"), true);
    ASSERT_TRUE(st.ok());
    gen::S3AccessGenOptions o;
    o.total_bytes = bytes;
    o.objects = objects;
    o.days = 2;
    o.compression = compression;
    o.prefix = "";
    auto r = gen::GenerateS3Access(o, **st);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    lines_ = r->lines;
  }

  int64_t Int(const std::string& sql) {
    auto r = db_->Query(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    if (!r.ok()) return -1;
    return r->Int64(0, 0);
  }

  std::string dir_;
  std::unique_ptr<Database> db_;
  uint64_t lines_ = 0;
};

TEST_F(ReadLogTest, CountsEveryGeneratedLine) {
  Generate(8 << 20, 5);
  EXPECT_EQ(Int("SELECT count(*) FROM read_log('" + dir_ + "/raw', format => 's3_access')"),
            static_cast<int64_t>(lines_));
  // Projection: any subset of columns gives the same row count and the same values.
  EXPECT_EQ(Int("SELECT count(user_agent) + count(*) - count(user_agent) FROM read_log('" + dir_ +
                "/raw', format => 's3_access')"),
            static_cast<int64_t>(lines_));
  int64_t a = Int("SELECT sum(bytes_sent) FROM read_log('" + dir_ + "/raw', format => 's3_access')");
  int64_t b = Int("SELECT sum(bytes_sent) FROM (SELECT * FROM read_log('" + dir_ +
                  "/raw', format => 's3_access'))");
  EXPECT_EQ(a, b);
  EXPECT_GT(a, 0);
}

TEST_F(ReadLogTest, TypesAndTimes) {
  Generate(1 << 20, 1);
  auto r = db_->Query("SELECT typeof(request_time), typeof(http_status), typeof(bytes_sent), "
                      "min(request_time)::VARCHAR FROM read_log('" + dir_ +
                      "/raw', format => 's3_access') GROUP BY ALL");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Text(0, 0), "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(r->Text(1, 0), "INTEGER");
  EXPECT_EQ(r->Text(2, 0), "BIGINT");
  EXPECT_EQ(r->Text(3, 0).substr(0, 10), "2024-03-01");
}

TEST_F(ReadLogTest, GzipAndZstdObjectsReadLikePlainOnes) {
  Generate(2 << 20, 2, "gzip");
  int64_t n = Int("SELECT count(*) FROM read_log('" + dir_ + "/raw/*.gz', format => 's3_access')");
  EXPECT_EQ(n, static_cast<int64_t>(lines_));
}

TEST_F(ReadLogTest, ListOfLocations) {
  std::ofstream(dir_ + "/a.log") << "o b [01/Mar/2024:00:00:00 +0000] 1.1.1.1 - R OP k \"GET / HTTP/1.1\" 200 - 1 1 1 1 \"-\" \"-\"\n";
  std::ofstream(dir_ + "/b.log") << "o b [01/Mar/2024:00:00:00 +0000] 1.1.1.1 - R OP k \"GET / HTTP/1.1\" 200 - 2 1 1 1 \"-\" \"-\"\n";
  EXPECT_EQ(Int("SELECT sum(bytes_sent) FROM read_log(['" + dir_ + "/a.log', '" + dir_ +
                "/b.log'], format => 's3_access')"),
            3);
}

TEST_F(ReadLogTest, RejectsAreListedWithObjectLineAndReason) {
  std::ofstream(dir_ + "/mixed.log")
      << "o b [01/Mar/2024:00:00:00 +0000] 1.1.1.1 - R OP k \"GET / HTTP/1.1\" 200 - 1 1 1 1 \"-\" \"-\"\n"
      << "this is not an access log line\n"
      << "o b [01/Mar/2024:00:00:00 +0000] 1.1.1.1 - R OP k \"GET / HTTP/1.1\" abc - 1 1 1 1 \"-\" \"-\"\n";
  const uint64_t seen = ReadLogRejectsSeen();
  EXPECT_EQ(Int("SELECT count(*) FROM read_log('" + dir_ + "/mixed.log', format => 's3_access')"), 1);
  EXPECT_EQ(ReadLogRejectsSeen() - seen, 2u);
  auto r = db_->Query("SELECT object, line, byte_offset, reason, raw_line FROM read_log_rejects('" +
                      dir_ + "/mixed.log', format => 's3_access') ORDER BY line");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->row_count(), 2u);
  EXPECT_EQ(r->Text(0, 0), dir_ + "/mixed.log");
  EXPECT_EQ(r->Int64(1, 0), 2);
  EXPECT_EQ(r->Int64(2, 0), 89);
  EXPECT_NE(r->Text(3, 0).find("request_time"), std::string::npos) << r->Text(3, 0);
  EXPECT_EQ(r->Text(4, 0), "this is not an access log line");
  EXPECT_EQ(r->Int64(1, 1), 3);
  EXPECT_NE(r->Text(3, 1).find("http_status"), std::string::npos);
}

TEST_F(ReadLogTest, KeyPatternAndSourceColumns) {
  const std::string line =
      "o b [01/Mar/2024:00:00:00 +0000] 1.1.1.1 - R OP k \"GET / HTTP/1.1\" 200 - 1 1 1 1 \"-\" \"-\"\n";
  fs::create_directories(dir_ + "/in/acme/audit");
  fs::create_directories(dir_ + "/in/globex/audit");
  std::ofstream(dir_ + "/in/acme/audit/2024-03-01.log") << line << "bad line\n" << line;
  std::ofstream(dir_ + "/in/globex/audit/2024-03-02.log") << line;
  std::ofstream(dir_ + "/in/stray.log") << line;
  auto r = db_->Query("SELECT customer, date, source_object, source_line FROM read_log('" + dir_ +
                      "/in', format => 's3_access', key_pattern => '{customer}/audit/{date}.log', "
                      "source_columns => true) ORDER BY source_object, source_line");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->row_count(), 4u);
  EXPECT_EQ(r->Text(0, 0), "acme");
  EXPECT_EQ(r->Text(1, 0), "2024-03-01");
  EXPECT_EQ(r->Text(2, 0), dir_ + "/in/acme/audit/2024-03-01.log");
  EXPECT_EQ(r->Int64(3, 0), 1);
  EXPECT_EQ(r->Int64(3, 1), 3);  // line 2 was rejected
  EXPECT_EQ(r->Text(0, 2), "globex");
  EXPECT_TRUE(r->IsNull(0, 3));  // stray.log does not match the pattern
  EXPECT_EQ(r->Int64(3, 3), 1);
  auto clash = db_->Query("SELECT * FROM read_log('" + dir_ + "/in', format => 's3_access', "
                          "key_pattern => '{bucket}/**')");
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("already a column"), std::string::npos);
  // Names compare as SQL compares them, and a capture may not take a source column's name.
  auto upper = db_->Query("SELECT * FROM read_log('" + dir_ + "/in', format => 's3_access', "
                          "key_pattern => '{Bucket}/**')");
  ASSERT_FALSE(upper.ok());
  EXPECT_NE(upper.status().message().find("already a column"), std::string::npos);
  auto source = db_->Query("SELECT * FROM read_log('" + dir_ + "/in', format => 's3_access', "
                           "key_pattern => '{source_object}/**', source_columns => true)");
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.status().message().find("comes twice"), std::string::npos)
      << source.status().message();
}

TEST_F(ReadLogTest, SourceLinesAreExactInRangesOfLargeObjects) {
  // 40 MiB object: read in 32 MiB ranges; line numbers must still count from the object start.
  Generate(40 << 20, 1);
  auto r = db_->Query("SELECT count(*), count(DISTINCT source_line), min(source_line), max(source_line) "
                      "FROM read_log('" + dir_ + "/raw', format => 's3_access', source_columns => true)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Int64(0, 0), static_cast<int64_t>(lines_));
  EXPECT_EQ(r->Int64(1, 0), static_cast<int64_t>(lines_));
  EXPECT_EQ(r->Int64(2, 0), 1);
  EXPECT_EQ(r->Int64(3, 0), static_cast<int64_t>(lines_));
}

// A registered plan's byte counter (a conversion's progress) counts its input objects, not the
// extra objects that hold rows read once already (spilled rows read again).
TEST_F(ReadLogTest, PlanBytesCountInputObjectsNotExtraOnes) {
  const std::string line =
      "o b [01/Mar/2024:00:00:00 +0000] 1.1.1.1 - R OP k \"GET / HTTP/1.1\" 200 - 1 1 1 1 \"-\" \"-\"\n";
  std::ofstream(dir_ + "/input.log") << line << line;
  std::ofstream(dir_ + "/spilled.log") << line << line << line;
  auto objects = ResolveInputs({dir_ + "/input.log"});
  auto extra = ResolveInputs({dir_ + "/spilled.log"});
  ASSERT_TRUE(objects.ok() && extra.ok());
  const uint64_t input_bytes = (*objects)[0].version.size;
  const uint64_t extra_bytes = (*extra)[0].version.size;
  std::vector<ScanUnit> units{{0, 0, input_bytes}, {1, 0, extra_bytes}};
  auto plan = std::make_shared<ScanPlan>(
      formats::FindFormat("s3_access"),
      std::make_shared<const std::vector<InputObject>>(std::move(*objects)), std::move(units),
      std::move(*extra));
  const uint64_t id = RegisterPlan(plan);
  EXPECT_EQ(Int("SELECT count(*) FROM read_log(NULL, plan => " + std::to_string(id) + ")"), 5);
  UnregisterPlan(id);
  EXPECT_EQ(plan->counters().rows.load(), 5u);
  EXPECT_EQ(plan->counters().bytes.load(), input_bytes);
}

// Formats that infer their columns take their sample from the first object with a header
// and a row (or two rows): folders of logs often start with an empty or header-only object.
TEST_F(ReadLogTest, ColumnsAreInferredPastEmptyAndHeaderOnlyObjects) {
  fs::create_directories(dir_ + "/csv");
  fs::create_directories(dir_ + "/jsonl");
  std::ofstream(dir_ + "/csv/1.csv") << "";
  std::ofstream(dir_ + "/csv/2.csv") << "ts,n\n";
  std::ofstream(dir_ + "/csv/3.csv") << "ts,n\n2024-03-02T10:00:00Z,1\n2024-03-02T11:00:00Z,2\n";
  std::ofstream(dir_ + "/jsonl/1.jsonl") << "\n";
  std::ofstream(dir_ + "/jsonl/2.jsonl") << "{\"ts\":\"2024-03-02T10:00:00Z\",\"n\":1}\n";
  for (const char* f : {"csv", "jsonl"}) {
    SCOPED_TRACE(f);
    const std::string from = fmt::format(" FROM read_log('{}/{}', format => '{}')", dir_, f, f);
    auto r = db_->Query("SELECT typeof(ts), typeof(n), count(*)" + from + " GROUP BY ALL");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->Text(0, 0), "TIMESTAMP WITH TIME ZONE");
    EXPECT_EQ(r->Text(1, 0), "BIGINT");
  }
}

// A first line longer than the usual sample (256 KiB) is read whole to infer from.
TEST_F(ReadLogTest, AFirstLineLongerThanTheSampleIsInferredFrom) {
  fs::create_directories(dir_ + "/long");
  std::ofstream(dir_ + "/long/a.jsonl")
      << "{\"ts\":\"2024-03-01T00:00:00Z\",\"n\":0,\"blob\":\"" << std::string(300000, 'x')
      << "\"}\n{\"ts\":\"2024-03-02T00:00:00Z\",\"n\":1,\"blob\":\"y\"}\n";
  EXPECT_EQ(Int("SELECT sum(n) + 10 * count(*) FROM read_log('" + dir_ +
                "/long', format => 'jsonl') WHERE length(blob) > 0"),
            21);
}

TEST_F(ReadLogTest, ClearErrors) {
  auto unknown = db_->Query("SELECT * FROM read_log('" + dir_ + "', format => 'nope')");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown format 'nope'"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("s3_access"), std::string::npos);
  auto missing = db_->Query("SELECT * FROM read_log('" + dir_ + "/nothing/*.log', format => 's3_access')");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no objects match"), std::string::npos);
  // The kind of a bind error survives DuckDB (which keeps only its text): not found stays
  // NotFound (exit 3, as for silt convert), a bad argument InvalidArgument.
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  auto no_format = db_->Query("SELECT * FROM read_log('" + dir_ + "')");
  ASSERT_FALSE(no_format.ok());
  EXPECT_NE(no_format.status().message().find("format =>"), std::string::npos);
  // NULL arguments are usage errors that say which one (DuckDB cannot turn NULL into text).
  const std::string d = "'" + dir_ + "'";
  const std::pair<std::string, std::string> nulls[] = {
      {"read_log(NULL, format => 's3_access')", "the location is NULL"},
      {"read_log([" + d + ", NULL], format => 's3_access')", "location 2 of the list is NULL"},
      {"read_log(" + d + ", format => NULL)", "format is NULL"},
      {"read_log(" + d + ", format => 's3_access', key_pattern => NULL)", "key_pattern is NULL"},
      {"read_log(" + d + ", format => 's3_access', source_columns => NULL)", "source_columns is NULL"},
      {"read_log(" + d + ", format => 'csv', delimiter => NULL)", "delimiter is NULL"},
      {"read_log_rejects(NULL, format => 's3_access')", "the location is NULL"},
  };
  for (const auto& [call, says] : nulls) {
    auto r = db_->Query("SELECT count(*) FROM " + call);
    ASSERT_FALSE(r.ok()) << call;
    EXPECT_NE(r.status().message().find(says), std::string::npos) << call << ": " << r.status().message();
    EXPECT_EQ(r.status().message().find("INTERNAL"), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace silt::query
