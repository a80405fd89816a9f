#include "silt/table/folder_sql.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "silt/common/uri.h"
#include "silt/table/convert.h"
#include "silt/table/convert_table.h"
#include "silt/table/table_test_util.h"

namespace silt::table {
namespace {

namespace fs = std::filesystem;

// A conversion of 3 days of generated logs, and a database with folder tables.
class FolderSqlTest : public testing::WarehouseTest {
 protected:
  FolderSqlTest() : WarehouseTest("folder-sql") {}
  void SetUp() override {
    WarehouseTest::SetUp();
    base_ = dir_.string();
    raw_ = base_ + "/raw";
    out_ = base_ + "/out";
    GenerateLogs("raw", 2 << 20, 4, 3, 1);
    auto n = db_->Query("SELECT count(*) FROM read_log('" + raw_ + "', format => 's3_access')");
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    lines_ = static_cast<uint64_t>(n->Int64(0, 0));
    ASSERT_GT(lines_, 0u);
    ASSERT_TRUE(AddFolderTables(*db_).ok());
  }

  // Options to convert S3 access logs from `input` (default: the generated logs).
  ConvertOptions S3Access(const std::string& input = "") {
    ConvertOptions o;
    o.inputs = {input.empty() ? raw_ : input};
    o.format = "s3_access";
    o.threads = 2;
    return o;
  }

  Result<ConvertSummary> ConvertInto(const std::string& out, Partitioning p = Partitioning::kDay,
                                     const std::string& input = "") {
    ConvertOptions o = S3Access(input);
    o.output = out;
    o.partition = p;
    return Convert(o);
  }

  // The first value of `sql`'s first row, or the error's text.
  std::string Answer(const std::string& sql) {
    auto r = db_->Query(sql);
    if (!r.ok()) return "error: " + r.status().message();
    return r->Text(0, 0);
  }

  std::string base_, raw_, out_;
  uint64_t lines_ = 0;
};

TEST_F(FolderSqlTest, ConvertedOutputAnswersByItsPathLikeTheRawLogs) {
  ASSERT_TRUE(ConvertInto(out_).ok());
  const std::string agg = "SELECT count(*) || '/' || sum(bytes_sent) || '/' || count(DISTINCT request_id) ";
  EXPECT_EQ(Answer(agg + "FROM '" + out_ + "'"),
            Answer(agg + "FROM read_log('" + raw_ + "', format => 's3_access')"));
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + out_ + "'"), std::to_string(lines_));
  // The partition folders come back as a day column.
  EXPECT_EQ(Answer("SELECT count(DISTINCT day) FROM '" + out_ + "'"), "3");
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + out_ + "' WHERE day <> CAST(request_time AS DATE)"), "0");
  // file:// and a trailing slash name the same folder.
  EXPECT_EQ(Answer("SELECT count(*) FROM 'file://" + out_ + "/'"), std::to_string(lines_));
}

TEST_F(FolderSqlTest, FilesNoManifestNamesAreLeftOut) {
  ASSERT_TRUE(ConvertInto(out_).ok());
  auto published = PublishedFiles(**store::OpenStore(*ParseUri(out_)));
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  ASSERT_GE(published->size(), 3u);  // at least one per day
  // What a crash between storing a re-run's manifest and deleting the previous run's files
  // leaves: a previous file beside the new ones.
  fs::copy_file(out_ + "/" + published->front(),
                fs::path(out_ + "/" + published->front()).parent_path() / "part-old-g0-0000.parquet");
  const std::string n = std::to_string(lines_);
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + out_ + "'"), n);
  EXPECT_NE(Answer("SELECT count(*) FROM '" + out_ + "/**/*.parquet'"), n);  // a glob counts it
  // Running the same conversion again keeps the count (the previous files are replaced).
  ASSERT_TRUE(ConvertInto(out_).ok());
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + out_ + "'"), n);
}

TEST_F(FolderSqlTest, RunsOfDifferentInputsAddUp) {
  ASSERT_TRUE(ConvertInto(out_).ok());
  // A second input into the same output is a second run with its own manifest.
  const std::string raw2 = base_ + "/raw2";
  fs::create_directories(raw2);
  for (const auto& e : fs::directory_iterator(raw_)) {
    fs::copy_file(e.path(), raw2 + "/" + e.path().filename().string());
  }
  ASSERT_TRUE(ConvertInto(out_, Partitioning::kDay, raw2).ok());
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + out_ + "'"), std::to_string(2 * lines_));
}

TEST_F(FolderSqlTest, UnpartitionedAndHourlyOutputs) {
  ASSERT_TRUE(ConvertInto(base_ + "/none", Partitioning::kNone).ok());
  ASSERT_TRUE(ConvertInto(base_ + "/hourly", Partitioning::kHour).ok());
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + base_ + "/none'"), std::to_string(lines_));
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + base_ + "/hourly' WHERE hour IS NOT NULL AND day IS NOT NULL"),
            std::to_string(lines_));
}

TEST_F(FolderSqlTest, AnyFolderOfParquetReadsAllItsFiles) {
  const std::string plain = base_ + "/plain";
  fs::create_directories(plain + "/a");
  ASSERT_TRUE(db_->Exec("COPY (SELECT range AS x FROM range(10)) TO '" + plain + "/a/one.parquet'").ok());
  ASSERT_TRUE(db_->Exec("COPY (SELECT range AS x FROM range(5)) TO '" + plain + "/two.parquet'").ok());
  EXPECT_EQ(Answer("SELECT count(*) || '/' || sum(x) FROM '" + plain + "'"), "15/55");
  // Files and folders whose name starts with '_' or '.' are not data (Hive's rule).
  fs::create_directories(plain + "/_tmp");
  fs::create_directories(plain + "/.cache");
  for (const char* hidden : {"/_tmp/x.parquet", "/.cache/x.parquet", "/_y.parquet", "/a/.z.parquet"}) {
    ASSERT_TRUE(db_->Exec("COPY (SELECT 1000 AS x) TO '" + plain + hidden + "'").ok());
  }
  EXPECT_EQ(Answer("SELECT count(*) || '/' || sum(x) FROM '" + plain + "'"), "15/55");
}

TEST_F(FolderSqlTest, FoldersWithoutParquetSayHowToReadThem) {
  const std::string msg = Answer("SELECT count(*) FROM '" + raw_ + "'");
  EXPECT_NE(msg.find("without Parquet files"), std::string::npos) << msg;
  EXPECT_NE(msg.find("read_log('" + raw_ + "'"), std::string::npos) << msg;
  // Names that are no folder are DuckDB's to report.
  const std::string unknown = Answer("SELECT count(*) FROM '" + base_ + "/nothing-here'");
  EXPECT_NE(unknown.find("does not exist"), std::string::npos) << unknown;
  EXPECT_FALSE(ResolveFolder(base_ + "/nothing-here")->has_value());
  EXPECT_FALSE(ResolveFolder("s3://bucket/out")->has_value());
}

// A path that cannot be looked at for another reason than its absence says that reason
// rather than "table does not exist" (a symbolic link loop: permissions do not stop root).
TEST_F(FolderSqlTest, AFolderThatCannotBeReadSaysWhy) {
  fs::create_symlink(base_ + "/loop", base_ + "/loop");
  const std::string msg = Answer("SELECT count(*) FROM '" + base_ + "/loop'");
  EXPECT_NE(msg.find("reading folder"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("does not exist"), std::string::npos) << msg;
}

TEST_F(FolderSqlTest, AnOutputWhoseLinesWereAllRejectedHasNoRows) {
  const std::string bad = base_ + "/bad";
  fs::create_directories(bad);
  std::ofstream(bad + "/2024-03-01-00-00-00-0123456789ABCDEF") << "not an access log line\n";
  auto s = ConvertInto(base_ + "/bad-out", Partitioning::kDay, bad);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->rows, 0u);
  ASSERT_EQ(s->rejects, 1u);
  // Its one file holds the schema and no row, in the partition of rows without a time (not
  // in a made-up day).
  EXPECT_TRUE(fs::is_directory(base_ + "/bad-out/day=__HIVE_DEFAULT_PARTITION__"));
  EXPECT_FALSE(fs::exists(base_ + "/bad-out/day=1970-01-01"));
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + base_ + "/bad-out'"), "0");
  EXPECT_EQ(Answer("SELECT count(*) FROM (DESCRIBE SELECT * FROM '" + base_ + "/bad-out') "
                   "WHERE column_name = 'request_time'"),
            "1");
}

// The empty file of an all-rejected run carries its snapshot into a table, and with it the
// bookmark: the same objects are not read again.
TEST_F(FolderSqlTest, AllRejectedObjectsAreCommittedToATableOnce) {
  const std::string bad = base_ + "/bad";
  fs::create_directories(bad);
  std::ofstream(bad + "/2024-03-01-00-00-00-0123456789ABCDEF") << "not an access log line\n";
  const ConvertOptions o = S3Access(bad);
  auto first = ConvertToTable(o, "logs.bad", *wh_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->rejects, 1u);
  EXPECT_NE(first->snapshot_id, 0);
  EXPECT_FALSE(first->rejects_file.empty());
  auto again = ConvertToTable(o, "logs.bad", *wh_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_committed);
  EXPECT_EQ(again->snapshot_id, first->snapshot_id);
}

// Rows whose event time is NULL (a CSV with an empty time field) are kept, in Hive's
// partition for NULL at every folder level, and read back with a NULL day.
class NullTimeTest : public FolderSqlTest {
 protected:
  void SetUp() override {
    FolderSqlTest::SetUp();
    csv_ = base_ + "/csv";
    fs::create_directories(csv_);
    std::ofstream(csv_ + "/events.csv") << "ts,msg\n2024-01-01T10:00:00Z,a\n,b\n2024-01-02T11:00:00Z,c\n";
  }
  ConvertOptions Csv(Partitioning p) {
    ConvertOptions o;
    o.inputs = {csv_};
    o.format = "csv";
    o.format_options = {{"columns", "ts TIMESTAMPTZ, msg VARCHAR"}};
    o.partition = p;
    o.threads = 2;
    return o;
  }
  std::string csv_;
};

TEST_F(NullTimeTest, RowsWithoutATimeAreKeptInTheNullPartition) {
  struct Case {
    const char* name;
    Partitioning partition;
    bool source_columns;  // then DuckDB's PARTITION_BY writes the folders
    const char* null_folder;
  };
  const Case cases[] = {
      {"day", Partitioning::kDay, false, "day=__HIVE_DEFAULT_PARTITION__"},
      {"hour", Partitioning::kHour, false, "day=__HIVE_DEFAULT_PARTITION__/hour=__HIVE_DEFAULT_PARTITION__"},
      {"day-source", Partitioning::kDay, true, "day=__HIVE_DEFAULT_PARTITION__"},
      {"hour-source", Partitioning::kHour, true, "day=__HIVE_DEFAULT_PARTITION__/hour=__HIVE_DEFAULT_PARTITION__"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ConvertOptions o = Csv(c.partition);
    o.output = base_ + "/out-" + c.name;
    o.source_columns = c.source_columns;
    auto s = Convert(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->rows, 3u);
    EXPECT_EQ(s->rejects, 0u);
    EXPECT_TRUE(fs::is_directory(o.output + "/" + c.null_folder));
    const std::string from = " FROM '" + o.output + "'";
    EXPECT_EQ(Answer("SELECT count(*)" + from), "3");
    EXPECT_EQ(Answer("SELECT msg" + from + " WHERE day IS NULL"), "b");
    EXPECT_EQ(Answer("SELECT string_agg(day::VARCHAR, ',' ORDER BY msg)" + from), "2024-01-01,2024-01-02");
    EXPECT_EQ(Answer("SELECT typeof(day)" + from + " LIMIT 1"), "DATE");
    if (c.partition == Partitioning::kHour) {
      EXPECT_EQ(Answer("SELECT count(*)" + from + " WHERE hour IS NULL"), "1");
    }
  }
}

// An object whose time is unknown before reading (no time in its name, a first line longer
// than what is looked at to place it) has its rows routed to their days; no empty file is
// left in the partition it was first given.
TEST_F(NullTimeTest, NoEmptyFileWhereNoRowWent) {
  std::ofstream(csv_ + "/events.csv") << "ts,msg\n2024-01-01T10:00:00Z," << std::string(100000, 'a')
                                      << "\nnot a time,x\n2024-01-02T11:00:00Z,c\n";
  ConvertOptions o = Csv(Partitioning::kDay);
  o.output = base_ + "/out-unknown";
  auto s = Convert(o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, 2u);
  EXPECT_EQ(s->rejects, 1u);
  EXPECT_EQ(s->files, 2u);
  EXPECT_FALSE(fs::exists(o.output + "/day=__HIVE_DEFAULT_PARTITION__"));
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + o.output + "'"), "2");
}

TEST_F(NullTimeTest, RowsWithoutATimeGoToATablesNullPartition) {
  ConvertOptions o = Csv(Partitioning::kHour);
  auto s = ConvertToTable(o, "logs.events", *wh_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->rows, 3u);
  EXPECT_EQ(One("SELECT count(*) FROM logs.events"), "3");
  EXPECT_EQ(One("SELECT msg FROM logs.events WHERE ts IS NULL"), "b");
}

// Files of different partition layouts in one folder cannot be read together (the Hive
// columns differ): a second conversion with another layout is refused, a re-run of the same
// one may change its layout (it replaces its files).
TEST_F(FolderSqlTest, OneFolderHoldsOnePartitionLayout) {
  GenerateLogs("raw2", 1 << 20, 2, 2, 7);
  ASSERT_TRUE(ConvertInto(out_, Partitioning::kHour).ok());
  for (Partitioning other : {Partitioning::kDay, Partitioning::kNone}) {
    auto s = ConvertInto(out_, other, base_ + "/raw2");
    ASSERT_EQ(s.status().code(), StatusCode::kInvalidArgument) << s.status().ToString();
    EXPECT_NE(s.status().message().find("--partition-by hour"), std::string::npos);
  }
  auto same = ConvertInto(out_, Partitioning::kHour, base_ + "/raw2");
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + out_ + "'"), std::to_string(lines_ + same->rows));
  // The first conversion again, now by day: refused while the other one is by hour.
  EXPECT_EQ(ConvertInto(out_, Partitioning::kDay).status().code(), StatusCode::kInvalidArgument);
  // Alone in its folder, a conversion changes its layout on a re-run.
  const std::string alone = base_ + "/alone";
  ASSERT_TRUE(ConvertInto(alone, Partitioning::kHour).ok());
  ASSERT_TRUE(ConvertInto(alone, Partitioning::kDay).ok());
  EXPECT_EQ(Answer("SELECT count(*) FROM '" + alone + "'"), std::to_string(lines_));
}

// An object name may hold a line break; its bookmark line must still be one line, or the
// object would be converted again on every run.
TEST_F(FolderSqlTest, NamesWithLineBreaksAreCommittedOnce) {
  const std::string odd = base_ + "/odd";
  fs::create_directories(odd);
  fs::copy_file(fs::directory_iterator(raw_)->path(), odd + "/new\nline.log");
  const ConvertOptions o = S3Access(odd);
  auto first = ConvertToTable(o, "logs.odd", *wh_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_GT(first->rows, 0u);
  for (int i = 0; i < 2; ++i) {
    auto again = ConvertToTable(o, "logs.odd", *wh_);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_TRUE(again->already_committed);
  }
  EXPECT_EQ(One("SELECT count(*) FROM logs.odd"), std::to_string(first->rows));
}

TEST_F(FolderSqlTest, AnUnreadableManifestIsAnError) {
  ASSERT_TRUE(ConvertInto(out_).ok());
  std::ofstream(out_ + "/_silt/runs/0000000000000000.json") << "{ not json";
  const std::string msg = Answer("SELECT count(*) FROM '" + out_ + "'");
  EXPECT_NE(msg.find("not a run manifest"), std::string::npos) << msg;
  EXPECT_NE(msg.find("0000000000000000.json"), std::string::npos) << msg;
}

}  // namespace
}  // namespace silt::table
