// Converting raw logs into an Iceberg table (`silt convert --table ns.name`), exactly once:
// the snapshot summary of every such commit records the input object versions it consumed
// (silt.inputs: their count, bytes and a SHA-256 over names, sizes and ETags), and a run over
// inputs already committed commits nothing. A table that does not exist is created from the
// format's columns (plus key-pattern and source columns), partitioned by day or hour of the
// format's event time.
#pragma once

#include <cstdint>
#include <string>

#include "silt/common/status.h"
#include "silt/query/log_scan.h"
#include "silt/table/convert.h"
#include "silt/table/schema_evolution.h"
#include "silt/table/warehouse.h"

namespace silt::table {

struct TableConvertSummary {
  std::string table;
  bool created = false;            // the table was created by this run
  bool already_committed = false;  // the same inputs were committed before: nothing written
  int64_t snapshot_id = 0;         // the new snapshot, or the earlier one that holds the inputs
  uint64_t objects = 0;
  uint64_t input_bytes = 0;
  uint64_t rows = 0;
  uint64_t rejects = 0;
  std::string rejects_file;        // in the warehouse, when there were rejects
  uint64_t files = 0;
  uint64_t output_bytes = 0;
  std::string inputs;              // the silt.inputs value
  double seconds = 0;
};

// `options.output` is ignored; `options.partition` chooses the partition spec of a table that
// does not exist yet (an existing table keeps its own). `schema_mode`: what a column the table
// does not have (e.g. a new --key-pattern capture) or a wider type does (schema_evolution.h).
// Errors: as Convert's, the writer's (iceberg_writer.h) and the catalog's.
Result<TableConvertSummary> ConvertToTable(const ConvertOptions& options, const std::string& table,
                                           Warehouse& warehouse,
                                           SchemaMode schema_mode = SchemaMode::kEvolve);

// The silt.inputs value for a set of object versions.
std::string InputsIdentity(std::string_view format, const std::vector<query::InputObject>& objects);

}  // namespace silt::table
