// Iceberg v2 table metadata (spec "Table Metadata", Appendix C/E): the struct, its JSON form,
// and metadata file naming.
//
// silt writes format-version 2 only and never writes the v1 fields "schema"/"partition-spec".
// Reading accepts what other v2 writers produce (current-snapshot-id -1 or absent, refs
// absent). Members silt does not model (statistics, partition-statistics, snapshot refs'
// retention settings) are dropped when metadata is read and written again.
//
// Thread safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/iceberg/partition.h"
#include "silt/iceberg/schema.h"
#include "silt/iceberg/transforms.h"

namespace silt::iceberg {

// Snapshot summary "operation" values (spec "Snapshots").
inline constexpr std::string_view kOpAppend = "append";
inline constexpr std::string_view kOpReplace = "replace";
inline constexpr std::string_view kOpOverwrite = "overwrite";
inline constexpr std::string_view kOpDelete = "delete";

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;  // absolute URI
  // String values; always holds "operation". silt writes the totals of ICEBERG.md §5.
  std::map<std::string, std::string> summary;
  std::optional<int> schema_id;

  std::string operation() const;
  // summary[key] as an integer; `fallback` when absent or not a number.
  int64_t SummaryInt(std::string_view key, int64_t fallback = 0) const;
  bool operator==(const Snapshot&) const = default;
};

struct SnapshotLogEntry {
  int64_t snapshot_id = 0;
  int64_t timestamp_ms = 0;
  bool operator==(const SnapshotLogEntry&) const = default;
};

struct MetadataLogEntry {
  std::string metadata_file;
  int64_t timestamp_ms = 0;
  bool operator==(const MetadataLogEntry&) const = default;
};

struct SortField {
  Transform transform;
  int source_id = 0;
  bool descending = false;
  bool nulls_first = true;
  bool operator==(const SortField&) const = default;
};

struct SortOrder {
  int order_id = 0;  // 0 is reserved for the unsorted order (no fields)
  std::vector<SortField> fields;
  bool operator==(const SortOrder&) const = default;
};

struct SnapshotRef {
  int64_t snapshot_id = 0;
  std::string type = "branch";  // "branch" or "tag"
  bool operator==(const SnapshotRef&) const = default;
};

inline constexpr std::string_view kMainBranch = "main";

struct TableMetadata {
  int format_version = 2;
  std::string table_uuid;
  std::string location;  // absolute URI of the table root, no trailing '/'
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int last_column_id = 0;
  std::vector<Schema> schemas;
  int current_schema_id = 0;
  std::vector<PartitionSpec> partition_specs;
  int default_spec_id = 0;
  int last_partition_id = kFirstPartitionFieldId - 1;
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;  // nullopt: no snapshot (written as -1)
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::vector<SortOrder> sort_orders;
  int default_sort_order_id = 0;
  std::map<std::string, SnapshotRef> refs;

  // Lookups; nullptr when absent. Pointers are valid while the metadata is unchanged.
  const Schema* CurrentSchema() const;
  const Schema* SchemaById(int id) const;
  const PartitionSpec* DefaultSpec() const;
  const PartitionSpec* SpecById(int id) const;
  const Snapshot* CurrentSnapshot() const;
  const Snapshot* SnapshotById(int64_t id) const;

  // OK when the required structure holds: format-version 2, current schema/spec/sort order
  // exist, snapshot ids unique, current snapshot exists and matches refs.main, ids below the
  // last-* counters. InvalidArgument naming the first problem otherwise.
  Status Validate() const;
};

// The metadata JSON (compact). REQUIRES a valid metadata.
std::string MetadataToJson(const TableMetadata& metadata);

// Parses metadata JSON. ParseError for malformed JSON or missing required v2 fields;
// InvalidArgument for format versions other than 2 (silt does not upgrade v1 tables) or
// metadata that fails Validate().
Result<TableMetadata> ParseMetadataJson(std::string_view json);

// "00001-<uuid>.metadata.json" (Java's "%05d-%s").
std::string MetadataFileName(int version, std::string_view uuid);

// The version number of a metadata file path ("…/metadata/00012-….metadata.json" -> 12);
// -1 when the name does not follow the convention.
int MetadataFileVersion(std::string_view path);

// Table property that bounds metadata-log (Java's default: 100).
inline constexpr std::string_view kPreviousVersionsMax = "write.metadata.previous-versions-max";

}  // namespace silt::iceberg
