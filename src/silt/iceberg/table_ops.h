// Spec-level Iceberg table operations over a Store, below any catalog or SQL engine:
// building the next TableMetadata for create / append / overwrite / delete / replace / expire
// (writing the new manifests and manifest list), writing metadata files, listing reachable
// files, and planning the live files of a snapshot.
//
// A commit is two steps: a builder (CommitSnapshot, ExpireSnapshots, ...) returns a
// PendingCommit with the next metadata and the files it already wrote; WriteMetadataFile
// writes the metadata JSON; a catalog then swaps its pointer (catalog/committer.h does all of
// it with retries). Every file is written once with put-if-absent under a unique name
// (uuid), so a lost race never overwrites anything; a loser deletes what it wrote.
//
// Paths in metadata are absolute URIs; TableIO maps them to keys of the warehouse store.
//
// Thread safety: the functions are reentrant; TableIO is as thread-safe as its Store.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/iceberg/manifest.h"
#include "silt/iceberg/metadata.h"
#include "silt/store/store.h"

namespace silt::iceberg {

// Maps URIs in table metadata to keys of the store that holds the warehouse.
class TableIO {
 public:
  // `store` must outlive the TableIO. Its Describe() ("file:///data/wh", "s3://b/wh") is the
  // root every table location must be under.
  explicit TableIO(store::Store& store);

  store::Store& store() const { return store_; }
  const std::string& root_uri() const { return root_; }

  // "<root>/<key>".
  std::string UriOf(std::string_view key) const;
  // The key of a URI under the root. Accepts the spellings other engines write for the same
  // place: "file:/x" and "file:///x", "s3a://" and "s3n://" for "s3://". InvalidArgument
  // naming the URI when it is not under the root.
  Result<std::string> KeyOf(std::string_view uri) const;

  Result<std::string> Read(std::string_view uri) const;
  // Put-if-absent: AlreadyExists when the object exists (nothing changed).
  Status WriteNew(std::string_view uri, std::string_view data) const;
  // Deletes objects; missing ones are not an error. Runs to its end after Ctrl-C too.
  Status Delete(const std::vector<std::string>& uris) const;

 private:
  store::Store& store_;
  std::string root_;
};

// Milliseconds since the epoch from the system clock.
int64_t NowMs();

// The next metadata plus the files already written for it (manifests, manifest list), so a
// caller that loses the catalog race can delete them.
struct PendingCommit {
  TableMetadata metadata;
  std::vector<std::string> written;  // URIs
};

// ---- create ----

struct CreateTableOptions {
  std::string location;  // absolute URI under the TableIO root, no trailing '/'
  Schema schema;         // ids as given (validated); becomes schema 0
  std::vector<PartitionFieldRequest> partition_by;
  std::map<std::string, std::string> properties;
  int64_t now_ms = 0;  // 0: NowMs()
};

// Metadata for a new, empty table (no snapshot, unsorted order 0, spec 0, a fresh
// table-uuid). InvalidArgument for an invalid schema or partitioning, or an empty location.
Result<TableMetadata> NewTableMetadata(const CreateTableOptions& options);

// ---- snapshots ----

struct SnapshotUpdate {
  // Files to add: data files go to one new data manifest, delete files (content 1/2) to one
  // new delete manifest, both under the default spec. Paths must be unique in the list.
  std::vector<DataFile> add;
  // file_path URIs of live files (data or delete) to remove; each must be live in the
  // current snapshot.
  std::vector<std::string> remove;
  // The rewrite does not change the table's data (compaction): operation "replace".
  bool replace = false;
  // Extra snapshot summary keys (e.g. which inputs a commit consumed). They must not
  // collide with the standard keys ("operation", "added-*", "total-*", ...).
  std::map<std::string, std::string> extra_summary;
  int64_t now_ms = 0;  // 0: NowMs()
  avro::Codec codec = avro::Codec::kDeflate;
};

// Builds a new snapshot on top of `base`'s current snapshot and writes its manifests and
// manifest list under <location>/metadata/. The operation follows the spec: "append" (only
// data files added), "delete" (only removals, or only delete files added), "replace" (when
// update.replace), otherwise "overwrite". Manifests holding removed files are rewritten with
// those entries DELETED and the others EXISTING; other manifests are carried over as they
// are. The summary has the standard added/deleted counts and totals.
// Errors: InvalidArgument for an empty update, a partition tuple that does not fit the
// default spec, a duplicate path or a colliding summary key; NotFound naming the first path
// in `remove` that is not live; read/write errors from the store (files written before the
// error are deleted again).
Result<PendingCommit> CommitSnapshot(const TableIO& io, const TableMetadata& base,
                                     const SnapshotUpdate& update);

// CommitSnapshot with only `files` added (operation "append").
Result<PendingCommit> AppendFiles(const TableIO& io, const TableMetadata& base,
                                  std::vector<DataFile> files,
                                  std::map<std::string, std::string> extra_summary = {});

// Makes `schema` the current schema (schema evolution, see schema.h): an identical existing
// schema is reused, otherwise it is added with the next schema id. last-column-id becomes
// max(last-column-id, schema's highest id). InvalidArgument when the schema is invalid or
// drops a column a partition spec uses.
Result<TableMetadata> SetCurrentSchema(const TableMetadata& base, Schema schema);

// ---- expiry and reachability ----

struct ExpireOptions {
  int64_t older_than_ms = 0;  // snapshots with timestamp-ms < this may expire
  int retain_last = 1;        // always keep this many newest snapshots of main (>= 1)
  int64_t now_ms = 0;         // 0: NowMs()
};

struct ExpireResult {
  PendingCommit commit;  // metadata without the expired snapshots; nothing written
  std::vector<int64_t> expired_snapshot_ids;
  // URIs no retained snapshot uses any more; safe to delete once the commit succeeded.
  std::vector<std::string> unreachable_manifest_lists;
  std::vector<std::string> unreachable_manifests;
  std::vector<std::string> unreachable_data_files;  // data and delete files
};

// Expires snapshots older than options.older_than_ms, keeping the current snapshot, the
// newest retain_last snapshots of main's history, and every snapshot a ref points to. Reads
// the manifest lists and manifests of all snapshots to find what became unreachable. When
// nothing expires, expired_snapshot_ids is empty and the metadata is `base` (nothing to
// commit).
Result<ExpireResult> ExpireSnapshots(const TableIO& io, const TableMetadata& base,
                                     const ExpireOptions& options);

struct ReachableFiles {
  std::set<std::string> metadata_files;  // from metadata-log (the current file is the caller's)
  std::set<std::string> manifest_lists;
  std::set<std::string> manifests;
  std::set<std::string> data_files;      // live data and delete files of any snapshot
};

// Every file reachable from `metadata` (for orphan cleanup: anything else under the table's
// location that is older than the longest possible commit may be deleted).
Result<ReachableFiles> ListReachableFiles(const TableIO& io, const TableMetadata& metadata);

// ---- metadata files ----

// Writes `next` as the metadata file following `base_location` (version + 1; version 0 when
// there is no base) under <location>/metadata/, with put-if-absent. Sets last-updated-ms,
// appends base_location to metadata-log (trimmed to write.metadata.previous-versions-max,
// default 100). `base` is the metadata read from base_location (nullptr when none).
// Returns the new file's URI.
Result<std::string> WriteMetadataFile(const TableIO& io, TableMetadata* next,
                                      const TableMetadata* base, const std::string& base_location);

// Reads and parses a metadata file.
Result<TableMetadata> ReadMetadataFile(const TableIO& io, std::string_view uri);

// ---- planning ----

// A live file of a snapshot with what readers need to apply deletes and prune.
struct PlannedFile {
  DataFile file;  // partition values and bounds for pruning
  int partition_spec_id = 0;
  int64_t data_sequence_number = 0;
  int64_t file_sequence_number = 0;
  int64_t added_snapshot_id = 0;
};

struct FilePlan {
  std::optional<int64_t> snapshot_id;  // nullopt for a table without snapshots
  std::vector<PlannedFile> data_files;
  std::vector<PlannedFile> delete_files;
};

struct PlanOptions {
  std::optional<int64_t> snapshot_id;  // default: the current snapshot
  // Return false to skip a whole manifest (e.g. from its partition summaries).
  std::function<bool(const ManifestFile&)> manifest_filter;
  // Return false to skip a file (e.g. from its partition values or column bounds).
  std::function<bool(const PlannedFile&)> file_filter;
};

// The live data and delete files of a snapshot (manifest list -> manifests -> entries that
// are not DELETED), with inherited sequence numbers applied. NotFound for an unknown
// snapshot id; read errors from the store; Corruption for damaged files.
Result<FilePlan> PlanFiles(const TableIO& io, const TableMetadata& metadata,
                           const PlanOptions& options = {});

}  // namespace silt::iceberg
