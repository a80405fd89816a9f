// Rewriting an Iceberg table's data files, copy-on-write (no delete files, so every reader,
// PyIceberg and icebird included, reads the result):
//
//   DeleteWhere     rows for which a SQL filter is TRUE disappear: the live data files holding
//                   at least one such row are replaced by files holding their other rows.
//   OverwriteWhere  the same, plus a query's rows, in one snapshot (Iceberg's "overwrite").
//   Compact         per partition, small files are bin-packed into groups of about the target
//                   size and each group is rewritten as one file; the data is unchanged
//                   (operation "replace").
//
// New files are written exactly as appends write them (iceberg_writer.h AppendQuery with
// commit = false: field ids, the iceberg.schema key, metrics and bounds, the current
// partition spec), then committed with the removals as ONE snapshot through CommitWithRetry.
// On any failure nothing is committed and the files written are deleted again.
//
// Rows are read by Iceberg field id and presented with the table's current column names, so
// files written under older schemas are rewritten correctly. Tables with row-level delete files
// (written by other engines) are refused: their rows cannot be read correctly yet.
//
// Concurrency: other writers may commit meanwhile. Appends that land between planning and
// committing are kept (the commit is retried on top of them); a delete or overwrite whose
// filter matches rows such an append added fails with PreconditionFailed instead of leaving
// them (serializable, as Iceberg's default isolation). A file removed by a concurrent commit
// makes the rewrite fail with PreconditionFailed (run again), as does a concurrent change of
// the partition spec or a schema change the new files do not fit (schema_evolution.h
// FilesFitSchema; a column added meanwhile is fine).
//
// Thread safety: functions are reentrant; one Database must not be used by two calls at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/query/database.h"
#include "silt/table/warehouse.h"

namespace silt::table {

struct RewriteOptions {
  std::string compression = "zstd";  // of the new files: zstd | snappy | gzip | lz4 | uncompressed
  uint64_t target_file_bytes = 512ull << 20;  // unpartitioned tables: a new file past this size
  // Called at the start of every commit attempt (1, 2, ...), after the new files are written
  // and before the snapshot is built; tests use it to race a concurrent writer. May be empty.
  std::function<void(int attempt)> on_commit_attempt;
};

struct RewriteResult {
  int64_t snapshot_id = 0;      // 0: nothing matched and nothing was added: nothing committed
  std::string operation;        // "overwrite", "delete" or "append" (overwrite with no match)
  int64_t rows_deleted = 0;     // rows for which the filter was TRUE
  int64_t rows_added = 0;       // OverwriteWhere: the query's rows
  int files_scanned = 0;        // live data files the filter was evaluated on
  int files_rewritten = 0;      // files replaced by files holding their remaining rows
  int files_removed = 0;        // files all of whose rows matched (removed, no replacement)
  int files_added = 0;          // new files (replacements and the query's files)
  std::string metadata_location;
  int attempts = 0;
};

// Deletes the rows of table `identifier` for which `where_sql` (a DuckDB boolean expression
// over the table's columns, e.g. "http_status = 404") is TRUE; rows where it is FALSE or NULL
// stay. Files without a matching row are kept as they are. The snapshot's operation is
// "overwrite" (or "delete" when no affected file keeps a row); its summary has silt.delete =
// the filter (its sha256 when longer than 512 bytes) and silt.run = a fresh uuid. The
// remaining rows of the affected files of one partition go to one new file (unpartitioned:
// files of about options.target_file_bytes). A filter matching no row commits nothing
// (snapshot_id 0). Errors: NotFound for an unknown table; InvalidArgument for an empty or
// invalid filter (DuckDB's message) or a table with delete files; PreconditionFailed when a
// concurrent commit conflicts (see above); store and catalog errors.
Result<RewriteResult> DeleteWhere(Warehouse& warehouse, query::Database& db,
                                  std::string_view identifier, const std::string& where_sql,
                                  const RewriteOptions& options = {});

// DeleteWhere(where_sql) and an append of `select_sql`'s rows (columns matched by name and
// cast as AppendQuery does) in ONE snapshot: readers see the old rows or the new ones, never
// both or neither. The summary has silt.overwrite = the filter and silt.inputs = the query.
// Nothing is committed when the filter matches nothing and the query returns no rows.
// Errors as DeleteWhere's, plus AppendQuery's for the query.
Result<RewriteResult> OverwriteWhere(Warehouse& warehouse, query::Database& db,
                                     std::string_view identifier, const std::string& where_sql,
                                     const std::string& select_sql,
                                     const RewriteOptions& options = {});

struct CompactOptions {
  uint64_t target_file_bytes = 512ull << 20;  // size of the files compaction aims for
  // Only files smaller than small_file_ratio * target_file_bytes are rewritten, and only in
  // partitions with at least min_input_files of them.
  double small_file_ratio = 0.75;
  int min_input_files = 2;
  std::string compression = "zstd";
  std::function<void(int attempt)> on_commit_attempt;  // as RewriteOptions::on_commit_attempt
};

// What compaction did in one partition.
struct PartitionCompaction {
  std::string partition;  // "request_time_day=2024-03-01" (spec path); "" when unpartitioned
  int spec_id = 0;
  int files_before = 0;   // live data files of the partition before
  int files_after = 0;    // and after
  int files_rewritten = 0;
  int64_t bytes_rewritten = 0;  // size of the files rewritten
  int64_t bytes_written = 0;    // size of the files that replaced them
  int64_t records = 0;          // rows rewritten (the same before and after)
};

struct CompactResult {
  int64_t snapshot_id = 0;  // 0: no partition had enough small files: nothing committed
  int files_before = 0;     // live data files of the table before
  int files_after = 0;      // and after
  int64_t records = 0;      // rows rewritten
  std::vector<PartitionCompaction> partitions;  // the partitions rewritten, in path order
  std::string metadata_location;
  int attempts = 0;
};

// Compacts table `identifier`: per partition (spec and partition values), the files smaller
// than the threshold are grouped first-fit by size into groups of at most target_file_bytes
// (groups of one file are left alone), and each group is rewritten as one file (unpartitioned
// tables: files of about target_file_bytes) under the current spec. Commits one "replace"
// snapshot whose summary has silt.compact (target and file counts) and silt.run; the row count
// is checked to be unchanged before committing. Errors: NotFound for an unknown table;
// InvalidArgument for a target of 0, a ratio outside (0, 1], or a table with delete files;
// PreconditionFailed when a concurrent commit removed an input file or changed the schema or
// spec; store, DuckDB and catalog errors.
Result<CompactResult> Compact(Warehouse& warehouse, query::Database& db, std::string_view identifier,
                              const CompactOptions& options = {});

}  // namespace silt::table
