// Writes real tables with the LocalStore and reads every file back with silt's readers,
// checking the structure field by field against the spec (ICEBERG.md §2, §5, §7, §8).
#include "silt/iceberg/table_ops.h"

#include <stdlib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "silt/common/civil_time.h"
#include "silt/store/local_store.h"

namespace silt::iceberg {
namespace {

using Json = nlohmann::json;

class TableOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/silt-iceberg-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    store_ = std::make_unique<store::LocalStore>(root_);
    io_ = std::make_unique<TableIO>(*store_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  TableMetadata Create() {
    CreateTableOptions options;
    options.location = io_->UriOf("db/events");
    options.schema.fields = {{1, "id", true, Type::Long(), ""},
                             {2, "event", false, Type::String(), ""},
                             {3, "ts", false, Type::TimestampTz(), ""}};
    options.partition_by = {{"ts", Transform::Day(), ""}, {"event", Transform::Identity(), ""}};
    auto m = NewTableMetadata(options);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return *m;
  }

  DataFile File(const std::string& name, int day, const std::string& event, int64_t rows) {
    DataFile f;
    f.file_path = io_->UriOf("db/events/data/" + name + ".parquet");
    f.partition = {Literal::Date(day), Literal::String(event)};
    f.record_count = rows;
    f.file_size_in_bytes = rows * 10;
    f.value_counts = {{1, rows}};
    f.lower_bounds = {{1, *ToBytes(Literal::Long(0))}};
    f.upper_bounds = {{1, *ToBytes(Literal::Long(rows - 1))}};
    return f;
  }

  // Writes `next` as the metadata file after `location` (empty for the first) and returns
  // the new location.
  std::string Write(TableMetadata* next, const TableMetadata* base, const std::string& location) {
    auto uri = WriteMetadataFile(*io_, next, base, location);
    EXPECT_TRUE(uri.ok()) << uri.status().ToString();
    return uri.ok() ? *uri : "";
  }

  std::vector<std::string> Paths(const std::vector<PlannedFile>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.file.file_path);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<std::string> Keys(const std::string& prefix) {
    std::vector<std::string> keys;
    EXPECT_TRUE(store::ListAll(*store_, prefix, [&](const store::ObjectVersion& v) {
                  keys.push_back(v.key);
                  return Status::OK();
                }).ok());
    return keys;
  }

  std::string root_;
  std::unique_ptr<store::LocalStore> store_;
  std::unique_ptr<TableIO> io_;
};

TEST_F(TableOpsTest, TableIOMapsUris) {
  EXPECT_EQ(io_->root_uri(), "file://" + root_);
  EXPECT_EQ(io_->UriOf("a/b"), "file://" + root_ + "/a/b");
  EXPECT_EQ(*io_->KeyOf("file://" + root_ + "/a/b"), "a/b");
  EXPECT_EQ(*io_->KeyOf("file:" + root_ + "/a/b"), "a/b");  // Java's spelling
  EXPECT_EQ(io_->KeyOf("file:///elsewhere/a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(io_->KeyOf("file://" + root_ + "x/a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(io_->KeyOf("s3://b/a").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(io_->WriteNew(io_->UriOf("k"), "1").ok());
  EXPECT_EQ(io_->WriteNew(io_->UriOf("k"), "2").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*io_->Read(io_->UriOf("k")), "1");
}

TEST_F(TableOpsTest, AppendOverwriteDeleteAndTheFilesOnDisk) {
  const TableMetadata m0 = Create();
  TableMetadata created = m0;
  const std::string loc0 = Write(&created, nullptr, "");
  EXPECT_EQ(loc0.substr(loc0.rfind('/') + 1, 6), "00000-");
  EXPECT_EQ(MetadataFileVersion(loc0), 0);

  // Snapshot 1: append two files.
  auto c1 = AppendFiles(*io_, created,
                        {File("a", 17486, "click", 100), File("b", 17487, "view", 50)},
                        {{"silt.consumed", "lot-1"}});
  ASSERT_TRUE(c1.ok()) << c1.status().ToString();
  EXPECT_EQ(c1->written.size(), 2u);  // one manifest + the manifest list
  TableMetadata m1 = c1->metadata;
  const std::string loc1 = Write(&m1, &created, loc0);
  EXPECT_EQ(MetadataFileVersion(loc1), 1);

  const Snapshot* s1 = m1.CurrentSnapshot();
  ASSERT_NE(s1, nullptr);
  EXPECT_GT(s1->snapshot_id, 0);
  EXPECT_FALSE(s1->parent_snapshot_id);
  EXPECT_EQ(s1->sequence_number, 1);
  EXPECT_EQ(m1.last_sequence_number, 1);
  EXPECT_EQ(s1->operation(), "append");
  EXPECT_EQ(s1->summary.at("added-data-files"), "2");
  EXPECT_EQ(s1->summary.at("added-records"), "150");
  EXPECT_EQ(s1->summary.at("added-files-size"), "1500");
  EXPECT_EQ(s1->summary.at("changed-partition-count"), "2");
  EXPECT_EQ(s1->summary.at("total-records"), "150");
  EXPECT_EQ(s1->summary.at("total-data-files"), "2");
  EXPECT_EQ(s1->summary.at("total-delete-files"), "0");
  EXPECT_EQ(s1->summary.at("silt.consumed"), "lot-1");
  EXPECT_EQ(m1.refs.at("main").snapshot_id, s1->snapshot_id);
  EXPECT_EQ(m1.metadata_log.size(), 1u);
  EXPECT_EQ(m1.metadata_log[0].metadata_file, loc0);

  // The metadata file on disk, field by field.
  const Json j = Json::parse(*io_->Read(loc1));
  EXPECT_EQ(j["format-version"], 2);
  EXPECT_EQ(j["current-snapshot-id"].get<int64_t>(), s1->snapshot_id);
  EXPECT_EQ(j["refs"]["main"]["type"], "branch");
  EXPECT_EQ(j["snapshots"][0]["manifest-list"], s1->manifest_list);
  EXPECT_EQ(j["snapshots"][0]["schema-id"], 0);
  EXPECT_EQ(j["snapshot-log"].size(), 1u);
  EXPECT_EQ(j["metadata-log"][0]["metadata-file"], loc0);
  EXPECT_TRUE(s1->manifest_list.starts_with(m1.location + "/metadata/snap-" +
                                            std::to_string(s1->snapshot_id) + "-"));

  // The manifest list on disk.
  auto list_bytes = io_->Read(s1->manifest_list);
  ASSERT_TRUE(list_bytes.ok());
  auto list_file = avro::ReadContainer(*list_bytes);
  ASSERT_TRUE(list_file.ok());
  EXPECT_EQ(list_file->metadata.at("avro.codec"), "deflate");
  EXPECT_EQ(list_file->metadata.at("snapshot-id"), std::to_string(s1->snapshot_id));
  EXPECT_EQ(list_file->metadata.at("parent-snapshot-id"), "null");
  EXPECT_EQ(list_file->metadata.at("sequence-number"), "1");
  auto list = ReadManifestList(*list_bytes);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const ManifestFile& mf = (*list)[0];
  EXPECT_EQ(mf.sequence_number, 1);
  EXPECT_EQ(mf.min_sequence_number, 1);
  EXPECT_EQ(mf.added_snapshot_id, s1->snapshot_id);
  EXPECT_EQ(mf.added_files_count, 2);
  EXPECT_EQ(mf.added_rows_count, 150);
  EXPECT_EQ(mf.content, ManifestContent::kData);
  EXPECT_EQ(mf.manifest_length, static_cast<int64_t>(io_->Read(mf.manifest_path)->size()));
  ASSERT_EQ(mf.partitions.size(), 2u);
  EXPECT_EQ(mf.partitions[0].lower_bound, *ToBytes(Literal::Date(17486)));  // 4-byte LE days
  EXPECT_EQ(mf.partitions[0].upper_bound, *ToBytes(Literal::Date(17487)));
  EXPECT_EQ(mf.partitions[1].lower_bound, "click");
  EXPECT_FALSE(mf.partitions[0].contains_null);

  // The manifest on disk: added entries carry the snapshot id and null sequence numbers.
  auto manifest_bytes = io_->Read(mf.manifest_path);
  ASSERT_TRUE(manifest_bytes.ok());
  auto raw = ReadManifest(*manifest_bytes);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->entries.size(), 2u);
  EXPECT_EQ(raw->entries[0].status, EntryStatus::kAdded);
  EXPECT_EQ(raw->entries[0].snapshot_id, s1->snapshot_id);
  EXPECT_FALSE(raw->entries[0].sequence_number);
  EXPECT_EQ(raw->entries[0].data_file.partition[0], Literal::Date(17486));
  EXPECT_EQ(raw->metadata.at("content"), "data");
  EXPECT_EQ(Json::parse(raw->metadata.at("partition-spec"))[1]["name"], "event");

  // Snapshot 2: overwrite (remove a, add c).
  SnapshotUpdate overwrite;
  overwrite.remove = {io_->UriOf("db/events/data/a.parquet")};
  overwrite.add = {File("c", 17486, "click", 70)};
  auto c2 = CommitSnapshot(*io_, m1, overwrite);
  ASSERT_TRUE(c2.ok()) << c2.status().ToString();
  TableMetadata m2 = c2->metadata;
  const std::string loc2 = Write(&m2, &m1, loc1);
  const Snapshot* s2 = m2.CurrentSnapshot();
  EXPECT_EQ(s2->operation(), "overwrite");
  EXPECT_EQ(s2->parent_snapshot_id, s1->snapshot_id);
  EXPECT_EQ(s2->sequence_number, 2);
  EXPECT_EQ(s2->summary.at("deleted-data-files"), "1");
  EXPECT_EQ(s2->summary.at("deleted-records"), "100");
  EXPECT_EQ(s2->summary.at("removed-files-size"), "1000");
  EXPECT_EQ(s2->summary.at("added-records"), "70");
  EXPECT_EQ(s2->summary.at("total-records"), "120");
  EXPECT_EQ(s2->summary.at("total-data-files"), "2");
  EXPECT_EQ(s2->summary.at("changed-partition-count"), "1");  // day 17486/click twice

  auto list2 = ReadManifestList(*io_->Read(s2->manifest_list));
  ASSERT_TRUE(list2.ok());
  ASSERT_EQ(list2->size(), 2u);  // the new manifest and the rewritten one
  const ManifestFile& rewritten = (*list2)[1];
  EXPECT_EQ(rewritten.added_snapshot_id, s2->snapshot_id);
  EXPECT_EQ(rewritten.existing_files_count, 1);
  EXPECT_EQ(rewritten.deleted_files_count, 1);
  EXPECT_EQ(rewritten.deleted_rows_count, 100);
  EXPECT_EQ(rewritten.min_sequence_number, 1);  // b still has data sequence number 1
  auto rw = ReadManifest(*io_->Read(rewritten.manifest_path));
  ASSERT_TRUE(rw.ok());
  for (const auto& e : rw->entries) {
    // Existing and deleted entries carry explicit values.
    EXPECT_TRUE(e.snapshot_id && e.sequence_number && e.file_sequence_number);
    EXPECT_EQ(*e.sequence_number, 1);
    if (e.status == EntryStatus::kDeleted) {
      EXPECT_EQ(e.data_file.file_path, io_->UriOf("db/events/data/a.parquet"));
      EXPECT_EQ(*e.snapshot_id, s2->snapshot_id);
    } else {
      EXPECT_EQ(e.status, EntryStatus::kExisting);
      EXPECT_EQ(*e.snapshot_id, s1->snapshot_id);
    }
  }

  auto plan = PlanFiles(*io_, m2);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->snapshot_id, s2->snapshot_id);
  EXPECT_EQ(Paths(plan->data_files), (std::vector<std::string>{io_->UriOf("db/events/data/b.parquet"),
                                                               io_->UriOf("db/events/data/c.parquet")}));
  for (const auto& pf : plan->data_files) {
    const bool is_c = pf.file.file_path.ends_with("c.parquet");
    EXPECT_EQ(pf.data_sequence_number, is_c ? 2 : 1);
    EXPECT_EQ(pf.added_snapshot_id, is_c ? s2->snapshot_id : s1->snapshot_id);
    EXPECT_EQ(pf.file.upper_bounds.at(1), *ToBytes(Literal::Long(pf.file.record_count - 1)));
  }
  // The old snapshot still plans its own files.
  PlanOptions old;
  old.snapshot_id = s1->snapshot_id;
  EXPECT_EQ(Paths(PlanFiles(*io_, m2, old)->data_files),
            (std::vector<std::string>{io_->UriOf("db/events/data/a.parquet"),
                                      io_->UriOf("db/events/data/b.parquet")}));
  // Pruning hooks.
  PlanOptions pruned;
  pruned.file_filter = [](const PlannedFile& pf) {
    return pf.file.partition[1] == Literal::String("view");
  };
  EXPECT_EQ(PlanFiles(*io_, m2, pruned)->data_files.size(), 1u);
  PlanOptions no_manifests;
  no_manifests.manifest_filter = [](const ManifestFile&) { return false; };
  EXPECT_TRUE(PlanFiles(*io_, m2, no_manifests)->data_files.empty());
  old.snapshot_id = 12345;
  EXPECT_EQ(PlanFiles(*io_, m2, old).status().code(), StatusCode::kNotFound);

  // Snapshot 3: delete b only.
  SnapshotUpdate del;
  del.remove = {io_->UriOf("db/events/data/b.parquet")};
  auto c3 = CommitSnapshot(*io_, m2, del);
  ASSERT_TRUE(c3.ok()) << c3.status().ToString();
  TableMetadata m3 = c3->metadata;
  Write(&m3, &m2, loc2);
  EXPECT_EQ(m3.CurrentSnapshot()->operation(), "delete");
  EXPECT_EQ(m3.CurrentSnapshot()->summary.at("total-records"), "70");
  EXPECT_EQ(Paths(PlanFiles(*io_, m3)->data_files),
            (std::vector<std::string>{io_->UriOf("db/events/data/c.parquet")}));
  EXPECT_EQ(m3.snapshot_log.size(), 3u);
  EXPECT_EQ(m3.metadata_log.size(), 3u);

  // Removing something that is not live is NotFound, and nothing is left behind.
  const size_t before = Keys("db/events/metadata").size();
  auto missing = CommitSnapshot(*io_, m3, del);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("b.parquet"), std::string::npos);
  EXPECT_EQ(Keys("db/events/metadata").size(), before);
}

TEST_F(TableOpsTest, DeleteFilesGoToADeleteManifest) {
  TableMetadata m = Create();
  auto c1 = AppendFiles(*io_, m, {File("a", 1, "x", 10)});
  ASSERT_TRUE(c1.ok());
  DataFile eq = File("eq", 1, "x", 3);
  eq.content = FileContent::kEqualityDeletes;
  eq.equality_ids = {1};
  SnapshotUpdate upsert;
  upsert.add = {eq, File("new", 1, "x", 3)};
  auto c2 = CommitSnapshot(*io_, c1->metadata, upsert);
  ASSERT_TRUE(c2.ok()) << c2.status().ToString();
  const Snapshot* s = c2->metadata.CurrentSnapshot();
  EXPECT_EQ(s->operation(), "overwrite");
  EXPECT_EQ(s->summary.at("added-delete-files"), "1");
  EXPECT_EQ(s->summary.at("added-equality-deletes"), "3");
  EXPECT_EQ(s->summary.at("total-equality-deletes"), "3");
  EXPECT_EQ(s->summary.at("total-records"), "13");
  auto list = ReadManifestList(*io_->Read(s->manifest_list));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].content, ManifestContent::kData);
  EXPECT_EQ((*list)[1].content, ManifestContent::kDeletes);
  auto dm = ReadManifest(*io_->Read((*list)[1].manifest_path));
  ASSERT_TRUE(dm.ok());
  EXPECT_EQ(dm->metadata.at("content"), "deletes");
  EXPECT_EQ(dm->entries[0].data_file.equality_ids, std::vector<int>{1});
  auto plan = PlanFiles(*io_, c2->metadata);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->data_files.size(), 2u);
  ASSERT_EQ(plan->delete_files.size(), 1u);
  EXPECT_EQ(plan->delete_files[0].data_sequence_number, 2);

  SnapshotUpdate only_deletes;
  DataFile pos = File("pos", 1, "x", 1);
  pos.content = FileContent::kPositionDeletes;
  only_deletes.add = {pos};
  auto c3 = CommitSnapshot(*io_, c2->metadata, only_deletes);
  ASSERT_TRUE(c3.ok());
  EXPECT_EQ(c3->metadata.CurrentSnapshot()->operation(), "delete");

  SnapshotUpdate compaction;
  compaction.remove = {io_->UriOf("db/events/data/a.parquet"), io_->UriOf("db/events/data/new.parquet")};
  compaction.add = {File("ab", 1, "x", 13)};
  compaction.replace = true;
  auto c4 = CommitSnapshot(*io_, c3->metadata, compaction);
  ASSERT_TRUE(c4.ok()) << c4.status().ToString();
  EXPECT_EQ(c4->metadata.CurrentSnapshot()->operation(), "replace");
}

TEST_F(TableOpsTest, RefusesBadUpdates) {
  TableMetadata m = Create();
  EXPECT_EQ(CommitSnapshot(*io_, m, SnapshotUpdate{}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AppendFiles(*io_, m, {File("a", 1, "x", 1), File("a", 1, "x", 1)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AppendFiles(*io_, m, {File("a", 1, "x", 1)}, {{"total-records", "1"}}).status().code(),
            StatusCode::kInvalidArgument);
  DataFile bad = File("a", 1, "x", 1);
  bad.partition.pop_back();
  EXPECT_EQ(AppendFiles(*io_, m, {bad}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Keys("db").empty());  // nothing written on any of these paths
}

TEST_F(TableOpsTest, TotalsAreCountedWhenTheParentHasNone) {
  TableMetadata m = Create();
  auto c1 = AppendFiles(*io_, m, {File("a", 1, "x", 10)});
  ASSERT_TRUE(c1.ok());
  TableMetadata stripped = c1->metadata;
  for (auto& s : stripped.snapshots) {
    std::erase_if(s.summary, [](const auto& kv) { return kv.first.starts_with("total-"); });
  }
  auto c2 = AppendFiles(*io_, stripped, {File("b", 1, "x", 5)});
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->metadata.CurrentSnapshot()->summary.at("total-records"), "15");
  EXPECT_EQ(c2->metadata.CurrentSnapshot()->summary.at("total-data-files"), "2");
}

TEST_F(TableOpsTest, ExpireSnapshotsAndReachableFiles) {
  TableMetadata m = Create();
  std::string loc = Write(&m, nullptr, "");
  // s1: add a (t=1000); s2: replace a by b (t=2000); s3: add c (t=3000).
  SnapshotUpdate u1;
  u1.add = {File("a", 1, "x", 1)};
  u1.now_ms = 1000;
  auto c1 = CommitSnapshot(*io_, m, u1);
  ASSERT_TRUE(c1.ok());
  SnapshotUpdate u2;
  u2.add = {File("b", 1, "x", 1)};
  u2.remove = {io_->UriOf("db/events/data/a.parquet")};
  u2.now_ms = 2000;
  auto c2 = CommitSnapshot(*io_, c1->metadata, u2);
  ASSERT_TRUE(c2.ok());
  SnapshotUpdate u3;
  u3.add = {File("c", 1, "x", 1)};
  u3.now_ms = 3000;
  auto c3 = CommitSnapshot(*io_, c2->metadata, u3);
  ASSERT_TRUE(c3.ok());
  const TableMetadata m3 = c3->metadata;
  ASSERT_EQ(m3.snapshots.size(), 3u);

  auto reach = ListReachableFiles(*io_, m3);
  ASSERT_TRUE(reach.ok());
  EXPECT_EQ(reach->manifest_lists.size(), 3u);
  EXPECT_EQ(reach->data_files.size(), 3u);  // a (in s1), b, c
  // Every object under metadata/ except the metadata JSON is reachable.
  for (const auto& key : Keys("db/events/metadata")) {
    const std::string uri = io_->UriOf(key);
    if (key.ends_with(".metadata.json")) continue;
    EXPECT_TRUE(reach->manifest_lists.contains(uri) || reach->manifests.contains(uri)) << key;
  }

  // Nothing older than 500: nothing expires.
  ExpireOptions none;
  none.older_than_ms = 500;
  auto e0 = ExpireSnapshots(*io_, m3, none);
  ASSERT_TRUE(e0.ok());
  EXPECT_TRUE(e0->expired_snapshot_ids.empty());

  // Older than 2500, keep 1: s1 and s2 expire? s2 is kept only if retain_last >= 2.
  ExpireOptions opts;
  opts.older_than_ms = 2500;
  opts.retain_last = 1;
  auto e = ExpireSnapshots(*io_, m3, opts);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->expired_snapshot_ids.size(), 2u);
  EXPECT_EQ(e->commit.metadata.snapshots.size(), 1u);
  EXPECT_EQ(e->commit.metadata.snapshot_log.size(), 1u);
  EXPECT_EQ(e->unreachable_manifest_lists.size(), 2u);
  // a is gone; b is live in s3 (through s2's rewritten manifest, which s3 carries over).
  EXPECT_EQ(e->unreachable_data_files,
            (std::vector<std::string>{io_->UriOf("db/events/data/a.parquet")}));
  // s1's manifest (a ADDED) is no longer used; s2's manifests are carried into s3.
  EXPECT_EQ(e->unreachable_manifests.size(), 1u);
  EXPECT_TRUE(e->commit.metadata.Validate().ok());
  EXPECT_EQ(Paths(PlanFiles(*io_, e->commit.metadata)->data_files).size(), 2u);

  ExpireOptions keep2 = opts;
  keep2.retain_last = 2;
  auto e2 = ExpireSnapshots(*io_, m3, keep2);
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(e2->expired_snapshot_ids, (std::vector<int64_t>{m3.snapshots[0].snapshot_id}));
  // a is still referenced (as DELETED) by s2's manifest, but no retained snapshot reads it.
  EXPECT_EQ(e2->unreachable_data_files,
            (std::vector<std::string>{io_->UriOf("db/events/data/a.parquet")}));

  ExpireOptions bad;
  bad.retain_last = 0;
  EXPECT_EQ(ExpireSnapshots(*io_, m3, bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TableOpsTest, MetadataLogIsTrimmed) {
  TableMetadata m = Create();
  m.properties[std::string(kPreviousVersionsMax)] = "2";
  TableMetadata cur = m;
  std::string loc = Write(&cur, nullptr, "");
  for (int i = 0; i < 4; ++i) {
    auto c = AppendFiles(*io_, cur, {File("f" + std::to_string(i), 1, "x", 1)});
    ASSERT_TRUE(c.ok());
    TableMetadata next = c->metadata;
    loc = Write(&next, &cur, loc);
    cur = next;
  }
  EXPECT_EQ(MetadataFileVersion(loc), 4);
  ASSERT_EQ(cur.metadata_log.size(), 2u);
  EXPECT_EQ(MetadataFileVersion(cur.metadata_log[1].metadata_file), 3);
  auto read = ReadMetadataFile(*io_, loc);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(MetadataToJson(*read), MetadataToJson(cur));
}

}  // namespace
}  // namespace silt::iceberg
