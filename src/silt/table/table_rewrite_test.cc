// Copy-on-write delete and overwrite by filter, and compaction: answers equal the raw logs'
// minus (plus) the rows concerned, untouched files stay, NULL semantics, races with appends.
#include "silt/table/table_rewrite.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iterator>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/catalog/committer.h"
#include "silt/gen/s3_access_gen.h"
#include "silt/iceberg/table_ops.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/table_sql.h"
#include "silt/table/table_test_util.h"

namespace silt::table {
namespace {

namespace fs = std::filesystem;

class TableRewriteTest : public testing::WarehouseTest {
 protected:
  TableRewriteTest() : WarehouseTest("rewrite") {}
  void SetUp() override {
    WarehouseTest::SetUp();
    GenerateLogs("raw", 2 << 20, 6, 3, 7);  // 2024-03-01 .. 2024-03-03
    CreateFromFormat("logs.access", "s3_access", "day(request_time)");
  }
  std::string Raw(const std::string& where = "") {
    return fmt::format("SELECT * FROM read_log('{}', format => 's3_access'){}", (dir_ / "raw").string(), where);
  }
  int64_t Append(const std::string& select, const std::string& table = "logs.access",
                 query::Database* db = nullptr) {
    AppendRequest a;
    a.identifier = table;
    a.select_sql = select;
    auto r = AppendQuery(*wh_, db ? *db : *db_, a);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->snapshot_id : 0;
  }
  // A fingerprint of a relation's rows.
  static std::string Print(const std::string& from) {
    return "SELECT count(*) || '/' || coalesce(sum(bytes_sent), 0) || '/' || count(DISTINCT request_id) || '/' || "
           "coalesce(sum(hash(request_id, http_status, key, request_time)), 0) FROM " + from;
  }
  iceberg::TableMetadata Meta(const std::string& table = "logs.access") {
    auto t = LoadIcebergTable(*wh_, table);
    EXPECT_TRUE(t.ok());
    return t->metadata;
  }
  std::set<std::string> LiveFiles(const std::string& table = "logs.access") {
    auto plan = iceberg::PlanFiles(wh_->io(), Meta(table));
    EXPECT_TRUE(plan.ok());
    std::set<std::string> out;
    for (const auto& f : plan->data_files) out.insert(f.file.file_path);
    return out;
  }
  // Parquet files on disk under the table that no snapshot reaches (leftovers of a failure).
  size_t Unreachable(const std::string& table = "logs.access") {
    auto r = iceberg::ListReachableFiles(wh_->io(), Meta(table));
    EXPECT_TRUE(r.ok());
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "wh")) {
      if (e.path().extension() != ".parquet") continue;
      if (!r->data_files.count(wh_->io().UriOf(fs::relative(e.path(), dir_ / "wh").string()))) ++n;
    }
    return n;
  }
};

TEST_F(TableRewriteTest, DeleteByFilterLeavesTheOtherRows) {
  Append(Raw());
  ASSERT_NE(One("SELECT count(*) FROM (" + Raw(" WHERE http_status = 404") + ")"), "0");
  const std::set<std::string> before = LiveFiles();
  ASSERT_EQ(before.size(), 3u);  // one per day
  auto r = DeleteWhere(*wh_, *db_, "logs.access", "http_status = 404");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->snapshot_id, 0);
  EXPECT_EQ(r->operation, "overwrite");
  EXPECT_EQ(std::to_string(r->rows_deleted), One("SELECT count(*) FROM (" + Raw(" WHERE http_status = 404") + ")"));
  EXPECT_EQ(r->files_scanned, 3);
  EXPECT_EQ(r->files_rewritten, 3);
  EXPECT_EQ(r->files_removed, 0);
  EXPECT_EQ(r->files_added, 3);
  EXPECT_EQ(One(Print("logs.access")), One(Print("(" + Raw(" WHERE (http_status = 404) IS NOT TRUE") + ")")));
  EXPECT_EQ(One("SELECT count(*) FROM logs.access WHERE http_status = 404"), "0");
  const iceberg::TableMetadata md = Meta();
  const iceberg::Snapshot* s = md.CurrentSnapshot();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->summary.at("silt.delete"), "http_status = 404");
  EXPECT_EQ(s->summary.at("deleted-data-files"), "3");
  EXPECT_EQ(Unreachable(), 0u);

  // A filter on one day rewrites only that day's file; the others stay as they are.
  const std::set<std::string> mid = LiveFiles();
  auto day = DeleteWhere(*wh_, *db_, "logs.access",
                         "request_time >= '2024-03-02' AND request_time < '2024-03-03' AND bytes_sent > 1000");
  ASSERT_TRUE(day.ok()) << day.status().ToString();
  EXPECT_EQ(day->files_scanned, 1);  // the other days' files are pruned by their bounds
  EXPECT_EQ(day->files_rewritten, 1);
  const std::set<std::string> after = LiveFiles();
  std::vector<std::string> kept;
  std::set_intersection(mid.begin(), mid.end(), after.begin(), after.end(), std::back_inserter(kept));
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_EQ(One(Print("logs.access")),
            One(Print("(" + Raw(" WHERE (http_status = 404) IS NOT TRUE AND (request_time >= '2024-03-02' AND "
                                "request_time < '2024-03-03' AND bytes_sent > 1000) IS NOT TRUE") + ")")));
}

// A filter with a decimal point (399.5 is a DECIMAL to DuckDB) chooses files by its value:
// the delete removes the matching rows instead of finding none.
TEST_F(TableRewriteTest, AFilterWithADecimalPointDeletesItsRows) {
  Append(Raw());
  const std::string matching = One("SELECT count(*) FROM (" + Raw(" WHERE http_status >= 399.5") + ")");
  ASSERT_NE(matching, "0");
  auto r = DeleteWhere(*wh_, *db_, "logs.access", "http_status >= 399.5");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::to_string(r->rows_deleted), matching);
  EXPECT_EQ(One("SELECT count(*) FROM logs.access WHERE http_status >= 400"), "0");
}

TEST_F(TableRewriteTest, OnlyRowsWhereTheFilterIsTrueGo) {
  CreateTableRequest c;
  c.identifier = "t.n";
  c.schema = *SchemaFromColumns(*ParseColumnList("id BIGINT, v VARCHAR"));
  ASSERT_TRUE(CreateIcebergTable(*wh_, c).ok());
  Append("SELECT i AS id, CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN 'a' ELSE 'b' END AS v FROM range(30) t(i)",
         "t.n");
  // v <> 'a' is NULL for the NULL rows: they stay.
  auto r = DeleteWhere(*wh_, *db_, "t.n", "v <> 'a'");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_deleted, 10);
  EXPECT_EQ(One("SELECT count(*) || '/' || count(v) || '/' || count(*) FILTER (WHERE v = 'a') FROM t.n"), "20/10/10");
  // Every remaining row matches: the file goes without a replacement ("delete").
  auto all = DeleteWhere(*wh_, *db_, "t.n", "v = 'a' OR v IS NULL");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->rows_deleted, 20);
  EXPECT_EQ(all->files_removed, 1);
  EXPECT_EQ(all->files_added, 0);
  EXPECT_EQ(all->operation, "delete");
  EXPECT_EQ(One("SELECT count(*) FROM t.n"), "0");
  EXPECT_TRUE(LiveFiles("t.n").empty());
}

TEST_F(TableRewriteTest, NoMatchCommitsNothingAndBadFiltersAreRefused) {
  Append(Raw());
  const size_t snaps = Meta().snapshots.size();
  const std::set<std::string> files = LiveFiles();
  auto none = DeleteWhere(*wh_, *db_, "logs.access", "http_status = 999");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->snapshot_id, 0);
  EXPECT_EQ(none->rows_deleted, 0);
  EXPECT_EQ(none->files_scanned, 0);  // no file's http_status bounds reach 999: none is read
  auto unprunable = DeleteWhere(*wh_, *db_, "logs.access", "http_status + 0 = 999");
  ASSERT_TRUE(unprunable.ok()) << unprunable.status().ToString();
  EXPECT_EQ(unprunable->files_scanned, 3);  // an expression: every file is read
  EXPECT_EQ(Meta().snapshots.size(), snaps);
  EXPECT_EQ(LiveFiles(), files);

  auto bad = DeleteWhere(*wh_, *db_, "logs.access", "no_such_column = 1");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument) << bad.status().ToString();
  EXPECT_EQ(DeleteWhere(*wh_, *db_, "logs.access", "  ").status().code(), StatusCode::kInvalidArgument);
  // A comment cannot swallow the rest of the statement.
  auto comment = DeleteWhere(*wh_, *db_, "logs.access", "http_status = 999 -- no");
  EXPECT_TRUE(comment.ok()) << comment.status().ToString();
  EXPECT_EQ(DeleteWhere(*wh_, *db_, "logs.nope", "true").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Meta().snapshots.size(), snaps);
  EXPECT_EQ(Unreachable(), 0u);
  // An empty table: nothing to scan.
  CreateTableRequest c;
  c.identifier = "t.empty";
  c.schema = *SchemaFromColumns(*ParseColumnList("id BIGINT"));
  ASSERT_TRUE(CreateIcebergTable(*wh_, c).ok());
  auto empty = DeleteWhere(*wh_, *db_, "t.empty", "id = 1");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->snapshot_id, 0);
}

TEST_F(TableRewriteTest, FilesOfOlderSchemasAreReadByFieldId) {
  CreateTableRequest c;
  c.identifier = "t.s";
  c.schema = *SchemaFromColumns(*ParseColumnList("id BIGINT, v VARCHAR"));
  ASSERT_TRUE(CreateIcebergTable(*wh_, c).ok());
  Append("SELECT i AS id, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS v FROM range(10) t(i)", "t.s");
  // Rename v to w and add a column x (ids 2 and 3): the old file has v (id 2), no x.
  auto changed = catalog::CommitWithRetry(
      wh_->catalog(), wh_->io(), "t.s", [&](const iceberg::TableMetadata& base) -> Result<iceberg::PendingCommit> {
        iceberg::Schema s = *base.CurrentSchema();
        s.fields[1].name = "w";
        iceberg::NestedField x;
        x.id = 3;
        x.name = "x";
        x.type = iceberg::Type::Long();
        s.fields.push_back(x);
        SILT_ASSIGN_OR_RETURN(iceberg::TableMetadata next, iceberg::SetCurrentSchema(base, s));
        return iceberg::PendingCommit{std::move(next), {}};
      });
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  Append("SELECT 100 AS id, 'a' AS w, 7 AS x", "t.s");
  auto r = DeleteWhere(*wh_, *db_, "t.s", "w = 'a' AND (x IS NULL OR x = 7) AND id < 6");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_deleted, 3);  // ids 0, 2, 4
  EXPECT_EQ(r->files_rewritten, 1);
  EXPECT_EQ(One("SELECT count(*) || '/' || count(*) FILTER (WHERE w = 'a') || '/' || sum(id) || '/' || "
                "coalesce(sum(x), 0) FROM t.s"),
            "8/3/139/7");  // 6, 8, 100 are 'a'; 1+3+5+6+7+8+9+100
  // Compaction keeps the values too (both files hold fewer rows than the target).
  auto k = Compact(*wh_, *db_, "t.s");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->files_after, 1);
  EXPECT_EQ(One("SELECT count(*) || '/' || count(*) FILTER (WHERE w = 'a') || '/' || sum(id) || '/' || "
                "coalesce(sum(x), 0) FROM t.s"),
            "8/3/139/7");
}

TEST_F(TableRewriteTest, OverwriteReplacesRowsInOneSnapshot) {
  Append(Raw());
  const std::string day = "request_time >= '2024-03-01' AND request_time < '2024-03-02'";
  const size_t snaps = Meta().snapshots.size();
  auto r = OverwriteWhere(*wh_, *db_, "logs.access", day, Raw(" WHERE " + day + " AND http_status = 200"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->operation, "overwrite");
  EXPECT_EQ(Meta().snapshots.size(), snaps + 1);
  EXPECT_EQ(std::to_string(r->rows_deleted), One("SELECT count(*) FROM (" + Raw(" WHERE " + day) + ")"));
  EXPECT_EQ(std::to_string(r->rows_added), One("SELECT count(*) FROM (" + Raw(" WHERE " + day + " AND http_status = 200") + ")"));
  EXPECT_EQ(r->files_removed, 1);  // every row of that day matched
  EXPECT_EQ(One(Print("logs.access")),
            One(Print("(" + Raw(" WHERE NOT (" + day + ") OR http_status = 200") + ")")));
  const iceberg::TableMetadata md = Meta();
  const iceberg::Snapshot* s = md.CurrentSnapshot();
  EXPECT_EQ(s->summary.at("silt.overwrite"), day);
  EXPECT_TRUE(s->summary.count("silt.inputs"));
  // A filter matching nothing and an empty query: nothing committed.
  auto none = OverwriteWhere(*wh_, *db_, "logs.access", "false", Raw(" WHERE false"));
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->snapshot_id, 0);
  // A query with a column the table lacks: nothing committed, nothing left behind.
  auto bad = OverwriteWhere(*wh_, *db_, "logs.access", day, "SELECT 1 AS nope");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Meta().snapshots.size(), snaps + 1);
  EXPECT_EQ(Unreachable(), 0u);
}

TEST_F(TableRewriteTest, CompactionMakesFewFilesWithTheSameAnswers) {
  // Ten small appends: ten files per day.
  for (int i = 0; i < 10; ++i) Append(Raw(fmt::format(" WHERE hash(request_id) % 10 = {}", i)));
  const std::string want = One(Print("(" + Raw() + ")"));
  ASSERT_EQ(One(Print("logs.access")), want);
  ASSERT_EQ(LiveFiles().size(), 30u);
  const std::string records = Meta().CurrentSnapshot()->summary.at("total-records");
  CompactOptions o;
  o.target_file_bytes = 64 << 20;
  auto r = Compact(*wh_, *db_, "logs.access", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->snapshot_id, 0);
  EXPECT_EQ(r->files_before, 30);
  EXPECT_EQ(r->files_after, 3);
  EXPECT_EQ(std::to_string(r->records), records);
  ASSERT_EQ(r->partitions.size(), 3u);
  EXPECT_EQ(r->partitions[0].partition, "request_time_day=2024-03-01");
  EXPECT_EQ(r->partitions[0].files_before, 10);
  EXPECT_EQ(r->partitions[0].files_after, 1);
  EXPECT_EQ(LiveFiles().size(), 3u);
  EXPECT_EQ(One(Print("logs.access")), want);
  const iceberg::TableMetadata md = Meta();
  const iceberg::Snapshot* s = md.CurrentSnapshot();
  EXPECT_EQ(s->operation(), "replace");
  EXPECT_EQ(s->summary.at("total-records"), records);
  EXPECT_TRUE(s->summary.count("silt.compact"));
  // Nothing left to compact: no snapshot.
  auto again = Compact(*wh_, *db_, "logs.access", o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->snapshot_id, 0);
  EXPECT_EQ(again->files_after, 3);
  CompactOptions zero;
  zero.target_file_bytes = 0;
  EXPECT_EQ(Compact(*wh_, *db_, "logs.access", zero).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TableRewriteTest, CompactionBinPacksUnpartitionedTables) {
  CreateTableRequest c;
  c.identifier = "t.u";
  c.schema = *SchemaFromColumns(*ParseColumnList("id BIGINT, v VARCHAR"));
  ASSERT_TRUE(CreateIcebergTable(*wh_, c).ok());
  for (int i = 0; i < 6; ++i) {
    Append(fmt::format("SELECT i AS id, md5(i::VARCHAR) AS v FROM range({}, {}) t(i)", i * 1000, i * 1000 + 1000), "t.u");
  }
  auto files = iceberg::PlanFiles(wh_->io(), Meta("t.u"));
  ASSERT_TRUE(files.ok());
  int64_t one = files->data_files[0].file.file_size_in_bytes;
  // Room for about two files per group: three groups of two.
  CompactOptions o;
  o.target_file_bytes = static_cast<uint64_t>(one * 2 + one / 2);
  o.small_file_ratio = 1.0;
  auto r = Compact(*wh_, *db_, "t.u", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_before, 6);
  EXPECT_EQ(r->files_after, 3);
  ASSERT_EQ(r->partitions.size(), 1u);
  EXPECT_EQ(r->partitions[0].partition, "");
  EXPECT_EQ(One("SELECT count(*) || '/' || sum(id) || '/' || count(DISTINCT v) FROM t.u"), "6000/17997000/6000");
}

TEST_F(TableRewriteTest, AnAppendDuringCompactionIsKept) {
  for (int i = 0; i < 4; ++i) Append(Raw(fmt::format(" WHERE hash(request_id) % 4 = {}", i)));
  auto other = OpenDb();
  bool raced = false;
  CompactOptions o;
  o.on_commit_attempt = [&](int attempt) {
    // Another writer commits between this attempt's load and its swap: the swap fails and the
    // committer retries on top of the append.
    if (attempt == 1) raced = Append(Raw(" WHERE http_status = 200"), "logs.access", other.get()) != 0;
  };
  auto r = Compact(*wh_, *db_, "logs.access", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(raced);
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(LiveFiles().size(), 6u);  // three compacted + the append's three
  EXPECT_EQ(One(Print("logs.access")),
            One(Print("(" + Raw() + " UNION ALL " + Raw(" WHERE http_status = 200") + ")")));
  EXPECT_EQ(Meta().CurrentSnapshot()->operation(), "replace");
  EXPECT_EQ(Unreachable(), 0u);
}

TEST_F(TableRewriteTest, AColumnAddedDuringCompactionIsKept) {
  for (int i = 0; i < 3; ++i) Append(Raw(fmt::format(" WHERE hash(request_id) % 3 = {}", i)));
  auto other = OpenDb();
  CompactOptions o;
  o.on_commit_attempt = [&](int attempt) {
    // An append that adds a column: the compacted files (without it) still fit the schema.
    if (attempt == 1) Append(Raw(" WHERE http_status = 200").replace(0, 8, "SELECT 42::BIGINT AS extra, *"), "logs.access", other.get());
  };
  auto r = Compact(*wh_, *db_, "logs.access", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(One("SELECT count(*) || '/' || count(extra) || '/' || sum(extra) FROM logs.access"),
            One(fmt::format("SELECT (SELECT count(*) FROM ({0})) + n || '/' || n || '/' || 42 * n FROM "
                            "(SELECT count(*) AS n FROM ({1}))",
                            Raw(), Raw(" WHERE http_status = 200"))));
  EXPECT_EQ(Meta().CurrentSnapshot()->operation(), "replace");
  EXPECT_EQ(One(Print("logs.access")), One(Print("(" + Raw() + " UNION ALL " + Raw(" WHERE http_status = 200") + ")")));
}

TEST_F(TableRewriteTest, ConcurrentAppendsAndCompactionLoseNoRow) {
  for (int i = 0; i < 6; ++i) Append(Raw(fmt::format(" WHERE hash(request_id) % 6 = {}", i)));
  std::atomic<bool> done{false};
  std::atomic<int> appended{0};
  std::thread writer([&] {
    auto db = OpenDb();
    while (!done.load() || appended.load() == 0) {
      if (Append(Raw(" WHERE http_status = 200"), "logs.access", db.get()) != 0) ++appended;
    }
  });
  auto r = Compact(*wh_, *db_, "logs.access");
  done = true;
  writer.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(One("SELECT count(*) FROM logs.access"),
            One(fmt::format("SELECT (SELECT count(*) FROM ({})) + {} * (SELECT count(*) FROM ({}))", Raw(),
                            appended.load(), Raw(" WHERE http_status = 200"))));
  // Every original row exactly once.
  EXPECT_EQ(One("SELECT count(*) FROM (SELECT request_id FROM logs.access WHERE http_status <> 200 GROUP BY ALL "
                "HAVING count(*) > 1)"),
            "0");
}

TEST_F(TableRewriteTest, ACompactionWhoseInputADeleteRewroteFails) {
  for (int i = 0; i < 3; ++i) Append(Raw(fmt::format(" WHERE hash(request_id) % 3 = {}", i)));
  auto other = OpenDb();
  CompactOptions o;
  o.on_commit_attempt = [&](int attempt) {
    if (attempt != 1) return;
    auto d = DeleteWhere(*wh_, *other, "logs.access", "http_status = 404");
    EXPECT_TRUE(d.ok() && d->snapshot_id != 0) << d.status().ToString();
  };
  auto r = Compact(*wh_, *db_, "logs.access", o);
  EXPECT_EQ(r.status().code(), StatusCode::kPreconditionFailed) << r.status().ToString();
  EXPECT_EQ(Meta().CurrentSnapshot()->operation(), "overwrite");  // the delete's
  EXPECT_EQ(One(Print("logs.access")), One(Print("(" + Raw(" WHERE (http_status = 404) IS NOT TRUE") + ")")));
  EXPECT_EQ(Unreachable(), 0u);
  // Run again: it compacts what the delete left.
  auto again = Compact(*wh_, *db_, "logs.access");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(One(Print("logs.access")), One(Print("(" + Raw(" WHERE (http_status = 404) IS NOT TRUE") + ")")));
}

TEST_F(TableRewriteTest, ADeleteRacingAnAppendOfMatchingRowsFails) {
  Append(Raw(" WHERE http_status <> 404"));
  auto other = OpenDb();
  // A concurrent append of rows the filter does not match: the delete lands on top of it.
  RewriteOptions o;
  o.on_commit_attempt = [&](int attempt) {
    if (attempt == 1) Append(Raw(" WHERE http_status = 404"), "logs.access", other.get());
  };
  auto ok = DeleteWhere(*wh_, *db_, "logs.access", "http_status = 200", o);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->attempts, 2);
  EXPECT_EQ(One(Print("logs.access")), One(Print("(" + Raw(" WHERE http_status <> 200") + ")")));
  // One that adds rows it matches: refused, nothing committed, its files deleted.
  const size_t snaps = Meta().snapshots.size();
  o.on_commit_attempt = [&](int attempt) {
    if (attempt == 1) Append(Raw(" WHERE http_status = 404"), "logs.access", other.get());
  };
  auto conflict = DeleteWhere(*wh_, *db_, "logs.access", "http_status = 404", o);
  EXPECT_EQ(conflict.status().code(), StatusCode::kPreconditionFailed) << conflict.status().ToString();
  EXPECT_EQ(Meta().snapshots.size(), snaps + 1);  // the racing append only
  EXPECT_EQ(Unreachable(), 0u);
}

}  // namespace
}  // namespace silt::table
