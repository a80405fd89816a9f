// Iceberg v2 manifests and manifest lists (spec "Manifests", "Manifest Lists"; the Avro
// schemas and field ids of Java's V2Metadata, see ICEBERG.md §7/§8).
//
// Writers build whole files in memory (manifests are small) and return the bytes; callers
// store them. Readers decode by field id from the writer schema embedded in the file, so
// files written by other Iceberg implementations (other field order, extra fields) read too.
//
// Thread safety: value types and pure functions; a ManifestWriter is used by one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/iceberg/avro.h"
#include "silt/iceberg/literal.h"
#include "silt/iceberg/partition.h"
#include "silt/iceberg/schema.h"

namespace silt::iceberg {

enum class FileContent { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };
enum class ManifestContent { kData = 0, kDeletes = 1 };
enum class EntryStatus { kExisting = 0, kAdded = 1, kDeleted = 2 };

// A data or delete file as a manifest tracks it (data_file, fields 100..143).
struct DataFile {
  FileContent content = FileContent::kData;
  std::string file_path;  // absolute URI
  std::string file_format = "PARQUET";
  // One value per partition field of the manifest's spec, in spec order, typed with the
  // transform's result type (nulls carry the type too). Empty when unpartitioned.
  std::vector<Literal> partition;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  // Metrics keyed by field id; empty maps are written as null. Bounds hold the single-value
  // serialization (literal.h ToBytes) of the column's type.
  std::map<int, int64_t> column_sizes;
  std::map<int, int64_t> value_counts;
  std::map<int, int64_t> null_value_counts;
  std::map<int, int64_t> nan_value_counts;
  std::map<int, std::string> lower_bounds;
  std::map<int, std::string> upper_bounds;
  std::optional<std::string> key_metadata;
  std::vector<int64_t> split_offsets;  // ascending; empty is written as null
  std::vector<int> equality_ids;       // equality delete files only
  std::optional<int> sort_order_id;
  std::optional<std::string> referenced_data_file;  // position delete files only

  bool operator==(const DataFile&) const = default;
};

// One manifest entry (fields 0..4). For entries read with a manifest list entry, inherited
// values are filled in (see ReadManifest).
struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;       // the data sequence number
  std::optional<int64_t> file_sequence_number;
  DataFile data_file;

  bool is_live() const { return status != EntryStatus::kDeleted; }
  bool operator==(const ManifestEntry&) const = default;
};

// Partition field summary in a manifest list (r508, fields 509/518/510/511).
struct FieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;  // single-value serialization of the result type
  std::optional<std::string> upper_bound;
  bool operator==(const FieldSummary&) const = default;
};

// A manifest list entry (manifest_file, fields 500..519).
struct ManifestFile {
  std::string manifest_path;  // absolute URI
  int64_t manifest_length = 0;
  int partition_spec_id = 0;
  ManifestContent content = ManifestContent::kData;
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::vector<FieldSummary> partitions;  // one per partition field
  std::optional<std::string> key_metadata;
  bool operator==(const ManifestFile&) const = default;
};

// The Avro schemas silt writes (exposed for tests and documentation).
// `partition_type` is PartitionSpec::PartitionType(schema).
Result<avro::NodePtr> ManifestEntryAvroSchema(const std::vector<NestedField>& partition_type);
avro::NodePtr ManifestListAvroSchema();

// The Avro type of a partition value of Iceberg type `type` (date -> int/date,
// timestamptz -> long/timestamp-micros adjust-to-utc true, decimal -> fixed/decimal, uuid ->
// fixed(16)/uuid, ...). `fixed_name` names a fixed type. InvalidArgument for nested types.
Result<avro::NodePtr> AvroTypeFor(const Type& type, std::string fixed_name);
// The inverse, used to type partition values read from a file. InvalidArgument for Avro
// types that have no Iceberg primitive.
Result<TypePtr> IcebergTypeFromAvro(const avro::Node& node);

// Writes one manifest: every entry has the same spec and content (data or deletes).
class ManifestWriter {
 public:
  // `schema` is the table's current schema, `spec` the manifest's partition spec;
  // `snapshot_id` and `sequence_number` are those of the snapshot that adds the manifest.
  // InvalidArgument when the spec does not fit the schema.
  static Result<ManifestWriter> Make(const Schema& schema, const PartitionSpec& spec,
                                     ManifestContent content, int64_t snapshot_id,
                                     int64_t sequence_number,
                                     avro::Codec codec = avro::Codec::kDeflate);

  // Adds an entry. ADDED entries without a snapshot id get this writer's; their sequence
  // numbers may stay null (inherited on read). EXISTING and DELETED entries must carry
  // snapshot_id, sequence_number and file_sequence_number. InvalidArgument (nothing added)
  // for a missing value, a partition tuple that does not match the spec's result types, or
  // a file whose content does not match the manifest's.
  Status Add(const ManifestEntry& entry);

  size_t entry_count() const { return entries_; }

  // The finished file and its manifest list entry (manifest_path = `path`, manifest_length =
  // the byte size, counts, partition summaries). The writer must not be used afterwards.
  Result<std::pair<std::string, ManifestFile>> Finish(std::string path);

 private:
  ManifestWriter() = default;

  struct Summary {
    bool contains_null = false;
    bool contains_nan = false;
    std::optional<Literal> lower, upper;
  };

  std::vector<NestedField> partition_type_;
  avro::NodePtr avro_schema_;
  std::unique_ptr<avro::ContainerWriter> writer_;
  ManifestFile info_;
  std::vector<Summary> summaries_;
  size_t entries_ = 0;
  std::optional<int64_t> min_sequence_number_;
};

struct Manifest {
  std::map<std::string, std::string> metadata;  // the file's header keys
  int partition_spec_id = 0;
  ManifestContent content = ManifestContent::kData;
  std::vector<ManifestEntry> entries;
};

// Reads a manifest. With `list_entry` (the manifest list entry the file was found through),
// inheritance is applied (spec "Sequence Number Inheritance"): a null snapshot_id becomes
// added_snapshot_id, and null sequence numbers of ADDED entries become the entry's
// sequence_number. Partition values are typed from the partition record's Avro types.
// Corruption/ParseError for damaged files or missing required fields.
Result<Manifest> ReadManifest(std::string_view bytes, const ManifestFile* list_entry = nullptr);

// Writes a manifest list for snapshot `snapshot_id` (header keys snapshot-id,
// parent-snapshot-id ("null" when none), sequence-number, format-version).
Result<std::string> WriteManifestList(int64_t snapshot_id, std::optional<int64_t> parent_snapshot_id,
                                      int64_t sequence_number,
                                      const std::vector<ManifestFile>& manifests,
                                      avro::Codec codec = avro::Codec::kDeflate);

// Reads a manifest list. Corruption/ParseError for damaged files or missing required fields.
Result<std::vector<ManifestFile>> ReadManifestList(std::string_view bytes);

}  // namespace silt::iceberg
