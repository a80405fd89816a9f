// Schema evolution of silt's Iceberg tables: what an append does when its query returns a
// column the table does not have or a wider type (SchemaMode), and the explicit changes of
// `silt table alter` (add a column, rename one, widen one's type).
//
// Every change is a new schema (schema.h: AddColumn, RenameColumn, WidenColumn) made current
// in the same metadata commit as the data that needs it (an append), or alone (alter). Field
// ids never change, so data files written before keep reading by id: an added column reads as
// NULL in them, a renamed one under its new name, a widened one promoted.
//
// Thread safety: the functions are reentrant.
#pragma once

#include <duckdb.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "silt/catalog/committer.h"
#include "silt/common/status.h"
#include "silt/iceberg/metadata.h"
#include "silt/iceberg/partition.h"
#include "silt/iceberg/schema.h"
#include "silt/table/warehouse.h"

namespace silt::table {

// How an append treats a query that does not fit the table's schema.
enum class SchemaMode {
  // The default. A query column the table lacks becomes a new optional column (next field
  // id); a query type wider than the column's (INTEGER column, BIGINT values: int -> long;
  // FLOAT -> DOUBLE) widens the column; other types are cast to the column's type when the
  // cast keeps the kind of value (any integer into long, numbers into float/double, dates
  // and timestamps into timestamps, anything primitive into string) and are an error
  // otherwise (e.g. VARCHAR into a long column).
  kEvolve,
  // The schema never changes: a column the table lacks is an error, every value is cast to
  // the column's type (silt's behaviour before evolution existed).
  kError,
};

// "evolve" | "error" (case-insensitive); InvalidArgument naming both otherwise.
Result<SchemaMode> ParseSchemaMode(std::string_view text);
std::string_view SchemaModeName(SchemaMode mode);

// A query result column: its name and DuckDB type.
using QueryColumn = std::pair<std::string, duckdb_type>;

// The schema an append of a query with `columns` writes with.
struct SchemaPlan {
  iceberg::Schema schema;             // `current`, or the evolved schema (schema_id unchanged)
  std::vector<std::string> added;     // names of new columns
  std::vector<std::string> widened;   // "name: int -> long"
  bool changed() const { return !added.empty() || !widened.empty(); }
};

// Plans the schema for appending `columns` (matched by name, case-insensitive) to a table
// whose current schema is `current` and whose last-column-id is `last_column_id`. `spec`:
// columns a partition field uses with identity or truncate (whose partition values have the
// column's type) are not widened (the values are cast instead). InvalidArgument naming the
// table (`identifier`), the column and both types for an incompatible type; in kError mode,
// naming every new column and how to allow them; for a new column of a type silt does not
// write (CAST it).
Result<SchemaPlan> PlanAppendSchema(const iceberg::Schema& current, int last_column_id,
                                    const iceberg::PartitionSpec& spec,
                                    const std::vector<QueryColumn>& columns, SchemaMode mode,
                                    std::string_view identifier);

// Whether data files written with schema `written` read correctly under `target`: every
// column of `written` is in `target` with the same id and name (case-insensitive) and the same
// or a promoted type, and every column of `target` not in `written` is optional. An append
// that lost a catalog race checks its files against the new current schema with this.
bool FilesFitSchema(const iceberg::Schema& written, const iceberg::Schema& target);

// ---- silt table alter ----

enum class AlterKind { kAddColumn, kRenameColumn, kWidenColumn };

struct AlterTableRequest {
  std::string identifier;  // "namespace.table"
  AlterKind kind = AlterKind::kAddColumn;
  std::string column;      // the column added, renamed or widened (case-insensitive match)
  std::string new_name;    // kRenameColumn
  // kAddColumn: a type silt writes (IcebergTypeFromSql: BIGINT, VARCHAR, ...). kWidenColumn:
  // the same names or an Iceberg type ("long", "double", "decimal(12,2)").
  std::string type;
  std::string doc;         // kAddColumn: the column's doc (optional)
};

struct AlterTableResult {
  catalog::CommitResult commit;
  std::string change;      // "added column x (id 7, string)", "renamed a to b", ...
};

// Applies one change to the table's current schema as a single metadata commit through
// CommitWithRetry (a lost race applies it again to the new current schema); snapshots and
// data files are unchanged. Errors: NotFound for an unknown table or column;
// InvalidArgument for a name that exists (case-insensitive), a bad name or type, a change
// Iceberg does not allow (widening other than int -> long, float -> double, wider decimal;
// widening a column an identity or truncate partition field uses), a no-op; catalog errors.
Result<AlterTableResult> AlterIcebergTable(Warehouse& warehouse, const AlterTableRequest& request);

}  // namespace silt::table
