// silt convert: raw log objects -> a Parquet dataset (zstd, sized row groups, Parquet field
// ids, Hive-style day/hour partition folders) plus a rejects file, through DuckDB's Parquet
// writer fed by read_log().
//
// Idempotent: a run is identified by its format and its input locations; running the same
// conversion into the same output again replaces that run's previous files instead of adding
// a second copy. Each run publishes a manifest (_silt/runs/<run>.json) listing the exact input
// object versions and output files; new files are fully written before the manifest names
// them, and old files are deleted only after the new manifest is stored.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/query/log_scan.h"
#include "silt/store/store.h"

namespace silt::table {

enum class Partitioning { kNone, kDay, kHour };
Result<Partitioning> ParsePartitioning(const std::string& name);

// The partition folder value of rows whose event time is NULL ("day=<this>"), as Hive, Spark
// and DuckDB name a NULL partition value.
inline constexpr std::string_view kNullPartition = "__HIVE_DEFAULT_PARTITION__";

struct ConvertOptions {
  std::vector<std::string> inputs;  // paths, directories, globs
  // The objects to read, when the caller resolved `inputs` already (e.g. only those not yet
  // in a table); `inputs` still names the run.
  std::vector<query::InputObject> objects;
  std::string format;               // format id, e.g. "s3_access"
  std::map<std::string, std::string> format_options;  // e.g. {"delimiter", ";"} for csv
  // Adds the captures of a pattern such as "{customer}/audit/{date}.csv" as VARCHAR columns
  // (matched against each object's key relative to its input location; see key_pattern.h).
  std::string key_pattern;
  // Adds source_object and source_line columns.
  bool source_columns = false;
  std::string output;               // output directory (file:// or a path)
  Partitioning partition = Partitioning::kDay;
  std::string compression = "zstd";  // zstd | snappy | gzip | lz4 | uncompressed
  int compression_level = 0;         // 0 = silt's default for the codec
  // Rows per row group. Each writing thread buffers one row group: 40,960 rows of access logs
  // keep a conversion under ~300 MB of memory for ~2% more bytes than 122,880 would.
  uint64_t row_group_size = 40960;
  uint64_t target_file_bytes = 512ull << 20;  // with kNone: start a new file past this size
  int threads = 0;                   // 0 = all cores
  std::string memory_limit;          // DuckDB memory limit, e.g. "1GB"; "" = silt's default
  // Extra Parquet key/value metadata for every file (e.g. "iceberg.schema").
  std::map<std::string, std::string> kv_metadata;
};

// One file a conversion wrote.
struct ConvertOutput {
  std::string key;        // relative to the output location
  std::string partition;  // its partition folder ("day=2024-05-01", "day=…/hour=07"), "" for none
  uint64_t bytes = 0;
};

struct ConvertProgress {
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  uint64_t rows = 0;
  uint64_t rejects = 0;
  double seconds = 0;
};

struct ConvertSummary {
  std::string run_id;
  uint64_t objects = 0;
  uint64_t input_bytes = 0;
  uint64_t rows = 0;
  uint64_t rejects = 0;
  uint64_t skipped_lines = 0;  // blank lines
  uint64_t files = 0;
  uint64_t output_bytes = 0;
  uint64_t replaced_files = 0;  // files of the previous run of the same conversion, removed
  std::vector<ConvertOutput> outputs;
  double seconds = 0;
  std::string rejects_file;  // empty when there were no rejects
  std::string manifest;
};

// How input locations identify a run (Convert) or a source (ConvertToTable), each list
// sorted: [0] today's spelling (Uri::Identity, no trailing slash); [1] and [2] what earlier
// builds used — as written (Uri::ToString) and with a trailing slash on s3:// locations — so
// that runs and bookmarks they left are taken over instead of converted again.
Result<std::array<std::vector<std::string>, 3>> LocationIdentities(
    const std::vector<std::string>& locations);

// Runs the conversion. `progress`, when set, is called about twice a second from another
// thread while the conversion runs. Errors: InvalidArgument (options), NotFound (inputs),
// IoError and whatever DuckDB reports. On error nothing of the new run is published.
Result<ConvertSummary> Convert(const ConvertOptions& options,
                               const std::function<void(const ConvertProgress&)>& progress = {});

// The data files a conversion output holds now: those its run manifests (_silt/runs/*.json)
// name, as keys relative to `out`, sorted. Files a run left behind (a crash between publishing
// a new manifest and deleting the previous files) are not among them. NotFound when `out`
// holds no manifest; InvalidArgument for a manifest that cannot be read.
Result<std::vector<std::string>> PublishedFiles(store::Store& out);

}  // namespace silt::table
