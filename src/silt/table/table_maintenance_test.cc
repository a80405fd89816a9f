// Snapshot expiry and orphan-file removal: files go only after the commit, retained snapshots
// answer as before, convert --table bookmarks survive expiry, orphans respect the age guard.
#include "silt/table/table_maintenance.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/catalog/committer.h"
#include "silt/gen/s3_access_gen.h"
#include "silt/iceberg/table_ops.h"
#include "silt/table/convert_table.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/table_sql.h"
#include "silt/table/table_test_util.h"

namespace silt::table {
namespace {

namespace fs = std::filesystem;

iceberg::PlanOptions At(int64_t snapshot_id) {
  iceberg::PlanOptions o;
  o.snapshot_id = snapshot_id;
  return o;
}

class TableMaintenanceTest : public testing::WarehouseTest {
 protected:
  TableMaintenanceTest() : WarehouseTest("maint") {}
  void TearDown() override {
    ::unsetenv("SILT_TEST_PAUSE_BEFORE_COMMIT_MS");
    WarehouseTest::TearDown();
  }

  void Create(const std::string& table, const std::string& columns = "id BIGINT, v VARCHAR") {
    CreateTableRequest create;
    create.identifier = table;
    create.schema = *SchemaFromColumns(*ParseColumnList(columns));
    auto r = CreateIcebergTable(*wh_, create);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // Appends ids [from, to) as one snapshot.
  int64_t Append(const std::string& table, int from, int to) {
    AppendRequest a;
    a.identifier = table;
    a.select_sql = fmt::format("SELECT range AS id, 'v' || range AS v FROM range({}, {})", from, to);
    auto r = AppendQuery(*wh_, *db_, a);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->snapshot_id : 0;
  }
  catalog::CommitResult Load(const std::string& table) {
    auto t = LoadIcebergTable(*wh_, table);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : catalog::CommitResult{};
  }
  // A "delete" snapshot removing every data file added by snapshot `added_by`.
  void RemoveFilesOf(const std::string& table, int64_t added_by) {
    auto r = catalog::CommitWithRetry(
        wh_->catalog(), wh_->io(), table, [&](const iceberg::TableMetadata& base) -> Result<iceberg::PendingCommit> {
          SILT_ASSIGN_OR_RETURN(iceberg::FilePlan plan, iceberg::PlanFiles(wh_->io(), base));
          iceberg::SnapshotUpdate u;
          for (const auto& f : plan.data_files) {
            if (f.added_snapshot_id == added_by) u.remove.push_back(f.file.file_path);
          }
          return iceberg::CommitSnapshot(wh_->io(), base, u);
        });
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // One value of a query over catalog tables, optionally at a snapshot.
  std::string One(const std::string& sql, std::optional<int64_t> snapshot = std::nullopt) {
    BindOptions o;
    o.snapshot_id = snapshot;
    auto text = BindCatalogTables(*db_, *wh_, sql, o);
    EXPECT_TRUE(text.ok()) << sql << ": " << text.status().ToString();
    if (!text.ok()) return "";
    auto r = db_->Query(*text);
    EXPECT_TRUE(r.ok()) << *text << ": " << r.status().ToString();
    return r.ok() && r->row_count() > 0 ? r->Text(0, 0) : "";
  }
  bool Exists(const std::string& uri) {
    auto key = wh_->io().KeyOf(uri);
    EXPECT_TRUE(key.ok()) << uri;
    return key.ok() && wh_->store().Head(*key).ok();
  }
  // Every key under the table's folder.
  std::set<std::string> Keys(const std::string& location) {
    std::set<std::string> out;
    auto prefix = wh_->io().KeyOf(location);
    EXPECT_TRUE(prefix.ok());
    EXPECT_TRUE(wh_->store().ForEach(*prefix + "/", [&](const store::ObjectVersion& v) {
      out.insert(v.key);
      return Status::OK();
    }).ok());
    return out;
  }
  // Every key the current metadata reaches (+ the current metadata file).
  std::set<std::string> ReachableKeys(const std::string& table) {
    auto t = Load(table);
    auto r = iceberg::ListReachableFiles(wh_->io(), t.metadata);
    EXPECT_TRUE(r.ok());
    std::set<std::string> out;
    for (const auto* set : {&r->metadata_files, &r->manifest_lists, &r->manifests, &r->data_files}) {
      for (const auto& u : *set) out.insert(*wh_->io().KeyOf(u));
    }
    out.insert(*wh_->io().KeyOf(t.metadata_location));
    return out;
  }
  void GenerateLogs(const std::string& prefix, uint64_t seed) {
    auto st = store::OpenStore(*ParseUri((dir_ / "raw").string()), true);
    ASSERT_TRUE(st.ok());
    gen::S3AccessGenOptions o;
    o.total_bytes = 256 << 10;
    o.objects = 2;
    o.days = 2;
    o.seed = seed;
    o.prefix = prefix;
    ASSERT_TRUE(gen::GenerateS3Access(o, **st).ok());
  }
  Result<TableConvertSummary> Convert(const std::string& table) {
    ConvertOptions o;
    o.inputs = {(dir_ / "raw").string()};
    o.format = "s3_access";
    o.threads = 2;
    return ConvertToTable(o, table, *wh_);
  }

};

TEST_F(TableMaintenanceTest, ExpireKeepsRetainedAnswersAndDeletesOnlyWhatExpiredUsed) {
  Create("ns.t");
  const int64_t s1 = Append("ns.t", 0, 100);
  const int64_t s2 = Append("ns.t", 100, 150);
  RemoveFilesOf("ns.t", s1);  // s3: a delete, s1's files now only reachable from s1 and s2
  const int64_t s4 = Append("ns.t", 1000, 1010);
  const auto before = Load("ns.t");
  ASSERT_EQ(before.metadata.snapshots.size(), 4u);
  const int64_t s3 = *before.metadata.SnapshotById(s4)->parent_snapshot_id;
  EXPECT_EQ(One("SELECT count(*) FROM ns.t"), "60");
  EXPECT_EQ(One("SELECT count(*) FROM ns.t", s3), "50");
  auto s1_files = iceberg::PlanFiles(wh_->io(), before.metadata, At(s1));
  ASSERT_TRUE(s1_files.ok());
  ASSERT_FALSE(s1_files->data_files.empty());

  // Nothing is old enough: nothing changes.
  auto none = ExpireSnapshots(*wh_, "ns.t", {});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->expired_snapshot_ids.empty());
  EXPECT_EQ(none->metadata_location, before.metadata_location);
  EXPECT_EQ(ExpireSnapshots(*wh_, "ns.t", {.older_than_ms = 0, .retain_last = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ExpireSnapshots(*wh_, "ns.nope", {}).status().code(), StatusCode::kNotFound);

  // Expire everything but the newest two (s3, s4).
  auto r = ExpireSnapshots(*wh_, "ns.t", {.older_than_ms = 0, .retain_last = 2});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::set<int64_t>(r->expired_snapshot_ids.begin(), r->expired_snapshot_ids.end()),
            (std::set<int64_t>{s1, s2}));
  EXPECT_EQ(r->retained_snapshots, 2u);
  EXPECT_EQ(r->deleted_manifest_lists.size(), 2u);
  EXPECT_EQ(r->deleted_data_files.size(), s1_files->data_files.size());
  for (const auto& f : s1_files->data_files) EXPECT_FALSE(Exists(f.file.file_path)) << f.file.file_path;
  // The retained snapshots answer as before.
  EXPECT_EQ(One("SELECT count(*) FROM ns.t"), "60");
  EXPECT_EQ(One("SELECT count(*) FROM ns.t", s3), "50");
  EXPECT_EQ(One("SELECT sum(id) FROM ns.t", s4), "16270");  // 100..149 and 1000..1009
  // Everything left under the table is reachable (old metadata files are in the log).
  const auto after = Load("ns.t");
  const auto reachable = ReachableKeys("ns.t");
  for (const auto& k : Keys(after.metadata.location)) EXPECT_TRUE(reachable.contains(k)) << k;
}

TEST_F(TableMaintenanceTest, ExpireDeletesNothingBeforeTheCommitAndRetriesLostRaces) {
  Create("ns.t");
  const int64_t s1 = Append("ns.t", 0, 10);
  RemoveFilesOf("ns.t", s1);
  Append("ns.t", 10, 20);
  const auto before = Load("ns.t");
  auto s1_files = iceberg::PlanFiles(wh_->io(), before.metadata, At(s1));
  ASSERT_TRUE(s1_files.ok());
  const std::string s1_list = before.metadata.SnapshotById(s1)->manifest_list;
  const fs::path metadata_dir =
      fs::path(wh_->store().LocalPath(*wh_->io().KeyOf(before.metadata.location + "/metadata/x"))).parent_path();
  auto count_metadata = [&] {
    int n = 0;
    for (const auto& e : fs::directory_iterator(metadata_dir)) {
      if (e.path().string().ends_with(".metadata.json")) ++n;
    }
    return n;
  };
  const int files_before = count_metadata();

  // The expiry pauses between writing its metadata file and swapping the pointer; meanwhile
  // everything it will delete is still there and another writer commits first.
  ::setenv("SILT_TEST_PAUSE_BEFORE_COMMIT_MS", "2000", 1);
  Result<ExpireSummary> r = Status::Internal("not run");
  std::thread expire([&] { r = ExpireSnapshots(*wh_, "ns.t", {.older_than_ms = 0, .retain_last = 1}); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count_metadata() == files_before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GT(count_metadata(), files_before) << "the expiry never wrote its metadata file";
  EXPECT_EQ(Load("ns.t").metadata_location, before.metadata_location);
  EXPECT_TRUE(Exists(s1_list));
  for (const auto& f : s1_files->data_files) EXPECT_TRUE(Exists(f.file.file_path));
  // A competing append commits first (no pause for it or the expiry's next attempt, once the
  // expiry surely reads the variable and sleeps).
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::setenv("SILT_TEST_PAUSE_BEFORE_COMMIT_MS", "0", 1);
  const int64_t s4 = Append("ns.t", 20, 25);
  expire.join();
  ::unsetenv("SILT_TEST_PAUSE_BEFORE_COMMIT_MS");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->attempts, 2);  // lost the race to the append, rebuilt on top of it
  EXPECT_FALSE(Exists(s1_list));
  for (const auto& f : s1_files->data_files) EXPECT_FALSE(Exists(f.file.file_path));
  const auto after = Load("ns.t");
  EXPECT_EQ(after.metadata.current_snapshot_id, s4);
  EXPECT_EQ(One("SELECT count(*) FROM ns.t"), "15");
  // The lost attempt's metadata file was removed again; nothing unreachable is left.
  const auto reachable = ReachableKeys("ns.t");
  for (const auto& k : Keys(after.metadata.location)) EXPECT_TRUE(reachable.contains(k)) << k;
}

TEST_F(TableMaintenanceTest, BookmarksSurviveExpirySoConvertStillSkipsCommittedInputs) {
  GenerateLogs("a/", 1);
  auto c1 = Convert("logs.t");
  ASSERT_TRUE(c1.ok()) << c1.status().ToString();
  ASSERT_GT(c1->rows, 0u);
  AppendRequest other;  // a later snapshot without a source
  other.identifier = "logs.t";
  other.select_sql = "SELECT 'x' AS operation";
  ASSERT_TRUE(AppendQuery(*wh_, *db_, other).ok());
  const std::string rows1 = One("SELECT count(*) FROM logs.t");
  const auto before = Load("logs.t");
  const std::string bookmark1 = before.metadata.SnapshotById(c1->snapshot_id)->summary.at("silt.bookmark");
  const std::string source = before.metadata.SnapshotById(c1->snapshot_id)->summary.at("silt.source");

  auto e1 = ExpireSnapshots(*wh_, "logs.t", {.older_than_ms = 0, .retain_last = 1});
  ASSERT_TRUE(e1.ok()) << e1.status().ToString();
  EXPECT_EQ(e1->expired_snapshot_ids, std::vector<int64_t>{c1->snapshot_id});
  EXPECT_EQ(e1->carried_bookmarks, std::vector<std::string>{source});
  EXPECT_TRUE(e1->deleted_bookmarks.empty());
  EXPECT_EQ(Load("logs.t").metadata.properties.at(BookmarkProperty(source)), bookmark1);
  EXPECT_TRUE(Exists(bookmark1));

  // A re-run over the same inputs commits nothing.
  auto again = Convert("logs.t");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_committed);
  EXPECT_EQ(again->snapshot_id, *Load("logs.t").metadata.current_snapshot_id);  // c1's expired
  EXPECT_EQ(One("SELECT count(*) FROM logs.t"), rows1);

  // New objects: only they are converted; the new bookmark holds both runs.
  GenerateLogs("b/", 2);
  auto c2 = Convert("logs.t");
  ASSERT_TRUE(c2.ok()) << c2.status().ToString();
  EXPECT_FALSE(c2->already_committed);
  EXPECT_EQ(c2->objects, 2u);
  ASSERT_TRUE(AppendQuery(*wh_, *db_, other).ok());
  const std::string rows2 = One("SELECT count(*) FROM logs.t");
  const std::string bookmark2 = Load("logs.t").metadata.SnapshotById(c2->snapshot_id)->summary.at("silt.bookmark");

  // Expiring c2 while the property names c1's bookmark: both merge into a new file.
  auto e2 = ExpireSnapshots(*wh_, "logs.t", {.older_than_ms = 0, .retain_last = 1});
  ASSERT_TRUE(e2.ok()) << e2.status().ToString();
  const auto now = Load("logs.t");
  const std::string merged = now.metadata.properties.at(BookmarkProperty(source));
  EXPECT_NE(merged, bookmark1);
  EXPECT_NE(merged, bookmark2);
  EXPECT_EQ(std::set<std::string>(e2->deleted_bookmarks.begin(), e2->deleted_bookmarks.end()),
            (std::set<std::string>{bookmark1, bookmark2}));
  EXPECT_FALSE(Exists(bookmark1));
  EXPECT_FALSE(Exists(bookmark2));
  auto text = wh_->io().Read(merged);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(std::count(text->begin(), text->end(), '\n'), 4);  // 2 + 2 objects
  auto third = Convert("logs.t");
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE(third->already_committed);
  EXPECT_EQ(One("SELECT count(*) FROM logs.t"), rows2);
  // The property's bookmark is not an orphan.
  auto orphans = RemoveOrphanFiles(*wh_, "logs.t", {.older_than_ms = 0, .dry_run = true});
  ASSERT_TRUE(orphans.ok()) << orphans.status().ToString();
  for (const auto& o : orphans->orphans) EXPECT_EQ(o.uri.find("/silt/bookmarks/"), std::string::npos) << o.uri;
}

TEST_F(TableMaintenanceTest, OrphansRespectTheAgeGuardDryRunAndNestedTables) {
  Create("a.b");
  Create("a.b.c");  // lives in a/b/c, inside a.b's folder
  Append("a.b", 0, 10);
  Append("a.b.c", 0, 7);
  const auto t = Load("a.b");
  const std::string loc = t.metadata.location;
  const std::string key = *wh_->io().KeyOf(loc);
  ASSERT_TRUE(wh_->store().Put(key + "/data/junk.parquet", "junk").ok());
  ASSERT_TRUE(wh_->store().Put(key + "/metadata/00009-dead.metadata.json", "{}").ok());
  ASSERT_TRUE(wh_->store().Put(key + "/silt/rejects/123.jsonl", "{}\n").ok());
  ASSERT_TRUE(wh_->store().Put(key + "/silt/bookmarks/unnamed.tsv", "x\t1\te\n").ok());
  const fs::path table_dir = wh_->store().LocalPath(key);
  std::ofstream(table_dir / "data" / ".silt-tmp-0123456789abcdef") << "partial";
  const fs::path staging = fs::path(wh_->local_root()) / ".silt-staging" / "run1" / "out";
  fs::create_directories(staging);
  std::ofstream(staging / "x.parquet") << "partial";
  const std::set<std::string> reachable = ReachableKeys("a.b");

  // Everything unreachable is younger than a day: kept.
  auto young = RemoveOrphanFiles(*wh_, "a.b", {});
  ASSERT_TRUE(young.ok()) << young.status().ToString();
  EXPECT_TRUE(young->orphans.empty());
  EXPECT_EQ(young->too_young, 5u);  // junk, dead metadata, unnamed bookmark, temp file, staging
  EXPECT_EQ(young->reachable, reachable.size() + 1);  // + the rejects file

  // Two days later: listed by a dry run, deleted by a real one.
  const int64_t later = iceberg::NowMs() + 2 * 86'400'000LL;
  auto dry = RemoveOrphanFiles(*wh_, "a.b", {.dry_run = true, .now_ms = later});
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->orphans.size(), 5u);
  EXPECT_TRUE(dry->dry_run);
  EXPECT_TRUE(wh_->store().Head(key + "/data/junk.parquet").ok());
  EXPECT_TRUE(fs::exists(staging));
  auto real = RemoveOrphanFiles(*wh_, "a.b", {.now_ms = later});
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  EXPECT_EQ(real->orphans.size(), 5u);
  std::set<std::string> left = Keys(loc);
  std::set<std::string> expected = reachable;
  expected.insert(key + "/silt/rejects/123.jsonl");
  // a.b.c's files are not a.b's business: still there.
  for (auto it = left.begin(); it != left.end();) {
    it = it->starts_with(key + "/c/") ? left.erase(it) : std::next(it);
  }
  EXPECT_EQ(left, expected);
  EXPECT_FALSE(fs::exists(table_dir / "data" / ".silt-tmp-0123456789abcdef"));
  EXPECT_FALSE(fs::exists(fs::path(wh_->local_root()) / ".silt-staging"));
  EXPECT_EQ(One("SELECT count(*) FROM a.b"), "10");
  const auto c_keys = Keys(Load("a.b.c").metadata.location);
  for (const auto& k : ReachableKeys("a.b.c")) EXPECT_TRUE(c_keys.contains(k)) << k;
  EXPECT_EQ(RemoveOrphanFiles(*wh_, "a.b", {.older_than_ms = -1}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace silt::table
