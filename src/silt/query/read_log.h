// read_log(): raw log objects as a DuckDB table, one table function for every format.
//
//   SELECT * FROM read_log('logs/', format => 's3_access');
//   SELECT * FROM read_log(['a.log', 'b.log.gz'], format => 's3_access');
//   SELECT * FROM read_log_rejects('logs/', format => 's3_access');  -- lines that did not parse
//
// Scans run on DuckDB's threads (objects and 32 MiB ranges of large objects are claimed
// atomically), only the columns the query reads are decoded, and memory stays bounded.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <memory>

#include "silt/common/status.h"
#include "silt/query/log_scan.h"

namespace silt::query {

// Registers read_log and read_log_rejects on the connection.
Status RegisterReadLog(duckdb_connection conn);

// For callers that resolved their inputs themselves (silt convert): makes `plan` readable as
// read_log(plan => <id>). The registration lasts until UnregisterPlan(id).
uint64_t RegisterPlan(std::shared_ptr<ScanPlan> plan);
void UnregisterPlan(uint64_t id);

// Process-wide totals of lines rejected by read_log scans (for the CLI's after-query note).
uint64_t ReadLogRejectsSeen();

}  // namespace silt::query
