// Folders in SQL: `silt sql "SELECT ... FROM 'out'"` reads a folder by its path.
//
// - A `silt convert` output reads exactly the files its run manifests name (with the day/hour
//   partition columns from the folder names), so a query never sees a run's files twice:
//   neither while a re-run replaces them nor after a crash left the previous files behind. A
//   glob ('out/**/*.parquet') reads whatever files are there. The partition of rows without
//   an event time (day=__HIVE_DEFAULT_PARTITION__) has NULL day and hour.
// - Any other folder with Parquet files under it reads them all, leaving out files and folders
//   whose name starts with '_' or '.' (not data, as for Hive-style readers).
// - A folder without Parquet files is an error that says how raw logs are read (read_log).
// s3:// folders work the same: silt sql mirrors them into its local cache first
// (remote_cache.h), manifests included.
#pragma once

#include <optional>
#include <string>

#include "silt/common/status.h"
#include "silt/query/database.h"

namespace silt::table {

// The table macro a folder reference turns into: read_parquet() of a list of files or globs,
// Hive partition columns included, columns matched by name across files.
inline constexpr const char* kFolderMacro = "silt_read_folder";
// The same for an output with a partition of rows without a time (day=__HIVE_DEFAULT_PARTITION__,
// Hive's name for NULL, which DuckDB reads as text): its day (and hour) read as NULL there.
inline constexpr const char* kFolderNullDayMacro = "silt_read_folder_null_day";
inline constexpr const char* kFolderNullHourMacro = "silt_read_folder_null_hour";

// How `name` (as written in FROM) is read: nullopt when it is not a local folder.
Result<std::optional<query::TableCall>> ResolveFolder(const std::string& name);

// Creates the macro and adds ResolveFolder to `db`'s table resolvers.
Status AddFolderTables(query::Database& db);

}  // namespace silt::table
