// Prints query results for people (an aligned table) and for programs (CSV, JSON lines).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "silt/common/status.h"
#include "silt/query/database.h"

namespace silt::query {

enum class OutputFormat { kTable, kCsv, kJson };

Result<OutputFormat> ParseOutputFormat(const std::string& name);

struct PrintOptions {
  OutputFormat format = OutputFormat::kTable;
  uint64_t max_rows = 1000;  // table format only; the rest is summarised
  size_t max_width = 60;     // table format: longer values are cut with "…"
};

// Writes `result` to `out`. `types`, when given, are the columns' real types (for alignment
// and JSON literals) where the result holds their text. Returns IoError when writing fails
// (e.g. a closed pipe).
Status PrintResult(QueryResult& result, const PrintOptions& options, FILE* out,
                   const std::vector<duckdb_type>* types = nullptr);

}  // namespace silt::query
