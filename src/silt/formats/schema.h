// Column schemas of the formats: names, types and the documentation shown by `silt formats`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"

namespace silt::formats {

// The value types a format can produce. Kept small and Iceberg-compatible: no unsigned
// types, timestamps are microseconds since the epoch in UTC.
enum class ColumnType { kVarchar, kInt32, kInt64, kTimestampTz, kBoolean, kDouble };

std::string_view ColumnTypeSqlName(ColumnType t);  // "VARCHAR", "INTEGER", "TIMESTAMPTZ", ...

struct ColumnSpec {
  std::string name;
  ColumnType type;
  std::string doc;
};

using Schema = std::vector<ColumnSpec>;

// Index of the column named `name`, or -1.
int FindColumn(const Schema& schema, std::string_view name);

// Parses a type name: VARCHAR (TEXT, STRING), INTEGER (INT, INT32), BIGINT (INT64, LONG),
// DOUBLE (FLOAT, REAL), BOOLEAN (BOOL), TIMESTAMPTZ (TIMESTAMP); any case.
Result<ColumnType> ParseColumnType(std::string_view name);

// Parses declared columns: "status INTEGER, path VARCHAR, ts TIMESTAMPTZ". Names are
// identifiers ([A-Za-z_][A-Za-z0-9_.]*, a dot allowed for JSON paths) and must be unique.
Result<Schema> ParseColumnDecls(std::string_view text);

}  // namespace silt::formats
