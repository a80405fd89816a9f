#include "silt/table/convert.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/gen/s3_access_gen.h"
#include "silt/query/database.h"

namespace silt::table {
namespace {

namespace fs = std::filesystem;

class ConvertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/silt-convert-XXXXXX";
    dir_ = mkdtemp(tmpl);
    raw_ = dir_ + "/raw";
    out_ = dir_ + "/out";
    auto st = store::OpenStore(*ParseUri(raw_), true);
    ASSERT_TRUE(st.ok());
    gen::S3AccessGenOptions o;
    o.total_bytes = 6 << 20;
    o.objects = 6;
    o.days = 3;
    o.prefix = "";
    auto r = gen::GenerateS3Access(o, **st);
    ASSERT_TRUE(r.ok());
    lines_ = r->lines;
    auto db = query::Database::Open(query::DatabaseOptions{.threads = 2, .memory_limit = {}, .path = ":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  ConvertOptions Options() {
    ConvertOptions o;
    o.inputs = {raw_};
    o.format = "s3_access";
    o.output = out_;
    o.threads = 2;
    return o;
  }

  std::string One(const std::string& sql) {
    auto r = db_->Query(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? r->Text(0, 0) : "";
  }

  std::vector<std::string> ParquetFiles() {
    std::vector<std::string> files;
    for (auto& e : fs::recursive_directory_iterator(out_)) {
      if (e.path().extension() == ".parquet") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::string dir_, raw_, out_;
  uint64_t lines_ = 0;
  std::unique_ptr<query::Database> db_;
};

TEST_F(ConvertTest, ParquetAnswersLikeTheRawLogs) {
  auto s = Convert(Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, lines_);
  EXPECT_EQ(s->rejects, 0u);
  EXPECT_EQ(s->objects, 6u);
  EXPECT_EQ(s->files, 3u);  // one per day
  const std::string raw_q = "FROM read_log('" + raw_ + "', format => 's3_access')";
  const std::string pq_q = "FROM '" + out_ + "/**/*.parquet'";
  const std::string agg =
      "SELECT count(*)::VARCHAR || ' ' || sum(bytes_sent)::VARCHAR || ' ' || "
      "count(DISTINCT request_id)::VARCHAR || ' ' || min(request_time)::VARCHAR || ' ' || "
      "max(request_time)::VARCHAR || ' ' || count(source_region)::VARCHAR ";
  EXPECT_EQ(One(agg + raw_q), One(agg + pq_q));
  EXPECT_EQ(One("SELECT count(*) " + pq_q), std::to_string(lines_));
  // Day folders hold that day's rows only.
  EXPECT_EQ(One("SELECT count(*) " + pq_q + " WHERE strftime(request_time, '%Y-%m-%d') <> day"), "0");
  EXPECT_TRUE(fs::exists(out_ + "/day=2024-03-01"));
  EXPECT_TRUE(fs::exists(out_ + "/day=2024-03-03"));
}

TEST_F(ConvertTest, FilesCarryFieldIdsZstdAndMetadata) {
  ASSERT_TRUE(Convert(Options()).ok());
  const std::string f = ParquetFiles().at(0);
  EXPECT_EQ(One("SELECT field_id::VARCHAR FROM parquet_schema('" + f + "') WHERE name = 'bucket_owner'"), "1");
  EXPECT_EQ(One("SELECT field_id::VARCHAR FROM parquet_schema('" + f + "') WHERE name = 'key_raw'"), "29");
  EXPECT_EQ(One("SELECT DISTINCT compression FROM parquet_metadata('" + f + "')"), "ZSTD");
  EXPECT_EQ(One("SELECT decode(value) FROM parquet_kv_metadata('" + f + "') WHERE decode(key) = 'silt.format'"),
            "s3_access");
}

TEST_F(ConvertTest, RerunReplacesInsteadOfDuplicating) {
  auto first = Convert(Options());
  ASSERT_TRUE(first.ok());
  auto files1 = ParquetFiles();
  auto second = Convert(Options());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->run_id, first->run_id);
  EXPECT_EQ(second->replaced_files, files1.size());
  auto files2 = ParquetFiles();
  EXPECT_EQ(files2.size(), files1.size());
  EXPECT_NE(files2, files1);  // new generation's names
  EXPECT_EQ(One("SELECT count(*) FROM '" + out_ + "/**/*.parquet'"), std::to_string(lines_));
  // No staging leftovers.
  EXPECT_FALSE(fs::exists(out_ + "/_silt/staging/" + first->run_id + "-2-" + std::to_string(getpid())));
}

TEST_F(ConvertTest, RejectsFileListsBadLinesAndNothingIsLost) {
  std::ofstream(raw_ + "/zz-broken.log")
      << "not a log line\n"
      << "o b [01/Mar/2024:00:00:00 +0000] 1.1.1.1 - R OP k \"GET / HTTP/1.1\" 200 - 1 1 1 1 \"-\" \"-\"\n"
      << "o b [01/Mar/2024:00:00:00 +0000] 1.1.1.1 - R OP k \"GET / HTTP/1.1\" 200 - x 1 1 1 \"-\" \"-\"\n";
  auto s = Convert(Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rejects, 2u);
  EXPECT_EQ(s->rows, lines_ + 1);
  ASSERT_FALSE(s->rejects_file.empty());
  std::ifstream in(s->rejects_file);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  EXPECT_NE(text.find("zz-broken.log\",\"line\":1,\"byte_offset\":0"), std::string::npos) << text;
  EXPECT_NE(text.find("\"line\":3"), std::string::npos);
  EXPECT_NE(text.find("bytes_sent"), std::string::npos);
  EXPECT_NE(text.find("\"raw_line\":\"not a log line\""), std::string::npos);
  // The manifest names every input version and output file.
  std::ifstream mf(s->manifest);
  std::stringstream ms;
  ms << mf.rdbuf();
  EXPECT_NE(ms.str().find("zz-broken.log"), std::string::npos);
  EXPECT_NE(ms.str().find("\"rejects\": 2"), std::string::npos);
}

// Rows land in their own day's folder whatever object they come in and whatever the object's
// name says: objects spanning midnight, lines out of order, and names that mislead.
TEST_F(ConvertTest, RowsOfOtherDaysAreRoutedToTheirPartition) {
  auto line = [](const std::string& day, int i) {
    return "o b [" + day + ":23:59:59 +0000] 1.1.1.1 - R" + std::to_string(i) +
           " REST.GET.OBJECT k \"GET / HTTP/1.1\" 200 - " + std::to_string(i) +
           " 1 1 1 \"-\" \"-\"\n";
  };
  const std::string mixed = dir_ + "/mixed";
  fs::create_directories(mixed);
  // Named (by AWS convention) for March 2nd, but holding lines of three days, unordered.
  std::ofstream(mixed + "/2024-03-02-12-00-00-0000000000000001")
      << line("02/Mar/2024", 1) << line("01/Mar/2024", 2) << line("05/Mar/2024", 3)
      << line("02/Mar/2024", 4);
  // Named for March 5th; its first line is of March 1st, after the 1st was written.
  std::ofstream(mixed + "/2024-03-05-00-10-00-0000000000000002")
      << line("05/Mar/2024", 5) << line("01/Mar/2024", 6);
  std::ofstream(mixed + "/plain-name.log") << line("01/Mar/2024", 7) << line("02/Mar/2024", 8);
  auto o = Options();
  o.inputs = {mixed};
  auto s = Convert(o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, 8u);
  const std::string q = "FROM '" + out_ + "/**/*.parquet'";
  EXPECT_EQ(One("SELECT count(*) " + q), "8");
  EXPECT_EQ(One("SELECT count(*) " + q + " WHERE strftime(request_time, '%Y-%m-%d') <> day"), "0");
  // The rows of a day, by their bytes_sent (each line's number).
  auto day = [&](const std::string& d) {
    return One("SELECT string_agg(bytes_sent::VARCHAR, ',' ORDER BY bytes_sent) " + q +
               " WHERE day = '" + d + "'");
  };
  EXPECT_EQ(day("2024-03-01"), "2,6,7");
  EXPECT_EQ(day("2024-03-05"), "3,5");
  EXPECT_EQ(One("SELECT count(DISTINCT request_id) " + q), "8");
  // Line 8 is spilled while March 1st converts, just before March 2nd's COPY starts beside
  // the end of March 1st's: it is still written with March 2nd's other rows, in one file.
  EXPECT_EQ(day("2024-03-02"), "1,4,8");
  EXPECT_EQ(One("SELECT count(DISTINCT filename) FROM read_parquet('" + out_ +
                "/day=2024-03-02/*.parquet', filename = true)"),
            "1");
  // No spill files are left behind.
  EXPECT_FALSE(fs::exists(out_ + "/_silt/staging"));
}

TEST_F(ConvertTest, KeyPatternColumnsLandInTheFiles) {
  auto o = Options();
  o.key_pattern = "{yyyy}-{mm}-{dd}-**";
  o.source_columns = true;
  auto s = Convert(o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const std::string q = "FROM '" + out_ + "/**/*.parquet'";
  EXPECT_EQ(One("SELECT count(*) " + q), std::to_string(lines_));
  EXPECT_EQ(One("SELECT count(*) " + q + " WHERE yyyy = '2024' AND mm = '03'"), std::to_string(lines_));
  EXPECT_EQ(One("SELECT count(DISTINCT source_object) " + q), "6");
  EXPECT_EQ(One("SELECT min(source_line) " + q), "1");
  EXPECT_EQ(One("SELECT field_id::VARCHAR FROM parquet_schema('" + ParquetFiles().at(0) +
                "') WHERE name = 'source_line'"),
            "34");
}

TEST_F(ConvertTest, PartitionByHourAndNone) {
  auto o = Options();
  o.partition = Partitioning::kHour;
  ASSERT_TRUE(Convert(o).ok());
  EXPECT_TRUE(fs::exists(out_ + "/day=2024-03-01/hour=00"));
  EXPECT_EQ(One("SELECT count(*) FROM '" + out_ + "/**/*.parquet'"), std::to_string(lines_));
  auto o2 = Options();
  o2.output = dir_ + "/flat";
  o2.partition = Partitioning::kNone;
  auto s = Convert(o2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(One("SELECT count(*) FROM '" + o2.output + "/*.parquet'"), std::to_string(lines_));
}

TEST_F(ConvertTest, BadOptionsAreClearErrors) {
  auto o = Options();
  o.format = "nope";
  EXPECT_EQ(Convert(o).status().code(), StatusCode::kInvalidArgument);
  o = Options();
  o.compression = "brotli";
  EXPECT_EQ(Convert(o).status().code(), StatusCode::kInvalidArgument);
  o = Options();
  o.inputs = {dir_ + "/missing"};
  EXPECT_EQ(Convert(o).status().code(), StatusCode::kNotFound);
  o = Options();
  o.output = raw_ + "/inside";
  o.inputs = {dir_};
  EXPECT_EQ(Convert(o).status().code(), StatusCode::kInvalidArgument);
}

// A run killed before it could clean up leaves its staging folder (spilled raw lines,
// unfinished files); the next run of the same conversion removes it.
TEST_F(ConvertTest, ARerunRemovesTheStagingOfAKilledRun) {
  auto first = Convert(Options());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);  // a process id that no longer exists
  const fs::path staging = fs::path(out_) / "_silt" / "staging";
  const fs::path killed = staging / fmt::format("{}-2-{}", first->run_id, child);
  const fs::path running = staging / fmt::format("{}-9-{}", first->run_id, getpid());
  const fs::path other = staging / fmt::format("0123456789abcdef-1-{}", child);
  for (const fs::path& d : {killed, running, other}) {
    fs::create_directories(d / "spill");
    std::ofstream(d / "spill" / "spill-0.log") << "raw line\n";
  }
  auto again = Convert(Options());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(fs::exists(killed));
  EXPECT_TRUE(fs::exists(running));  // its process is alive
  EXPECT_TRUE(fs::exists(other));    // another conversion's: not this run's to judge
  EXPECT_EQ(again->rows, lines_);
}

// An input given through a symbolic link to the folder that holds the output is the same
// place: a second run would read the first one's Parquet files as logs.
TEST_F(ConvertTest, AnOutputInsideTheInputIsRefusedThroughSymbolicLinks) {
  fs::create_symlink(raw_, dir_ + "/link");
  auto o = Options();
  o.inputs = {dir_ + "/link"};
  o.output = raw_ + "/out";
  auto s = Convert(o);
  ASSERT_EQ(s.status().code(), StatusCode::kInvalidArgument) << s.status().ToString();
  EXPECT_NE(s.status().message().find("lies inside the input"), std::string::npos);
  o.inputs = {dir_ + "/link/**"};
  EXPECT_EQ(Convert(o).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(raw_ + "/out/_silt/runs"));
  // A glob that cannot match what the output holds ('*' stays within a path part) may have
  // the output below its folder.
  o.inputs = {dir_ + "/link/*"};
  auto beside = Convert(o);
  ASSERT_TRUE(beside.ok()) << beside.status().ToString();
  EXPECT_EQ(beside->rows, lines_);
  fs::remove_all(raw_ + "/out");
  // Beside the input, through the link, is fine.
  o.inputs = {dir_ + "/link"};
  o.output = dir_ + "/out";
  auto ok = Convert(o);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->rows, lines_);
}

}  // namespace
}  // namespace silt::table
