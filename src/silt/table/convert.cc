#include "silt/table/convert.h"

#include "silt/table/jsonl_rejects.h"
#include "silt/table/staging.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/common/civil_time.h"
#include "silt/common/interrupt.h"
#include "silt/common/parallel.h"
#include "silt/common/strings.h"
#include "silt/common/uri.h"
#include "silt/formats/format.h"
#include "silt/query/database.h"
#include "silt/query/log_scan.h"
#include "silt/query/read_log.h"
#include "silt/store/store.h"

namespace silt::table {

namespace fs = std::filesystem;
using query::SqlQuote;

Result<Partitioning> ParsePartitioning(const std::string& name) {
  if (name == "day") return Partitioning::kDay;
  if (name == "hour") return Partitioning::kHour;
  if (name == "none") return Partitioning::kNone;
  return Status::InvalidArgument(fmt::format("unknown partitioning '{}' (day, hour, none)", name));
}

namespace {

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Raw lines of rows that belong to another partition than the one being written, one file
// per partition, read again when that partition is written. Memory stays bounded: lines go
// straight to disk.
class PartitionSpill final : public formats::RowSpill {
 public:
  PartitionSpill(fs::path dir, std::function<int64_t(int64_t)> bucket_of)
      : dir_(std::move(dir)), bucket_of_(std::move(bucket_of)) {}
  ~PartitionSpill() override {
    for (auto& [b, f] : open_) std::fclose(f.file);
  }

  void OnSpill(int64_t time_us, std::string_view preamble, std::string_view line) override {
    const int64_t bucket = bucket_of_(time_us);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(bucket);
    if (it == open_.end()) {
      std::error_code ec;
      fs::create_directories(dir_, ec);
      std::string name = fmt::format("spill-{}.log", seq_++);
      FILE* f = std::fopen((dir_ / name).c_str(), "w");
      if (f == nullptr) {
        ok_ = false;
        return;
      }
      it = open_.emplace(bucket, File{f, name, {}}).first;
    }
    File& f = it->second;
    bool w = true;
    if (!preamble.empty() && preamble != f.preamble) {
      f.preamble = std::string(preamble);
      w = std::fwrite(preamble.data(), 1, preamble.size(), f.file) == preamble.size() &&
          std::fputc('\n', f.file) != EOF;
    }
    w = w && std::fwrite(line.data(), 1, line.size(), f.file) == line.size() &&
        std::fputc('\n', f.file) != EOF;
    if (!w) ok_ = false;
  }

  // Closes the spill file of `bucket` and returns it as an input object (nullopt if none).
  Result<std::optional<query::InputObject>> Take(int64_t bucket) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(bucket);
    if (it == open_.end()) return std::optional<query::InputObject>();
    File f = it->second;
    open_.erase(it);
    if (std::fclose(f.file) != 0 || !ok_) {
      return Status::IoError(fmt::format("writing spill file {} failed", (dir_ / f.name).string()));
    }
    if (store_ == nullptr) {
      SILT_ASSIGN_OR_RETURN(Uri uri, ParseUri(dir_.string()));
      SILT_ASSIGN_OR_RETURN(auto st, store::OpenStore(uri));
      store_ = std::move(st);
    }
    SILT_ASSIGN_OR_RETURN(store::ObjectVersion v, store_->Head(f.name));
    return std::optional<query::InputObject>(query::InputObject{store_, v, (dir_ / f.name).string()});
  }

  std::vector<int64_t> Pending() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int64_t> out;
    for (const auto& [b, f] : open_) out.push_back(b);
    return out;
  }

  Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return ok_ ? Status::OK() : Status::IoError("writing spill files under " + dir_.string() + " failed");
  }

 private:
  struct File {
    FILE* file;
    std::string name;
    std::string preamble;
  };
  fs::path dir_;
  std::function<int64_t(int64_t)> bucket_of_;
  std::mutex mu_;
  std::map<int64_t, File> open_;
  int seq_ = 0;
  bool ok_ = true;
  std::shared_ptr<store::Store> store_;
};

std::string CodecOptions(const ConvertOptions& o) {
  std::string c = o.compression;
  std::transform(c.begin(), c.end(), c.begin(), ::tolower);
  static const std::set<std::string> kKnown = {"zstd", "snappy", "gzip", "lz4", "uncompressed"};
  if (kKnown.count(c) == 0) return {};
  std::string out = fmt::format("COMPRESSION {}", c);
  int level = o.compression_level;
  if (level == 0 && c == "zstd") level = 1;  // ~25% faster than level 3 for ~2% more bytes
  if (level != 0 && c == "zstd") out += fmt::format(", COMPRESSION_LEVEL {}", level);
  return out;
}

// A folder DuckDB's PARTITION_BY wrote ("day=NULL/hour=NULL" for rows without a time) with
// NULL spelt as Hive, Spark and silt's own partitioning spell it.
std::string HiveNullFolder(const std::string& folder) {
  std::string out;
  size_t begin = 0;
  while (begin <= folder.size()) {
    size_t end = folder.find('/', begin);
    if (end == std::string::npos) end = folder.size();
    const std::string_view part(folder.data() + begin, end - begin);
    if (begin != 0) out += '/';
    if (part.ends_with("=NULL")) {
      out += part.substr(0, part.size() - 4);
      out += kNullPartition;
    } else {
      out += part;
    }
    begin = end + 1;
  }
  return out;
}

struct PreviousRun {
  uint64_t generation = 0;
  std::vector<std::string> files;
  std::string rejects;
};

// Where an output keeps its run manifests (<prefix><run>.json).
constexpr std::string_view kRunsPrefix = "_silt/runs/";

// What a run manifest says about the run's files; InvalidArgument when it is not one.
Result<PreviousRun> ParseManifest(const std::string& text) {
  PreviousRun run;
  try {
    auto j = nlohmann::json::parse(text);
    run.generation = j.value("generation", 0ull);
    for (const auto& f : j.at("outputs")) run.files.push_back(f.at("path").get<std::string>());
    run.rejects = j.value("rejects_file", std::string());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("not a run manifest: ") + e.what());
  }
  return run;
}

PreviousRun LoadPrevious(store::Store& out, const std::string& key) {
  auto text = out.Get(key);
  if (!text.ok()) return {};
  // An unreadable manifest is treated as absent; its files stay (never delete blindly).
  auto run = ParseManifest(*text);
  return run.ok() ? *run : PreviousRun{};
}

// The elements of the manifest's "inputs" array. Written by hand: a run over 20,000 objects
// lists 20,000 inputs, and building them through a JSON DOM costs more than the rest of the
// publish step.
std::string ManifestInputs(const query::ScanPlan& plan) {
  std::string out;
  out.reserve(160 * plan.object_count());
  for (size_t i = 0; i < plan.object_count(); ++i) {
    const query::InputObject& o = plan.object(i);
    out += i ? ",\n    {\"name\": \"" : "\n    {\"name\": \"";
    JsonEscape(o.name, &out);
    out += "\", \"size\": ";
    out += std::to_string(o.version.size);
    out += ", \"etag\": \"";
    JsonEscape(o.version.etag, &out);
    out += "\", \"mtime\": \"";
    out += FormatTimestampUtc(o.version.mtime_us);
    out += "\"}";
  }
  return out;
}

// The partitioning a published file's key shows ("day=…/hour=…/part…", "day=…/part…", "part…").
Partitioning LayoutOf(std::string_view key) {
  if (!key.starts_with("day=")) return Partitioning::kNone;
  return key.find("/hour=") != std::string_view::npos ? Partitioning::kHour : Partitioning::kDay;
}

std::string_view PartitioningName(Partitioning p) {
  switch (p) {
    case Partitioning::kDay: return "day";
    case Partitioning::kHour: return "hour";
    case Partitioning::kNone: return "none";
  }
  return "";
}

Result<std::map<std::string, std::vector<std::string>>> FilesByRun(store::Store& out,
                                                                   bool skip_unreadable);

// Other runs in an output folder must have written the same partition layout: readers (silt's
// FROM '<folder>', DuckDB's and Spark's Hive partitioning) need the same folder levels in
// every file's path. A re-run of the same conversion may change it (it replaces its files).
Status CheckOneLayout(store::Store& out, const std::set<std::string>& own_manifests, Partitioning want) {
  auto runs = FilesByRun(out, true);
  if (!runs.ok()) return runs.status().code() == StatusCode::kNotFound ? Status::OK() : runs.status();
  for (const auto& [key, files] : *runs) {
    if (own_manifests.count(key) > 0) continue;
    for (const std::string& f : files) {
      const Partitioning has = LayoutOf(f);
      if (has == want) continue;
      const std::string run = key.substr(kRunsPrefix.size(), key.size() - kRunsPrefix.size() - 5);
      return Status::InvalidArgument(fmt::format(
          "{} already holds a conversion partitioned by {} (run {}, e.g. {}); one folder holds "
          "one partition layout so that readers see the same columns in every file: convert "
          "with --partition-by {}, or into another folder",
          out.Describe(), PartitioningName(has), run, f, PartitioningName(has)));
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::array<std::vector<std::string>, 3>> LocationIdentities(
    const std::vector<std::string>& locations) {
  std::array<std::vector<std::string>, 3> out;
  for (const auto& loc : locations) {
    SILT_ASSIGN_OR_RETURN(Uri u, ParseUri(loc));
    out[0].push_back(u.Identity());
    out[1].push_back(u.ToString());
    out[2].push_back(u.is_local() ? u.Identity() : u.Identity() + "/");
  }
  for (auto& list : out) std::sort(list.begin(), list.end());
  return out;
}

Result<ConvertSummary> Convert(const ConvertOptions& options,
                               const std::function<void(const ConvertProgress&)>& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // SILT_TRACE=1 prints the phases of a conversion with their times to standard error.
  const bool tracing = std::getenv("SILT_TRACE") != nullptr;
  auto trace = [&](const std::string& what) {
    if (tracing) fmt::print(stderr, "[{:8.3f} s] {}\n", elapsed(), what);
  };
  if (formats::FindFormat(options.format) == nullptr) {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (known formats: {})",
                                               options.format, formats::FormatNames()));
  }
  if (options.partition != Partitioning::kNone &&
      formats::FindFormat(options.format)->time_column().empty() &&
      formats::FindFormat(options.format)->options().empty()) {
    return Status::InvalidArgument(fmt::format(
        "format {} has no event time column; use --partition-by none", options.format));
  }
  const std::string codec = CodecOptions(options);
  if (codec.empty()) {
    return Status::InvalidArgument(fmt::format(
        "unknown compression '{}' (zstd, snappy, gzip, lz4, uncompressed)", options.compression));
  }
  if (options.output.empty()) return Status::InvalidArgument("no output location given");
  SILT_ASSIGN_OR_RETURN(Uri out_uri, ParseUri(options.output));
  // DuckDB starts (tens of milliseconds) while the inputs are listed.
  query::DatabaseOptions dbo;
  dbo.threads = options.threads;
  dbo.workers_only = true;  // two partitions' COPYs in flight share the `threads` cores
  dbo.memory_limit = options.memory_limit.empty() ? "1GB" : options.memory_limit;
  std::future<Result<std::unique_ptr<query::Database>>> db_opening =
      std::async(std::launch::async, [dbo] { return query::Database::Open(dbo); });
  std::vector<query::InputObject> inputs = options.objects;
  if (inputs.empty()) {
    SILT_ASSIGN_OR_RETURN(inputs, query::ResolveInputs(options.inputs));
  }
  SILT_ASSIGN_OR_RETURN(std::shared_ptr<const formats::Format> format_owner,
                        query::OpenFormatFor(options.format, options.format_options, inputs));
  const formats::Format* format = format_owner.get();
  if (options.partition != Partitioning::kNone && format->time_column().empty()) {
    return Status::InvalidArgument(fmt::format(
        "format {} (as configured) has no event time column; use --partition-by none",
        format->name()));
  }
  // Never read our own output as input.
  const std::string out_prefix = out_uri.is_local() ? out_uri.path + "/" : [&] {
    std::string u = out_uri.ToString();
    return u.back() == '/' ? u : u + "/";
  }();
  for (const auto& in : inputs) {
    if (in.name.rfind(out_prefix, 0) == 0) {
      return Status::InvalidArgument(fmt::format(
          "input object {} lies inside the output location {}", in.name, out_prefix));
    }
  }
  // Nor write the output where a later run would read it as input. Local paths compare with
  // symbolic links resolved: an input given through a link to a folder holding the output
  // would read the previous run's Parquet files as logs.
  auto resolved = [](const std::string& path) {
    std::error_code e;
    fs::path p = fs::weakly_canonical(fs::path(path), e);
    std::string out = e ? path : p.string();
    if (!out.empty() && out.back() != '/') out += '/';
    return out;
  };
  const std::string out_resolved = out_uri.is_local() ? resolved(out_uri.path) : "";
  for (const auto& loc : options.inputs) {
    SILT_ASSIGN_OR_RETURN(Uri in_uri, ParseUri(loc));
    const size_t glob = in_uri.path.find_first_of("*?[");
    std::string base = in_uri.path.substr(0, glob);
    if (glob != std::string::npos) base.erase(base.rfind('/') + 1);  // the folder it starts in
    if (!base.empty() && base.back() != '/') base += '/';
    const bool same_place = in_uri.is_local() == out_uri.is_local() && in_uri.bucket == out_uri.bucket;
    const std::string base_resolved = in_uri.is_local() ? resolved(base) : base;
    const std::string out_place = in_uri.is_local() ? out_resolved : out_uri.path + "/";
    bool inside = !base.empty() && out_place.rfind(base_resolved, 0) == 0;
    if (inside && glob != std::string::npos) {
      // Below a glob's folder, the output is read again only if the pattern matches the keys
      // it writes ('2024*' does not match 'parquet/day=…/part-….parquet': '*' stays within a
      // path part).
      const std::string pattern = in_uri.path.substr(base.size());
      const std::string rel = out_place.substr(base_resolved.size());
      inside = false;
      for (const char* key : {"part-0.parquet", "day=2024-01-01/part-0.parquet",
                              "day=2024-01-01/hour=00/part-0.parquet"}) {
        if (GlobMatch(pattern, rel + key)) inside = true;
      }
    }
    if (same_place && inside) {
      return Status::InvalidArgument(fmt::format(
          "the output location {} lies inside the input location {}", out_uri.ToString(), loc));
    }
  }
  trace(fmt::format("{} input objects listed", inputs.size()));
  // The plan and its extra columns are checked before anything is created at the output.
  const auto all = std::make_shared<query::ScanPlan>(format, std::move(inputs));
  {
    std::optional<query::KeyPattern> pattern;
    if (!options.key_pattern.empty()) {
      SILT_ASSIGN_OR_RETURN(query::KeyPattern kp, query::KeyPattern::Parse(options.key_pattern));
      pattern = std::move(kp);
    }
    SILT_RETURN_IF_ERROR(all->SetExtraColumns(std::move(pattern), options.source_columns));
  }
  std::error_code exists_ec;
  const bool out_existed = !out_uri.is_local() || fs::exists(out_uri.path, exists_ec);
  SILT_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> out, store::OpenStore(out_uri, true));

  // The run's identity: the format and the input locations as given (normalised).
  // (Before locations were compared without trailing slashes, a run was identified by them as
  // written, s3://b/logs/ apart from s3://b/logs: such a run's manifest is taken over.)
  SILT_ASSIGN_OR_RETURN(const auto spellings, LocationIdentities(options.inputs));
  const std::vector<std::string>& canon = spellings[0];
  auto run_of = [&](const std::vector<std::string>& locations) {
    std::string identity(format->name());
    for (const auto& c : locations) identity += "\n" + c;
    return fmt::format("{:016x}", Fnv1a(identity));
  };
  ConvertSummary summary;
  summary.run_id = run_of(canon);
  const std::string manifest_key = std::string(kRunsPrefix) + summary.run_id + ".json";
  PreviousRun prev = LoadPrevious(*out, manifest_key);
  std::string legacy_manifest_key;
  for (const std::string& legacy : {run_of(spellings[1]), run_of(spellings[2])}) {
    if (legacy == summary.run_id || prev.generation > 0) continue;
    const std::string key = std::string(kRunsPrefix) + legacy + ".json";
    PreviousRun old_run = LoadPrevious(*out, key);
    if (old_run.generation > 0) {
      prev = std::move(old_run);
      legacy_manifest_key = key;
    }
  }
  const uint64_t generation = prev.generation + 1;
  SILT_RETURN_IF_ERROR(CheckOneLayout(*out, {manifest_key, legacy_manifest_key}, options.partition));

  // Files are staged on local disk: beside the output for a local one (so publishing is a
  // rename), in the temporary folder for a remote one (publishing uploads them).
  const bool local_out = out_uri.is_local();
  const fs::path root(out_uri.path);
  const fs::path staging_root = local_out ? root / "_silt" / "staging"
                                          : fs::temp_directory_path() / "silt-staging";
  const fs::path staging =
      staging_root / fmt::format("{}-{}-{}", summary.run_id, generation, getpid());
  auto final_name = [&](const std::string& key) {
    return local_out ? (root / key).string() : out->Describe() + key;
  };
  // Moves (local) or uploads (remote) a staged file to `key`.
  auto publish = [&](const fs::path& from, const std::string& key) -> Status {
    std::error_code e;
    if (local_out) {
      fs::path dest = root / key;
      fs::create_directories(dest.parent_path(), e);
      fs::rename(from, dest, e);
      if (e) return Status::IoError(fmt::format("moving {} to {}: {}", from.string(), dest.string(), e.message()));
      return Status::OK();
    }
    SILT_RETURN_IF_ERROR(out->PutFile(key, from.string()).status());
    fs::remove(from, e);
    return Status::OK();
  };
  std::error_code ec;
  fs::remove_all(staging, ec);
  // Runs killed before they cleaned up: of this conversion in a local output (which other
  // machines may share), of any in this machine's temporary folder.
  SweepAbandonedStaging(staging_root, local_out ? summary.run_id + "-" : "");
  fs::create_directories(staging, ec);
  if (ec) return Status::IoError(fmt::format("creating {}: {}", staging.string(), ec.message()));
  struct Cleanup {
    fs::path dir;
    fs::path created_output;  // a local output folder this run made: removed when left empty
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
      fs::remove(dir.parent_path(), e);  // _silt/staging, when no other run is staging
      if (!created_output.empty()) {
        fs::remove(created_output / "_silt", e);  // a failed first run: nothing else in it
        fs::remove(created_output, e);
      }
    }
  } cleanup{staging, local_out && !out_existed ? root : fs::path()};

  JsonlRejects rejects((staging / "rejects.jsonl").string());
  summary.objects = all->object_count();
  // The manifest's list of inputs is written while the data is converted.
  std::future<std::string> manifest_inputs =
      std::async(std::launch::async, [all] { return ManifestInputs(*all); });
  summary.input_bytes = all->total_bytes();

  trace("input plan built");
  SILT_ASSIGN_OR_RETURN(std::unique_ptr<query::Database> db, db_opening.get());
  trace("DuckDB open");
  SILT_RETURN_IF_ERROR(db->Exec("SET preserve_insertion_order = false"));

  std::string extra_kv;
  for (const auto& [k, v] : options.kv_metadata) extra_kv += fmt::format(", {}: {}", SqlQuote(k), SqlQuote(v));
  std::string field_ids;
  const auto& schema = format->schema();
  for (size_t i = 0; i < schema.size(); ++i) {
    if (i) field_ids += ", ";
    field_ids += fmt::format("{}: {}", query::SqlIdent(schema[i].name), i + 1);
  }
  for (size_t i = 0; i < all->extra_columns().size(); ++i) {
    field_ids += fmt::format(", {}: {}", query::SqlIdent(all->extra_columns()[i].name),
                             schema.size() + i + 1);
  }

  // Progress over all the copies of this run.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  uint64_t base_bytes = 0, base_rows = 0, base_rejects = 0;
  std::vector<std::shared_ptr<query::ScanPlan>> running;  // copies in flight
  std::thread reporter;
  if (progress) {
    reporter = std::thread([&] {
      std::unique_lock<std::mutex> lock(mu);
      while (!cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return done; })) {
        ConvertProgress p;
        p.bytes_total = summary.input_bytes;
        p.bytes_done = base_bytes;
        p.rows = base_rows;
        p.rejects = base_rejects;
        for (const auto& plan : running) {
          p.bytes_done += plan->counters().bytes.load();
          p.rows += plan->counters().rows.load();
          p.rejects += plan->counters().rejects.load();
        }
        p.seconds = elapsed();
        progress(p);
      }
    });
  }
  struct StopReporter {
    std::mutex& mu;
    std::condition_variable& cv;
    bool& done;
    std::thread& t;
    ~StopReporter() {
      {
        std::lock_guard<std::mutex> lock(mu);
        done = true;
      }
      cv.notify_all();
      if (t.joinable()) t.join();
    }
  } stop_reporter{mu, cv, done, reporter};

  // One COPY per partition: DuckDB's own PARTITION_BY buffers every partition in memory
  // before writing; routing rows ourselves keeps memory bounded and both cores busy.
  struct StagedCopy {
    fs::path dir;                             // where DuckDB writes it
    std::string part;                         // its partition folder ("" with DuckDB's
                                              // partitioning: the files' subfolders)
    std::shared_ptr<query::ScanPlan> plan;    // its counters
  };
  std::vector<StagedCopy> copies;
  // However this function ends, no DuckDB task of a COPY that failed or was interrupted still
  // scans into the rejects file, the spill or staging once they go (ScanPlan::Close).
  struct ClosePlans {
    std::vector<StagedCopy>& copies;
    ~ClosePlans() {
      for (auto& c : copies) c.plan->Close();
    }
  } close_plans{copies};
  struct Copy {
    std::shared_ptr<query::ScanPlan> plan;
    uint64_t plan_id = 0;
    std::string label;
    std::unique_ptr<query::RunningStatement> run;
    Copy() = default;
    Copy(Copy&& o) noexcept
        : plan(std::move(o.plan)), plan_id(std::exchange(o.plan_id, 0)),
          label(std::move(o.label)), run(std::move(o.run)) {}
    Copy& operator=(Copy&&) = delete;
    // A COPY abandoned on an error path is cancelled (DuckDB waits for its tasks) before its
    // plan goes.
    ~Copy() {
      run.reset();
      if (plan_id != 0) query::UnregisterPlan(plan_id);
    }
  };
  // Starts a COPY of `plan` on DuckDB's threads.
  auto start_copy = [&](std::shared_ptr<query::ScanPlan> plan, const std::string& part_dir,
                        const std::string& duckdb_partitions = "") -> Result<Copy> {
    plan->set_reject_sink(&rejects);
    Copy c;
    c.plan = plan;
    c.label = part_dir.empty() ? "(unpartitioned)" : part_dir;
    c.plan_id = query::RegisterPlan(plan);
    fs::path dir = staging / "copies" / std::to_string(copies.size());
    copies.push_back(StagedCopy{dir, part_dir, plan});
    std::error_code mk;
    fs::create_directories(dir.parent_path(), mk);
    const std::string sql = fmt::format(
        "COPY (SELECT *{} FROM read_log(NULL, plan => {})) TO {} (FORMAT parquet, {}, "
        "ROW_GROUP_SIZE {}, {}, FILE_EXTENSION 'tmp', "
        "FILENAME_PATTERN 'part-{{uuid}}', FIELD_IDS {{{}}}, "
        "KV_METADATA {{'silt.format': {}, 'silt.run': {}{}}})",
        duckdb_partitions.empty() ? "" : ", " + duckdb_partitions, c.plan_id,
        SqlQuote(dir.string()), codec, options.row_group_size,
        duckdb_partitions.empty()
            ? fmt::format("FILE_SIZE_BYTES {}", options.target_file_bytes)
            : std::string(options.partition == Partitioning::kDay ? "PARTITION_BY (day)"
                                                                   : "PARTITION_BY (day, hour)"),
        field_ids, SqlQuote(format->name()), SqlQuote(summary.run_id), extra_kv);
    trace(fmt::format("copy {} starts", c.label));
    auto run = db->Start(sql);
    if (!run.ok()) return run.status().WithContext("writing Parquet");
    c.run = std::move(*run);
    std::lock_guard<std::mutex> lock(mu);
    running.push_back(plan);
    return c;
  };
  // Waits for a started COPY to end and counts what it did.
  auto finish_copy = [&](Copy& c) -> Status {
    Status st = c.run->Wait();
    c.run.reset();
    trace(fmt::format("copy {} ends", c.label));
    query::UnregisterPlan(std::exchange(c.plan_id, 0));
    {
      std::lock_guard<std::mutex> lock(mu);
      running.erase(std::find(running.begin(), running.end(), c.plan));
      base_bytes += c.plan->counters().bytes.load();
      base_rows += c.plan->counters().rows.load();
      base_rejects += c.plan->counters().rejects.load();
    }
    summary.skipped_lines += c.plan->counters().skipped.load();
    if (!c.plan->error().ok()) return c.plan->error();
    return st.WithContext("writing Parquet");
  };
  auto run_copy = [&](std::shared_ptr<query::ScanPlan> plan, const std::string& part_dir,
                      const std::string& duckdb_partitions = "") -> Status {
    SILT_ASSIGN_OR_RETURN(Copy c, start_copy(std::move(plan), part_dir, duckdb_partitions));
    return finish_copy(c);
  };

  if (options.partition == Partitioning::kNone) {
    SILT_RETURN_IF_ERROR(run_copy(all, ""));
  } else if (!all->extra_columns().empty()) {
    // Key-pattern and source columns belong to the object a row was read from, which silt's
    // partition spill does not keep: let DuckDB partition (it buffers partitions in memory).
    const std::string t = query::SqlIdent(format->time_column());
    SILT_RETURN_IF_ERROR(run_copy(
        all, "",
        options.partition == Partitioning::kDay
            ? fmt::format("strftime({}, '%Y-%m-%d') AS day", t)
            : fmt::format("strftime({0}, '%Y-%m-%d') AS day, strftime({0}, '%H') AS hour", t)));
  } else {
    const int tcol = formats::FindColumn(schema, format->time_column());
    const int64_t width = options.partition == Partitioning::kDay ? kMicrosPerDay
                                                                  : 3600 * kMicrosPerSecond;
    auto bucket_of = [width](int64_t t) {
      return t == INT64_MIN ? INT64_MIN : t / width - (t % width != 0 && t < 0);
    };
    auto folder_of = [&](int64_t bucket) {
      // Rows without a time: Hive's folder for a NULL value, at every level (a reader wants
      // the same folder depth everywhere).
      if (bucket == INT64_MIN) {
        return std::string(options.partition == Partitioning::kDay
                               ? "day=" + std::string(kNullPartition)
                               : fmt::format("day={0}/hour={0}", kNullPartition));
      }
      const int64_t t = bucket * width;
      std::string day = FormatDate(t / kMicrosPerDay - (t % kMicrosPerDay != 0 && t < 0));
      if (options.partition == Partitioning::kDay) return "day=" + day;
      return fmt::format("day={}/hour={:02d}", day, ((t % kMicrosPerDay + kMicrosPerDay) % kMicrosPerDay) / (3600 * kMicrosPerSecond));
    };
    // Assign each unit to the partition of its first line; lines of other partitions are
    // spilled and read again with their own partition.
    std::map<int64_t, std::vector<query::ScanUnit>> groups;
    std::vector<query::ScanUnit> unknown;
    // Place every unit by its name's time hint or its first line, on all cores: with many
    // small objects this is I/O-call bound.
    constexpr int64_t kHintSlack = 3600 * kMicrosPerSecond;
    const auto& units_all = all->units();
    std::vector<std::optional<int64_t>> first_times(units_all.size());
    {
      unsigned n_threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                               : std::max(1u, std::thread::hardware_concurrency());
      // Units a thread claims at once: up to 64 (placing 20,000 objects took 16 ms claiming
      // one at a time, 13 ms claiming 64), but few enough that the threads share the opening
      // of a short list evenly (on S3 each opening is a request).
      const size_t claim = std::clamp<size_t>(units_all.size() / (8 * n_threads), 1, 64);
      std::vector<std::optional<query::TimePeeker>> peekers(n_threads);  // made when needed
      SILT_RETURN_IF_ERROR(ParallelFor(
          units_all.size(), {n_threads, claim}, [&](size_t i, unsigned worker) -> Status {
            const query::InputObject& obj = all->object(units_all[i].object);
            // The object's name tells its time when it is not close to a partition boundary
            // (requests come shortly before delivery); otherwise look at its first line.
            if (units_all[i].begin == 0) {
              std::optional<int64_t> hint = format->TimeHintFromKey(obj.version.key);
              if (hint.has_value() && bucket_of(*hint - kHintSlack) == bucket_of(*hint)) {
                first_times[i] = *hint;
                return Status::OK();
              }
            }
            if (!peekers[worker].has_value()) peekers[worker].emplace(format);
            SILT_ASSIGN_OR_RETURN(first_times[i], peekers[worker]->Peek(obj, units_all[i]));
            return Status::OK();
          }));
    }
    trace("units placed in partitions");
    for (size_t i = 0; i < units_all.size(); ++i) {
      if (first_times[i].has_value()) {
        groups[bucket_of(*first_times[i])].push_back(units_all[i]);
      } else {
        unknown.push_back(units_all[i]);
      }
    }
    if (!unknown.empty()) {
      // Units whose time is unknown (no time in the name, no parseable first line) join the
      // first partition; when there is none, the partition of rows without a time: their rows
      // of other partitions are spilled to those, and an output whose every line was rejected
      // gets its empty file there rather than in a made-up day.
      auto& g = groups.empty() ? groups[INT64_MIN] : groups.begin()->second;
      g.insert(g.end(), unknown.begin(), unknown.end());
    }
    PartitionSpill spill(staging / "spill", bucket_of);
    ClosePlans close_before_spill{copies};
    auto window_for = [&](int64_t bucket) {
      formats::TimeWindow w;
      w.time_column = tcol;
      w.nulls = bucket == INT64_MIN;
      w.lo = w.nulls ? 0 : bucket * width;
      w.hi = w.nulls ? 0 : bucket * width + width;
      w.spill = &spill;
      return w;
    };
    // A partition's COPY starts as soon as the previous one has parsed all its input (so
    // that every row it spills into this partition is in the spill file): while the previous
    // COPY writes its last row groups, often on one thread, the other thread starts on this
    // one. At most two are in flight, on DuckDB's `threads` threads.
    std::optional<Copy> previous;
    for (auto& [bucket, units] : groups) {
      if (previous.has_value()) {
        query::ScanPlan& p = *previous->plan;
        previous->run->WaitUntil([&p] { return p.counters().units_done.load() >= p.units().size(); });
      }
      std::vector<query::InputObject> extra;
      std::vector<query::ScanUnit> plan_units = units;
      SILT_ASSIGN_OR_RETURN(std::optional<query::InputObject> spilled, spill.Take(bucket));
      if (spilled.has_value()) {
        plan_units.push_back({all->object_count(), 0, spilled->version.size});
        extra.push_back(std::move(*spilled));
      }
      auto plan = std::make_shared<query::ScanPlan>(format, all->shared_objects(),
                                                    std::move(plan_units), std::move(extra));
      plan->set_window(window_for(bucket));
      SILT_ASSIGN_OR_RETURN(Copy next, start_copy(plan, folder_of(bucket)));
      if (previous.has_value()) SILT_RETURN_IF_ERROR(finish_copy(*previous));
      previous.reset();
      previous.emplace(std::move(next));
    }
    if (previous.has_value()) SILT_RETURN_IF_ERROR(finish_copy(*previous));
    // Rows spilled into partitions whose turn had passed (the spill file is the plan's extra
    // object: its bytes were counted when first read).
    for (int64_t bucket : spill.Pending()) {
      SILT_ASSIGN_OR_RETURN(std::optional<query::InputObject> spilled, spill.Take(bucket));
      if (!spilled.has_value()) continue;
      std::vector<query::ScanUnit> units{{0, 0, spilled->version.size}};
      std::vector<query::InputObject> extra{std::move(*spilled)};
      auto plan = std::make_shared<query::ScanPlan>(
          format, std::make_shared<const std::vector<query::InputObject>>(), std::move(units),
          std::move(extra));
      plan->set_window(window_for(bucket));
      SILT_RETURN_IF_ERROR(run_copy(plan, folder_of(bucket)));
    }
    SILT_RETURN_IF_ERROR(spill.status());
    // Every spilled row has been written with its partition: a spill left over would be rows
    // lost without a word.
    if (!spill.Pending().empty()) {
      return Status::Internal(fmt::format("{} partition spill file(s) were not written back",
                                          spill.Pending().size()));
    }
  }
  SILT_RETURN_IF_ERROR(rejects.Close());
  // Closing DuckDB (freeing its memory) takes tens of milliseconds: done beside publishing.
  std::future<void> db_closing =
      std::async(std::launch::async, [d = std::move(db)]() mutable { d.reset(); });
  summary.rows = base_rows;
  summary.rejects = base_rejects;

  // Publish: move the staged files to their final names, then store the manifest, then remove
  // what the previous run of this conversion had written.
  std::vector<std::pair<fs::path, std::string>> staged;  // file -> partition folder
  bool kept_empty = false;
  for (const auto& [dir, part, plan] : copies) {
    // A COPY without rows (a partition whose rows all went elsewhere, or were rejected) has
    // an empty file. It is published only when the whole run has no row, once: the output
    // then still has the schema, and a table its snapshot (and with it the bookmark).
    if (plan->counters().rows.load() == 0) {
      if (summary.rows > 0 || kept_empty) continue;
      kept_empty = true;
    }
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".tmp") {
        std::string folder = part;
        if (folder.empty()) {
          fs::path rel = fs::relative(it->path().parent_path(), dir);
          if (rel != ".") folder = HiveNullFolder(rel.string());
        }
        staged.emplace_back(it->path(), folder);
      }
    }
    if (ec == std::errc::no_such_file_or_directory) ec.clear();  // a copy without rows
    if (ec) return Status::IoError(fmt::format("listing {}: {}", dir.string(), ec.message()));
  }
  std::sort(staged.begin(), staged.end());
  if (interrupt::Stopping()) return interrupt::AsStatus();
  // Until the manifest is stored, the files this run has published are nobody's: a failure or
  // Ctrl-C on the way removes them again, and the output holds the previous run's files only.
  struct Unpublish {
    store::Store* out;
    std::set<std::string> previous;  // never removed: the previous run's names
    std::vector<std::string> keys;
    bool armed = true;
    void Add(const std::string& key) {
      if (previous.count(key) == 0) keys.push_back(key);
    }
    ~Unpublish() {
      if (!armed || keys.empty()) return;
      interrupt::CleanupScope cleanup;
      (void)out->DeleteMany(keys);
    }
  } unpublish{out.get(), {prev.files.begin(), prev.files.end()}, {}};
  unpublish.previous.insert(prev.rejects);
  std::map<std::string, int> per_dir;
  nlohmann::json outputs = nlohmann::json::array();
  std::set<std::string> new_files;
  for (const auto& [path, dir] : staged) {
    int n = per_dir[dir]++;
    std::string key = (dir.empty() ? "" : dir + "/") +
                      fmt::format("part-{}-g{}-{:04d}.parquet", summary.run_id, generation, n);
    uint64_t size = fs::file_size(path, ec);
    unpublish.Add(key);  // before: an upload cut short may still have landed
    SILT_RETURN_IF_ERROR(publish(path, key));
    summary.output_bytes += size;
    ++summary.files;
    outputs.push_back({{"path", key}, {"bytes", size}});
    summary.outputs.push_back({key, dir, size});
    new_files.insert(key);
  }
  std::string rejects_key;
  if (rejects.written()) {
    // Named per generation, like the data files: a re-run stopped after storing its rejects
    // (before its manifest) must not have replaced the file the previous manifest names.
    rejects_key = fmt::format("_rejects/{}-g{}.jsonl", summary.run_id, generation);
    unpublish.Add(rejects_key);
    SILT_RETURN_IF_ERROR(publish(rejects.path(), rejects_key).WithContext("storing rejects"));
    summary.rejects_file = final_name(rejects_key);
  }
  trace("files published");
  auto quoted = [](std::string_view v) {
    std::string out = "\"";
    JsonEscape(v, &out);
    out += '"';
    return out;
  };
  const std::string inputs_text = manifest_inputs.get();
  std::string manifest;
  manifest.reserve(1024 + inputs_text.size() + 96 * outputs.size());
  manifest += fmt::format("{{\n  \"run\": {},\n  \"generation\": {},\n  \"format\": {},\n",
                          quoted(summary.run_id), generation, quoted(format->name()));
  manifest += "  \"locations\": [";
  for (size_t i = 0; i < canon.size(); ++i) manifest += (i ? ", " : "") + quoted(canon[i]);
  manifest += fmt::format("],\n  \"finished_at\": {},\n  \"inputs\": [",
                          quoted(FormatTimestampUtc(
                              std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count())));
  manifest += inputs_text;
  manifest += inputs_text.empty() ? "],\n" : "\n  ],\n";
  manifest += fmt::format("  \"outputs\": {},\n", outputs.dump());
  manifest += fmt::format(
      "  \"rows\": {},\n  \"rejects\": {},\n  \"rejects_file\": {},\n  \"input_bytes\": {},\n"
      "  \"output_bytes\": {}\n}}\n",
      summary.rows, summary.rejects, quoted(rejects_key), summary.input_bytes, summary.output_bytes);
  trace("manifest built");
  // Storing the manifest commits the run, and what follows completes it: neither is cut short
  // by Ctrl-C (a manifest stored as its upload was cut would name files removed as unpublished).
  interrupt::CleanupScope committing;
  SILT_RETURN_IF_ERROR(out->Put(manifest_key, manifest).status());
  unpublish.armed = false;
  summary.manifest = final_name(manifest_key);
  trace("manifest stored");

  std::vector<std::string> old;
  for (const auto& f : prev.files) {
    if (new_files.count(f) == 0) old.push_back(f);
  }
  if (!prev.rejects.empty() && prev.rejects != rejects_key) old.push_back(prev.rejects);
  summary.replaced_files = old.size() - (!prev.rejects.empty() && prev.rejects != rejects_key);
  if (!legacy_manifest_key.empty()) old.push_back(legacy_manifest_key);  // its files, replaced
  SILT_RETURN_IF_ERROR(out->DeleteMany(old));
  trace("previous run's files deleted");
  summary.seconds = elapsed();
  return summary;
}

namespace {

// The files each run manifest of an output names, by manifest key; NotFound without any.
// `skip_unreadable` leaves out manifests that cannot be read instead of failing.
Result<std::map<std::string, std::vector<std::string>>> FilesByRun(store::Store& out,
                                                                   bool skip_unreadable) {
  std::vector<std::string> manifests;
  SILT_RETURN_IF_ERROR(out.ForEach(kRunsPrefix, [&](const store::ObjectVersion& v) {
    if (v.key.ends_with(".json") && v.key.find('/', kRunsPrefix.size()) == std::string::npos) {
      manifests.push_back(v.key);
    }
    return Status::OK();
  }));
  if (manifests.empty()) {
    return Status::NotFound(out.Describe() + " holds no conversion (no _silt/runs/*.json)");
  }
  std::map<std::string, std::vector<std::string>> runs;
  for (const std::string& key : manifests) {
    auto text = out.Get(key);
    if (!text.ok() && skip_unreadable) continue;
    if (!text.ok()) return text.status();
    auto run = ParseManifest(*text);
    if (!run.ok() && skip_unreadable) continue;
    if (!run.ok()) return run.status().WithContext("reading " + out.Describe() + " " + key);
    runs[key] = std::move(run->files);
  }
  return runs;
}

}  // namespace

Result<std::vector<std::string>> PublishedFiles(store::Store& out) {
  SILT_ASSIGN_OR_RETURN(auto runs, FilesByRun(out, false));
  std::vector<std::string> files;
  for (auto& [key, run_files] : runs) files.insert(files.end(), run_files.begin(), run_files.end());
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace silt::table
