// Catalog tables in SQL: `silt sql` shows every table of the warehouse's catalog as
// `namespace.table` at its current snapshot, or at an older one (`FROM ns.t AT (VERSION => id)`
// or BindOptions::snapshot_id), reading only the data files that can hold rows the query asks
// for.
//
// How: before a statement runs, silt parses it with DuckDB (json_serialize_sql), finds the
// references to catalog tables and the comparisons of their columns with constants in the
// WHERE clause of the same SELECT (=, <, <=, >, >=, BETWEEN, joined by AND), plans the
// snapshot's files (manifest list -> manifests -> live files) and drops the files whose
// partition values or column bounds exclude the comparison. Each reference then reads a view
// over read_parquet() of the remaining files, with columns matched by Iceberg field id (so
// renamed and added columns read correctly). Statements that DuckDB cannot serialize (not a
// SELECT) see every table over all its files.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/iceberg/metadata.h"
#include "silt/iceberg/table_ops.h"
#include "silt/query/database.h"
#include "silt/table/warehouse.h"

namespace silt::table {

struct BindOptions {
  std::optional<int64_t> snapshot_id;  // read every table at this snapshot (time travel)
};

// What binding did, per table reference (for `silt sql --explain-files` and tests).
struct BoundTable {
  std::string table;           // "ns.name"
  std::optional<int64_t> snapshot_id;
  size_t files_total = 0;      // live data files of the snapshot
  size_t files_scanned = 0;    // after pruning
  std::string view;            // the view the statement reads
};

// Creates the views the statement needs in `db` and returns the statement to run (the text
// is unchanged except where a reference carries an AT clause). Statements that name no
// catalog table come back unchanged. NotFound for an unknown snapshot; InvalidArgument for a
// table with row-level delete files (not read yet) or an AT clause silt cannot resolve.
Result<std::string> BindCatalogTables(query::Database& db, Warehouse& warehouse,
                                      std::string_view sql, const BindOptions& options,
                                      std::vector<BoundTable>* bound = nullptr);

// A test of data files for a filter over `metadata`'s current schema (the text of a WHERE
// clause): false only for files whose partition values or column bounds show that no row can
// make the filter TRUE (comparisons with constants joined by AND, as above). A filter silt
// cannot read keeps every file. Errors only from DuckDB's parser.
Result<std::function<bool(const iceberg::PlannedFile&)>> FilePrunerForFilter(
    query::Database& db, const iceberg::TableMetadata& metadata, std::string_view where_sql);

}  // namespace silt::table
