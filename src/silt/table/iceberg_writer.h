// Writing Iceberg tables with DuckDB: table schemas from silt formats, declared columns or a
// query's result; partition specs from text; appending a query's result as Parquet data files
// (field ids, the `iceberg.schema` key/value entry, metrics and bounds) committed through the
// warehouse's catalog.
//
// An append runs
//   COPY (SELECT <table columns, cast, in table order>, <derived partition columns>
//         FROM (<query>)) TO '<staging>' (FORMAT parquet, FIELD_IDS {...},
//         KV_METADATA {'iceberg.schema': ...}, RETURN_STATS true, PARTITION_BY (<derived>))
// so every table column stays inside the files (DuckDB leaves PARTITION_BY columns out, and
// the derived ones are not table columns). The derived columns hold the transform results as
// integers (or hex for strings), which the writer reads back from the folder names. Column
// metrics come from the files' footers (parquet_metadata()). Files are then moved (local) or
// uploaded (s3) to <table location>/data/<partition path>/<uuid>.parquet and committed with
// CommitWithRetry as one "append" snapshot. On any failure nothing is committed and the data
// files already placed are deleted again.
//
// Thread safety: functions are reentrant; one Database must not be used by two appends at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/catalog/committer.h"
#include "silt/common/status.h"
#include "silt/iceberg/metadata.h"
#include "silt/iceberg/partition.h"
#include "silt/iceberg/schema.h"
#include "silt/query/database.h"
#include "silt/table/schema_evolution.h"
#include "silt/table/warehouse.h"

namespace silt::table {

// ---- types and schemas ----

// The Iceberg type of a DuckDB SQL type name (case-insensitive, aliases as DuckDB spells
// them): BIGINT/INT8/LONG -> long, INTEGER/INT/INT4 (and SMALLINT, TINYINT) -> int, DOUBLE ->
// double, FLOAT/REAL -> float, VARCHAR/TEXT/STRING -> string, BOOLEAN/BOOL -> boolean,
// TIMESTAMPTZ / TIMESTAMP WITH TIME ZONE -> timestamptz, TIMESTAMP -> timestamp, DATE -> date.
// InvalidArgument naming the type for anything else.
Result<iceberg::TypePtr> IcebergTypeFromSql(std::string_view sql_type);

// The DuckDB type silt writes for an Iceberg primitive type ("BIGINT", "TIMESTAMPTZ", ...).
// InvalidArgument for types silt does not write (decimal, uuid, fixed, binary, time, nested).
Result<std::string> SqlTypeForIceberg(const iceberg::Type& type);

// Trino's name of an Iceberg type: bigint, integer, varchar, timestamp(6) with time zone, ...
std::string TrinoTypeName(const iceberg::Type& type);

struct ColumnDecl {
  std::string name;
  std::string sql_type;  // a DuckDB type name IcebergTypeFromSql accepts
  std::string doc;
};

// A schema (id 0) with optional columns numbered 1..n in order. InvalidArgument for an empty
// list, a duplicate or empty name, or an unsupported type.
Result<iceberg::Schema> SchemaFromColumns(const std::vector<ColumnDecl>& columns);

// Parses "a BIGINT, b VARCHAR, ts TIMESTAMP WITH TIME ZONE" (names may be "double quoted").
Result<std::vector<ColumnDecl>> ParseColumnList(std::string_view text);

// The columns of a silt format (formats::FindFormat(name)->schema()), with their docs.
// InvalidArgument naming the known formats for an unknown one, or for a format whose columns
// come from options (csv, jsonl, regex): declare those with ParseColumnList.
Result<std::vector<ColumnDecl>> ColumnsOfFormat(std::string_view format);

// The result columns of a SELECT (run with LIMIT 0), as declarations.
Result<std::vector<ColumnDecl>> ColumnsOfQuery(query::Database& db, const std::string& select_sql);

// ---- partitioning ----

// Parses a partition spec: comma-separated fields, each `col` or `identity(col)`, `year(col)`,
// `month(col)`, `day(col)`, `hour(col)`, `bucket(N, col)` (or Trino's `bucket(col, N)`),
// `truncate(W, col)` (or `truncate(col, W)`), `void(col)`; empty text = unpartitioned.
// Names are the Java defaults (Transform::DefaultName). InvalidArgument naming the bad field.
Result<std::vector<iceberg::PartitionFieldRequest>> ParsePartitionBy(std::string_view text);

// One partition field in Trino's notation: "day(request_time)", "bucket(key, 16)", "key".
std::string TrinoPartitionField(const iceberg::PartitionField& field, const iceberg::Schema& schema);

// ---- create ----

struct CreateTableRequest {
  std::string identifier;  // "namespace.table"
  iceberg::Schema schema;
  std::vector<iceberg::PartitionFieldRequest> partition_by;
  std::map<std::string, std::string> properties;  // added to silt's defaults
};

// Creates the table at Warehouse::TableLocation (creating the namespace when it does not
// exist) with properties write.format.default=parquet, write.parquet.compression-codec=zstd.
// AlreadyExists naming the table; InvalidArgument for a bad identifier, schema or spec.
Result<catalog::CommitResult> CreateIcebergTable(Warehouse& warehouse,
                                                 const CreateTableRequest& request);

// Loads a table; NotFound naming it and listing the tables of its namespace when absent.
Result<catalog::CommitResult> LoadIcebergTable(Warehouse& warehouse, std::string_view identifier);

// ---- append ----

struct AppendRequest {
  std::string identifier;
  // A SELECT (or any query DuckDB accepts as a subquery). Its columns are matched to the
  // table's by name (case-insensitive) and cast to the table's types; table columns it does
  // not return are written as NULL. A column the table does not have, or a wider type, is
  // handled by `schema_mode` (schema_evolution.h).
  std::string select_sql;
  // kEvolve (default): new columns are added and types widened, in the same commit as the
  // data (the files carry the new schema's field ids). kError: a new column is an error.
  // With commit = false the schema never changes (as kError, wider types are cast).
  SchemaMode schema_mode = SchemaMode::kEvolve;
  // Recorded in the snapshot summary: silt.inputs (the text, or "sha256:<hex>" of it when it
  // is longer than 512 bytes; default: the query itself) and silt.run (a fresh uuid unless
  // given). Extra keys may be added in `summary` (not Iceberg's own key names).
  std::string inputs;
  std::string run_id;
  std::map<std::string, std::string> summary;
  std::string compression = "zstd";  // zstd | snappy | gzip | lz4 | uncompressed
  uint64_t row_group_size = 122880;
  uint64_t target_file_bytes = 512ull << 20;  // unpartitioned: a new file past this size
  // false: write and place the data files but commit nothing (no snapshot, summary unused);
  // AppendResult::files names them. The caller then commits them itself (table_rewrite.h
  // adds them with removals in one snapshot) or deletes them.
  bool commit = true;
  // Checked against the table as it is when the commit is built (on every attempt): an error
  // stops the append (nothing committed, the files deleted). E.g. exactly-once conversions
  // check that no other run of the same source committed meanwhile.
  std::function<Status(const iceberg::TableMetadata& base)> precondition;
};

struct AppendResult {
  int64_t snapshot_id = 0;
  int64_t records = 0;
  int64_t bytes = 0;
  std::vector<iceberg::DataFile> files;  // as committed (absolute URIs)
  std::string metadata_location;
  int attempts = 0;
  // The schema and partition spec the files were written with (the table's current ones).
  int schema_id = 0;
  int spec_id = 0;
  // Schema changes the commit made (schema_mode kEvolve): new column names, and
  // "name: int -> long" per widened column. Empty when the schema stayed as it was.
  std::vector<std::string> added_columns;
  std::vector<std::string> widened_columns;
  // How often the files were written again because another writer's schema change made the
  // ones written before not fit (normally 0).
  int schema_rewrites = 0;
};

// Appends the result of request.select_sql to the table, as one snapshot. `db` must be open
// (read_log() registered); the writer registers its helper functions on it and leaves its
// settings as they were. Rows are written in no particular order, grouped by partition.
// Concurrent appends to one table (other threads, other processes) all land: lost catalog
// races are retried (catalog/committer.h). An empty result
// commits nothing and returns snapshot_id 0 (and changes no schema). A schema change and the
// data that needs it are one metadata commit; when another writer changed the schema first,
// the written files are checked against the new current schema (FilesFitSchema) and, if they
// do not fit, deleted and written again against it. Errors: NotFound for an unknown table
// (with the namespace's tables), InvalidArgument for a column mismatch (PlanAppendSchema),
// DuckDB's own errors, store and catalog errors.
Result<AppendResult> AppendQuery(Warehouse& warehouse, query::Database& db,
                                 const AppendRequest& request);

// Registers the DuckDB scalar functions appends use (idempotent per connection):
// __silt_bucket_long(BIGINT, INTEGER) and __silt_bucket_string(VARCHAR, INTEGER), Iceberg's
// bucket transform of a value already widened to a long (days for dates, micros for
// timestamps) or of a string.
Status RegisterIcebergFunctions(query::Database& db);

// ---- reading for display ----

// "CREATE TABLE <catalog>.<identifier> (\n   col type,\n ...)\nWITH (...)" as Trino's SHOW
// CREATE TABLE prints it, with the field ids and docs as comments.
std::string ShowCreateTable(const std::string& catalog_name, const std::string& identifier,
                            const iceberg::TableMetadata& metadata);

}  // namespace silt::table
