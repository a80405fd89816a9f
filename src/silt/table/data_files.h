// Parquet files becoming Iceberg data files: their metrics from the footers, and their place
// in a table. Shared by every writer of table data (appends of a query, `convert --table`,
// rewrites).
#pragma once

#include <string>
#include <vector>

#include "silt/common/status.h"
#include "silt/iceberg/manifest.h"
#include "silt/iceberg/metadata.h"
#include "silt/query/database.h"
#include "silt/table/warehouse.h"

namespace silt::table {

// A Parquet file on local disk, written with the table schema's field ids, and its partition
// tuple (in the default spec's order; empty when unpartitioned).
struct LocalDataFile {
  std::string path;
  std::vector<iceberg::Literal> partition;
};

// Data file entries for `files`: record count, size, per-column sizes, value and null counts,
// lower/upper bounds (Iceberg's single-value serialization; strings cut to 16 characters as
// Java does; never NaN) and split offsets, read from the Parquet footers with DuckDB's
// parquet_metadata(). file_path is the local path (PlaceDataFiles sets the final one).
// InvalidArgument when a required column of `schema` holds nulls (or an unknown number).
Result<std::vector<iceberg::DataFile>> DescribeParquetFiles(query::Database& db,
                                                            const iceberg::Schema& schema,
                                                            const std::vector<LocalDataFile>& files,
                                                            std::string_view table_name);

// Moves (local warehouse) or uploads with put-if-absent (s3) each file to
// <table location>/data/<partition path>/<uuid>.parquet and sets its file_path to that URI.
// `local_paths[i]` is where files[i] is now. On failure the files already placed are deleted
// again and the error returned.
Status PlaceDataFiles(Warehouse& warehouse, const iceberg::TableMetadata& metadata,
                      const iceberg::PartitionSpec& spec, const std::vector<std::string>& local_paths,
                      std::vector<iceberg::DataFile>* files);

}  // namespace silt::table
