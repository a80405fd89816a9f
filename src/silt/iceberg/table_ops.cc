#include "silt/iceberg/table_ops.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "silt/common/interrupt.h"
#include "silt/common/strings.h"
#include "silt/iceberg/ids.h"

namespace silt::iceberg {
namespace {

int64_t NowOr(int64_t now_ms) { return now_ms != 0 ? now_ms : NowMs(); }

// "file:/x" and "file://localhost/x" -> "file:///x"; "s3a://", "s3n://" -> "s3://".
std::string CanonicalUri(std::string_view uri) {
  std::string u(uri);
  if (u.starts_with("s3a://") || u.starts_with("s3n://")) return "s3://" + u.substr(6);
  if (u.starts_with("file://localhost/")) return "file:///" + u.substr(17);
  if (u.starts_with("file:/") && !u.starts_with("file://")) return "file:///" + u.substr(6);
  return u;
}

struct Totals {
  int64_t records = 0, files_size = 0, data_files = 0, delete_files = 0, position_deletes = 0,
          equality_deletes = 0;
};

void AddFile(const DataFile& f, int sign, Totals* t) {
  t->files_size += sign * f.file_size_in_bytes;
  switch (f.content) {
    case FileContent::kData:
      t->records += sign * f.record_count;
      t->data_files += sign;
      break;
    case FileContent::kPositionDeletes:
      t->delete_files += sign;
      t->position_deletes += sign * f.record_count;
      break;
    case FileContent::kEqualityDeletes:
      t->delete_files += sign;
      t->equality_deletes += sign * f.record_count;
      break;
  }
}

constexpr const char* kTotalKeys[] = {"total-records",       "total-files-size",
                                      "total-data-files",    "total-delete-files",
                                      "total-position-deletes", "total-equality-deletes"};

bool IsStandardSummaryKey(std::string_view k) {
  return k == "operation" || k == "changed-partition-count" || k.starts_with("added-") ||
         k.starts_with("deleted-") || k.starts_with("removed-") || k.starts_with("total-");
}

Result<std::vector<ManifestFile>> ReadSnapshotManifests(const TableIO& io, const Snapshot& s) {
  SILT_ASSIGN_OR_RETURN(std::string bytes, io.Read(s.manifest_list));
  auto list = ReadManifestList(bytes);
  if (!list.ok()) return list.status().WithContext(s.manifest_list);
  return list;
}

Result<Manifest> ReadManifestAt(const TableIO& io, const ManifestFile& mf) {
  SILT_ASSIGN_OR_RETURN(std::string bytes, io.Read(mf.manifest_path));
  auto m = ReadManifest(bytes, &mf);
  if (!m.ok()) return m.status().WithContext(mf.manifest_path);
  return m;
}

// Live file paths of manifests, each manifest read once.
class ManifestCache {
 public:
  explicit ManifestCache(const TableIO& io) : io_(io) {}
  Result<const Manifest*> Get(const ManifestFile& mf) {
    auto it = cache_.find(mf.manifest_path);
    if (it != cache_.end()) return &it->second;
    SILT_ASSIGN_OR_RETURN(Manifest m, ReadManifestAt(io_, mf));
    return &cache_.emplace(mf.manifest_path, std::move(m)).first->second;
  }

 private:
  const TableIO& io_;
  std::unordered_map<std::string, Manifest> cache_;
};

int64_t UniqueSnapshotId(const TableMetadata& m) {
  for (;;) {
    const int64_t id = NewSnapshotId();
    if (m.SnapshotById(id) == nullptr) return id;
  }
}

}  // namespace

// ---- TableIO ----

TableIO::TableIO(store::Store& store) : store_(store), root_(CanonicalUri(store.Describe())) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string TableIO::UriOf(std::string_view key) const { return root_ + "/" + std::string(key); }

Result<std::string> TableIO::KeyOf(std::string_view uri) const {
  const std::string u = CanonicalUri(uri);
  if (u.size() > root_.size() + 1 && u.starts_with(root_) && u[root_.size()] == '/') {
    return u.substr(root_.size() + 1);
  }
  return Status::InvalidArgument("\"" + std::string(uri) + "\" is not inside the warehouse " + root_);
}

Result<std::string> TableIO::Read(std::string_view uri) const {
  SILT_ASSIGN_OR_RETURN(std::string key, KeyOf(uri));
  return store_.Get(key);
}

Status TableIO::WriteNew(std::string_view uri, std::string_view data) const {
  SILT_ASSIGN_OR_RETURN(std::string key, KeyOf(uri));
  store::PutOptions options;
  options.if_absent = true;
  return store_.Put(key, data, options).status();
}

Status TableIO::Delete(const std::vector<std::string>& uris) const {
  // Deleting is how a failed or interrupted commit cleans up: not cut short by Ctrl-C.
  interrupt::CleanupScope cleanup;
  std::vector<std::string> keys;
  for (const auto& uri : uris) {
    SILT_ASSIGN_OR_RETURN(std::string key, KeyOf(uri));
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return Status::OK();
  return store_.DeleteMany(keys);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- create ----

Result<TableMetadata> NewTableMetadata(const CreateTableOptions& options) {
  TableMetadata m;
  m.location = options.location;
  while (!m.location.empty() && m.location.back() == '/') m.location.pop_back();
  if (m.location.empty()) return Status::InvalidArgument("a table needs a location");
  Schema schema = options.schema;
  schema.schema_id = 0;
  SILT_RETURN_IF_ERROR(schema.Validate());
  m.table_uuid = NewUuid();
  m.last_updated_ms = NowOr(options.now_ms);
  m.last_column_id = schema.HighestFieldId();
  int last_partition_id = kFirstPartitionFieldId - 1;
  SILT_ASSIGN_OR_RETURN(PartitionSpec spec,
                        BuildPartitionSpec(schema, options.partition_by, 0, &last_partition_id));
  m.last_partition_id = last_partition_id;
  m.schemas.push_back(std::move(schema));
  m.current_schema_id = 0;
  m.partition_specs.push_back(std::move(spec));
  m.default_spec_id = 0;
  m.sort_orders.push_back(SortOrder{0, {}});
  m.default_sort_order_id = 0;
  m.properties = options.properties;
  SILT_RETURN_IF_ERROR(m.Validate());
  return m;
}

// ---- snapshots ----

Result<PendingCommit> CommitSnapshot(const TableIO& io, const TableMetadata& base,
                                     const SnapshotUpdate& update) {
  if (update.add.empty() && update.remove.empty()) {
    return Status::InvalidArgument("a snapshot must add or remove at least one file");
  }
  for (const auto& [k, v] : update.extra_summary) {
    if (IsStandardSummaryKey(k)) {
      return Status::InvalidArgument("summary key \"" + k + "\" is reserved for Iceberg's own");
    }
  }
  const Schema* schema = base.CurrentSchema();
  const PartitionSpec* spec = base.DefaultSpec();
  if (schema == nullptr || spec == nullptr) return Status::InvalidArgument("invalid base metadata");
  {
    std::set<std::string_view> paths;
    for (const auto& f : update.add) {
      if (!paths.insert(f.file_path).second) {
        return Status::InvalidArgument("file added twice: " + f.file_path);
      }
    }
  }

  const Snapshot* parent = base.CurrentSnapshot();
  const int64_t snapshot_id = UniqueSnapshotId(base);
  const int64_t seq = base.last_sequence_number + 1;
  const int64_t now = std::max(NowOr(update.now_ms), parent ? parent->timestamp_ms : int64_t{0});
  const std::string commit_uuid = NewUuid();
  const std::string metadata_dir = base.location + "/metadata/";

  PendingCommit out;
  auto build = [&]() -> Status {
    std::vector<ManifestFile> parent_manifests;
    if (parent) {
      SILT_ASSIGN_OR_RETURN(parent_manifests, ReadSnapshotManifests(io, *parent));
    }
    int manifest_index = 0;
    auto finish = [&](ManifestWriter& w) -> Result<ManifestFile> {
      const std::string uri =
          metadata_dir + commit_uuid + "-m" + std::to_string(manifest_index++) + ".avro";
      SILT_ASSIGN_OR_RETURN(auto finished, w.Finish(uri));
      SILT_RETURN_IF_ERROR(io.WriteNew(uri, finished.first));
      out.written.push_back(uri);
      return std::move(finished.second);
    };

    Totals added, removed;
    std::set<std::string> changed_partitions;
    std::vector<ManifestFile> manifests;
    bool adds_data = false, adds_deletes = false;

    // New files: one data manifest and one delete manifest at most.
    for (const ManifestContent content : {ManifestContent::kData, ManifestContent::kDeletes}) {
      SILT_ASSIGN_OR_RETURN(ManifestWriter w, ManifestWriter::Make(*schema, *spec, content,
                                                                   snapshot_id, seq, update.codec));
      for (const DataFile& f : update.add) {
        if ((f.content == FileContent::kData) != (content == ManifestContent::kData)) continue;
        ManifestEntry e;
        e.status = EntryStatus::kAdded;
        e.snapshot_id = snapshot_id;
        e.data_file = f;
        SILT_RETURN_IF_ERROR(w.Add(e));
        AddFile(f, 1, &added);
        changed_partitions.insert(std::to_string(spec->spec_id) + "/" + spec->PartitionPath(f.partition));
      }
      if (w.entry_count() == 0) continue;
      (content == ManifestContent::kData ? adds_data : adds_deletes) = true;
      SILT_ASSIGN_OR_RETURN(ManifestFile mf, finish(w));
      manifests.push_back(std::move(mf));
    }

    // Removals: rewrite the manifests that hold them.
    const std::set<std::string> to_remove(update.remove.begin(), update.remove.end());
    std::set<std::string> found;
    std::vector<ManifestFile> rewritten, kept;
    for (const ManifestFile& mf : parent_manifests) {
      if (to_remove.empty() || mf.added_files_count + mf.existing_files_count == 0) {
        kept.push_back(mf);
        continue;
      }
      SILT_ASSIGN_OR_RETURN(Manifest m, ReadManifestAt(io, mf));
      const bool hit = std::any_of(m.entries.begin(), m.entries.end(), [&](const ManifestEntry& e) {
        return e.is_live() && to_remove.contains(e.data_file.file_path);
      });
      if (!hit) {
        kept.push_back(mf);
        continue;
      }
      const PartitionSpec* mspec = base.SpecById(mf.partition_spec_id);
      if (mspec == nullptr) {
        return Status::Corruption(mf.manifest_path + " uses unknown partition spec " +
                                  std::to_string(mf.partition_spec_id));
      }
      SILT_ASSIGN_OR_RETURN(ManifestWriter w, ManifestWriter::Make(*schema, *mspec, mf.content,
                                                                   snapshot_id, seq, update.codec));
      for (const ManifestEntry& e : m.entries) {
        if (!e.is_live()) continue;  // deletions of earlier snapshots are not carried on
        ManifestEntry ne = e;        // inherited values are explicit now
        if (to_remove.contains(e.data_file.file_path)) {
          if (!found.insert(e.data_file.file_path).second) {
            return Status::Corruption("file is live twice in snapshot " +
                                      std::to_string(parent->snapshot_id) + ": " +
                                      e.data_file.file_path);
          }
          ne.status = EntryStatus::kDeleted;
          ne.snapshot_id = snapshot_id;
          AddFile(e.data_file, 1, &removed);
          changed_partitions.insert(std::to_string(mspec->spec_id) + "/" +
                                    mspec->PartitionPath(e.data_file.partition));
        } else {
          ne.status = EntryStatus::kExisting;
        }
        SILT_RETURN_IF_ERROR(w.Add(ne));
      }
      SILT_ASSIGN_OR_RETURN(ManifestFile nmf, finish(w));
      rewritten.push_back(std::move(nmf));
    }
    for (const auto& path : to_remove) {
      if (!found.contains(path)) {
        return Status::NotFound("cannot remove " + path + ": it is not a live file of the table");
      }
    }
    manifests.insert(manifests.end(), rewritten.begin(), rewritten.end());
    manifests.insert(manifests.end(), kept.begin(), kept.end());

    const std::string list_uri =
        metadata_dir + "snap-" + std::to_string(snapshot_id) + "-1-" + commit_uuid + ".avro";
    SILT_ASSIGN_OR_RETURN(
        std::string list_bytes,
        WriteManifestList(snapshot_id, parent ? std::optional<int64_t>(parent->snapshot_id)
                                              : std::nullopt,
                          seq, manifests, update.codec));
    SILT_RETURN_IF_ERROR(io.WriteNew(list_uri, list_bytes));
    out.written.push_back(list_uri);

    // Totals: the parent's plus this change. Parents written without totals are counted.
    Totals totals;
    bool have_totals = true;
    if (parent) {
      for (const char* k : kTotalKeys) have_totals &= parent->summary.contains(k);
    }
    if (parent && have_totals) {
      totals = {parent->SummaryInt("total-records"),       parent->SummaryInt("total-files-size"),
                parent->SummaryInt("total-data-files"),    parent->SummaryInt("total-delete-files"),
                parent->SummaryInt("total-position-deletes"),
                parent->SummaryInt("total-equality-deletes")};
    } else if (parent) {
      PlanOptions po;
      po.snapshot_id = parent->snapshot_id;
      SILT_ASSIGN_OR_RETURN(FilePlan plan, PlanFiles(io, base, po));
      for (const auto& pf : plan.data_files) AddFile(pf.file, 1, &totals);
      for (const auto& pf : plan.delete_files) AddFile(pf.file, 1, &totals);
    }
    totals.records += added.records - removed.records;
    totals.files_size += added.files_size - removed.files_size;
    totals.data_files += added.data_files - removed.data_files;
    totals.delete_files += added.delete_files - removed.delete_files;
    totals.position_deletes += added.position_deletes - removed.position_deletes;
    totals.equality_deletes += added.equality_deletes - removed.equality_deletes;

    Snapshot snap;
    snap.snapshot_id = snapshot_id;
    if (parent) snap.parent_snapshot_id = parent->snapshot_id;
    snap.sequence_number = seq;
    snap.timestamp_ms = now;
    snap.manifest_list = list_uri;
    snap.schema_id = schema->schema_id;
    std::string op;
    if (update.replace) {
      op = kOpReplace;
    } else if (adds_data && !adds_deletes && to_remove.empty()) {
      op = kOpAppend;
    } else if (!adds_data) {
      op = kOpDelete;
    } else {
      op = kOpOverwrite;
    }
    auto& sm = snap.summary;
    sm = update.extra_summary;
    sm["operation"] = op;
    auto put_nonzero = [&](const char* key, int64_t v) {
      if (v != 0) sm[key] = std::to_string(v);
    };
    put_nonzero("added-data-files", added.data_files);
    put_nonzero("added-records", added.records);
    put_nonzero("added-files-size", added.files_size);
    put_nonzero("added-delete-files", added.delete_files);
    put_nonzero("added-position-deletes", added.position_deletes);
    put_nonzero("added-equality-deletes", added.equality_deletes);
    put_nonzero("deleted-data-files", removed.data_files);
    put_nonzero("deleted-records", removed.records);
    put_nonzero("removed-files-size", removed.files_size);
    put_nonzero("removed-delete-files", removed.delete_files);
    put_nonzero("removed-position-deletes", removed.position_deletes);
    put_nonzero("removed-equality-deletes", removed.equality_deletes);
    sm["changed-partition-count"] = std::to_string(changed_partitions.size());
    sm["total-records"] = std::to_string(totals.records);
    sm["total-files-size"] = std::to_string(totals.files_size);
    sm["total-data-files"] = std::to_string(totals.data_files);
    sm["total-delete-files"] = std::to_string(totals.delete_files);
    sm["total-position-deletes"] = std::to_string(totals.position_deletes);
    sm["total-equality-deletes"] = std::to_string(totals.equality_deletes);

    TableMetadata& next = out.metadata;
    next = base;
    next.last_sequence_number = seq;
    next.last_updated_ms = now;
    next.snapshots.push_back(std::move(snap));
    next.current_snapshot_id = snapshot_id;
    next.refs[std::string(kMainBranch)] = SnapshotRef{snapshot_id, "branch"};
    next.snapshot_log.push_back({snapshot_id, now});
    return next.Validate();
  };
  Status st = build();
  if (!st.ok()) {
    (void)io.Delete(out.written);  // best effort; orphan cleanup catches the rest
    return st;
  }
  return out;
}

Result<PendingCommit> AppendFiles(const TableIO& io, const TableMetadata& base,
                                  std::vector<DataFile> files,
                                  std::map<std::string, std::string> extra_summary) {
  SnapshotUpdate update;
  update.add = std::move(files);
  update.extra_summary = std::move(extra_summary);
  for (const auto& f : update.add) {
    if (f.content != FileContent::kData) {
      return Status::InvalidArgument("AppendFiles adds data files only: " + f.file_path);
    }
  }
  return CommitSnapshot(io, base, update);
}

Result<TableMetadata> SetCurrentSchema(const TableMetadata& base, Schema schema) {
  SILT_RETURN_IF_ERROR(schema.Validate());
  for (const auto& spec : base.partition_specs) {
    if (spec.spec_id != base.default_spec_id) continue;
    SILT_RETURN_IF_ERROR(spec.Validate(schema).WithContext("the new schema breaks the partition spec"));
  }
  TableMetadata next = base;
  const auto same = [&](const Schema& s) {
    return s.identifier_field_ids == schema.identifier_field_ids &&
           Type::Struct(s.fields)->Equals(*Type::Struct(schema.fields));
  };
  int max_id = -1;
  for (const auto& s : base.schemas) {
    max_id = std::max(max_id, s.schema_id);
    if (same(s)) {
      next.current_schema_id = s.schema_id;
      return next;
    }
  }
  schema.schema_id = max_id + 1;
  next.last_column_id = std::max(next.last_column_id, schema.HighestFieldId());
  next.current_schema_id = schema.schema_id;
  next.schemas.push_back(std::move(schema));
  SILT_RETURN_IF_ERROR(next.Validate());
  return next;
}

// ---- expiry and reachability ----

Result<ExpireResult> ExpireSnapshots(const TableIO& io, const TableMetadata& base,
                                     const ExpireOptions& options) {
  if (options.retain_last < 1) return Status::InvalidArgument("retain_last must be at least 1");
  std::set<int64_t> retained;
  for (const auto& [name, ref] : base.refs) retained.insert(ref.snapshot_id);
  int kept = 0;
  for (const Snapshot* s = base.CurrentSnapshot(); s != nullptr && kept < options.retain_last;
       s = s->parent_snapshot_id ? base.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    retained.insert(s->snapshot_id);
    ++kept;
  }
  for (const auto& s : base.snapshots) {
    if (s.timestamp_ms >= options.older_than_ms) retained.insert(s.snapshot_id);
  }

  ExpireResult result;
  result.commit.metadata = base;
  std::vector<const Snapshot*> expired;
  for (const auto& s : base.snapshots) {
    if (!retained.contains(s.snapshot_id)) expired.push_back(&s);
  }
  if (expired.empty()) return result;

  ManifestCache cache(io);
  std::set<std::string> kept_lists, kept_manifests, kept_files;
  for (const auto& s : base.snapshots) {
    if (!retained.contains(s.snapshot_id)) continue;
    kept_lists.insert(s.manifest_list);
    SILT_ASSIGN_OR_RETURN(auto manifests, ReadSnapshotManifests(io, s));
    for (const auto& mf : manifests) {
      if (!kept_manifests.insert(mf.manifest_path).second) continue;
      SILT_ASSIGN_OR_RETURN(const Manifest* m, cache.Get(mf));
      for (const auto& e : m->entries) {
        if (e.is_live()) kept_files.insert(e.data_file.file_path);
      }
    }
  }
  std::set<std::string> gone_manifests, gone_files;
  for (const Snapshot* s : expired) {
    result.expired_snapshot_ids.push_back(s->snapshot_id);
    if (!kept_lists.contains(s->manifest_list)) {
      result.unreachable_manifest_lists.push_back(s->manifest_list);
    }
    SILT_ASSIGN_OR_RETURN(auto manifests, ReadSnapshotManifests(io, *s));
    for (const auto& mf : manifests) {
      if (kept_manifests.contains(mf.manifest_path)) continue;
      if (!gone_manifests.insert(mf.manifest_path).second) continue;
      SILT_ASSIGN_OR_RETURN(const Manifest* m, cache.Get(mf));
      for (const auto& e : m->entries) {
        if (!kept_files.contains(e.data_file.file_path)) gone_files.insert(e.data_file.file_path);
      }
    }
  }
  result.unreachable_manifests.assign(gone_manifests.begin(), gone_manifests.end());
  result.unreachable_data_files.assign(gone_files.begin(), gone_files.end());

  TableMetadata& next = result.commit.metadata;
  std::erase_if(next.snapshots, [&](const Snapshot& s) { return !retained.contains(s.snapshot_id); });
  std::erase_if(next.snapshot_log,
                [&](const SnapshotLogEntry& e) { return !retained.contains(e.snapshot_id); });
  next.last_updated_ms = std::max(NowOr(options.now_ms), base.last_updated_ms);
  SILT_RETURN_IF_ERROR(next.Validate());
  return result;
}

Result<ReachableFiles> ListReachableFiles(const TableIO& io, const TableMetadata& metadata) {
  ReachableFiles out;
  for (const auto& e : metadata.metadata_log) out.metadata_files.insert(e.metadata_file);
  ManifestCache cache(io);
  for (const auto& s : metadata.snapshots) {
    out.manifest_lists.insert(s.manifest_list);
    SILT_ASSIGN_OR_RETURN(auto manifests, ReadSnapshotManifests(io, s));
    for (const auto& mf : manifests) {
      if (!out.manifests.insert(mf.manifest_path).second) continue;
      SILT_ASSIGN_OR_RETURN(const Manifest* m, cache.Get(mf));
      for (const auto& e : m->entries) {
        if (e.is_live()) out.data_files.insert(e.data_file.file_path);
      }
    }
  }
  return out;
}

// ---- metadata files ----

Result<std::string> WriteMetadataFile(const TableIO& io, TableMetadata* next,
                                      const TableMetadata* base, const std::string& base_location) {
  int version = 0;
  if (!base_location.empty()) {
    const int base_version = MetadataFileVersion(base_location);
    version = base_version >= 0 ? base_version + 1
                                : static_cast<int>(next->metadata_log.size()) + 1;
    next->metadata_log.push_back(
        {base_location, base ? base->last_updated_ms : next->last_updated_ms});
  }
  int64_t max_log = 100;
  if (auto it = next->properties.find(std::string(kPreviousVersionsMax));
      it != next->properties.end()) {
    if (!ParseInt64(it->second, &max_log)) {
      return Status::InvalidArgument(std::string(kPreviousVersionsMax) + " is not a number: " +
                                     it->second);
    }
    max_log = std::max<int64_t>(1, max_log);
  }
  if (static_cast<int64_t>(next->metadata_log.size()) > max_log) {
    next->metadata_log.erase(next->metadata_log.begin(),
                             next->metadata_log.end() - max_log);
  }
  next->last_updated_ms = std::max(NowMs(), next->last_updated_ms);
  if (base) next->last_updated_ms = std::max(next->last_updated_ms, base->last_updated_ms);
  SILT_RETURN_IF_ERROR(next->Validate());
  const std::string uri =
      next->location + "/metadata/" + MetadataFileName(version, NewUuid());
  SILT_RETURN_IF_ERROR(io.WriteNew(uri, MetadataToJson(*next)));
  return uri;
}

Result<TableMetadata> ReadMetadataFile(const TableIO& io, std::string_view uri) {
  SILT_ASSIGN_OR_RETURN(std::string json, io.Read(uri));
  auto m = ParseMetadataJson(json);
  if (!m.ok()) return m.status().WithContext(uri);
  return m;
}

// ---- planning ----

Result<FilePlan> PlanFiles(const TableIO& io, const TableMetadata& metadata,
                           const PlanOptions& options) {
  FilePlan plan;
  const Snapshot* snap = nullptr;
  if (options.snapshot_id) {
    snap = metadata.SnapshotById(*options.snapshot_id);
    if (snap == nullptr) {
      return Status::NotFound("table has no snapshot " + std::to_string(*options.snapshot_id));
    }
  } else {
    snap = metadata.CurrentSnapshot();
  }
  if (snap == nullptr) return plan;
  plan.snapshot_id = snap->snapshot_id;
  SILT_ASSIGN_OR_RETURN(auto manifests, ReadSnapshotManifests(io, *snap));
  for (const auto& mf : manifests) {
    if (options.manifest_filter && !options.manifest_filter(mf)) continue;
    SILT_ASSIGN_OR_RETURN(Manifest m, ReadManifestAt(io, mf));
    for (auto& e : m.entries) {
      if (!e.is_live()) continue;
      PlannedFile pf;
      pf.partition_spec_id = mf.partition_spec_id;
      pf.data_sequence_number = e.sequence_number.value_or(mf.sequence_number);
      pf.file_sequence_number = e.file_sequence_number.value_or(mf.sequence_number);
      pf.added_snapshot_id = e.snapshot_id.value_or(mf.added_snapshot_id);
      pf.file = std::move(e.data_file);
      if (options.file_filter && !options.file_filter(pf)) continue;
      (pf.file.content == FileContent::kData ? plan.data_files : plan.delete_files)
          .push_back(std::move(pf));
    }
  }
  return plan;
}

}  // namespace silt::iceberg
