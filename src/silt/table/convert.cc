#include "silt/table/convert.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/common/civil_time.h"
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

// Rejects as JSON lines, written as they occur (bounded memory), from any scanning thread.
class JsonlRejects final : public formats::RejectSink {
 public:
  explicit JsonlRejects(std::string path) : path_(std::move(path)) {}
  ~JsonlRejects() override { Close(); }

  void OnReject(const formats::Reject& r) override {
    std::string line = "{\"object\":\"";
    JsonEscape(r.object, &line);
    line += fmt::format("\",\"line\":{},\"byte_offset\":{},\"reason\":\"", r.line, r.offset);
    JsonEscape(r.reason, &line);
    line += "\",\"raw_line\":\"";
    JsonEscape(r.raw, &line);
    line += "\"}\n";
    std::lock_guard<std::mutex> lock(mu_);
    if (f_ == nullptr && ok_) {
      f_ = std::fopen(path_.c_str(), "w");
      if (f_ == nullptr) ok_ = false;
    }
    if (f_ != nullptr && std::fwrite(line.data(), 1, line.size(), f_) != line.size()) ok_ = false;
  }

  // Flushes; IoError when any write failed (rejects must never be lost silently).
  Status Close() {
    std::lock_guard<std::mutex> lock(mu_);
    if (f_ != nullptr) {
      if (std::fclose(f_) != 0) ok_ = false;
      f_ = nullptr;
    }
    return ok_ ? Status::OK() : Status::IoError("writing rejects to " + path_ + " failed");
  }
  bool written() const { return fs::exists(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::mutex mu_;
  FILE* f_ = nullptr;
  bool ok_ = true;
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

struct PreviousRun {
  uint64_t generation = 0;
  std::vector<std::string> files;
  std::string rejects;
};

PreviousRun LoadPrevious(store::Store& out, const std::string& key) {
  PreviousRun prev;
  auto text = out.Get(key);
  if (!text.ok()) return prev;
  try {
    auto j = nlohmann::json::parse(*text);
    prev.generation = j.value("generation", 0ull);
    for (const auto& f : j.at("outputs")) prev.files.push_back(f.at("path").get<std::string>());
    prev.rejects = j.value("rejects_file", std::string());
  } catch (const std::exception&) {
    // An unreadable manifest is treated as absent; its files stay (never delete blindly).
  }
  return prev;
}

}  // namespace

Result<ConvertSummary> Convert(const ConvertOptions& options,
                               const std::function<void(const ConvertProgress&)>& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const formats::Format* format = formats::FindFormat(options.format);
  if (format == nullptr) {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (known formats: {})",
                                               options.format, formats::FormatNames()));
  }
  if (options.partition != Partitioning::kNone && format->time_column().empty()) {
    return Status::InvalidArgument(fmt::format(
        "format {} has no event time column; use --partition-by none", format->name()));
  }
  const std::string codec = CodecOptions(options);
  if (codec.empty()) {
    return Status::InvalidArgument(fmt::format(
        "unknown compression '{}' (zstd, snappy, gzip, lz4, uncompressed)", options.compression));
  }
  if (options.output.empty()) return Status::InvalidArgument("no output location given");
  SILT_ASSIGN_OR_RETURN(Uri out_uri, ParseUri(options.output));
  if (!out_uri.is_local()) {
    return Status::Unavailable("writing to s3:// outputs is not supported yet; use a local directory");
  }
  SILT_ASSIGN_OR_RETURN(std::vector<query::InputObject> inputs, query::ResolveInputs(options.inputs));
  // Never read our own output as input.
  for (const auto& in : inputs) {
    if (in.name.rfind(out_uri.path + "/", 0) == 0) {
      return Status::InvalidArgument(fmt::format(
          "input object {} lies inside the output directory {}", in.name, out_uri.path));
    }
  }
  // Nor write the output where a later run would read it as input.
  for (const auto& loc : options.inputs) {
    SILT_ASSIGN_OR_RETURN(Uri in_uri, ParseUri(loc));
    std::string base = in_uri.path.substr(0, in_uri.path.find_first_of("*?["));
    if (!base.empty() && base.back() != '/') base += '/';
    if (in_uri.is_local() && (out_uri.path + "/").rfind(base, 0) == 0) {
      return Status::InvalidArgument(fmt::format(
          "the output directory {} lies inside the input location {}", out_uri.path, loc));
    }
  }
  SILT_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> out, store::OpenStore(out_uri, true));

  // The run's identity: the format and the input locations as given (normalised).
  std::vector<std::string> canon;
  for (const auto& loc : options.inputs) {
    SILT_ASSIGN_OR_RETURN(Uri u, ParseUri(loc));
    canon.push_back(u.ToString());
  }
  std::sort(canon.begin(), canon.end());
  std::string identity(format->name());
  for (const auto& c : canon) identity += "\n" + c;
  ConvertSummary summary;
  summary.run_id = fmt::format("{:016x}", Fnv1a(identity));
  const std::string manifest_key = "_silt/runs/" + summary.run_id + ".json";
  PreviousRun prev = LoadPrevious(*out, manifest_key);
  const uint64_t generation = prev.generation + 1;

  const fs::path root(out_uri.path);
  const fs::path staging =
      root / "_silt" / "staging" / fmt::format("{}-{}-{}", summary.run_id, generation, getpid());
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return Status::IoError(fmt::format("creating {}: {}", staging.string(), ec.message()));
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } cleanup{staging};

  auto plan = std::make_shared<query::ScanPlan>(format, std::move(inputs));
  JsonlRejects rejects((staging / "rejects.jsonl").string());
  plan->set_reject_sink(&rejects);
  summary.objects = plan->objects().size();
  summary.input_bytes = plan->total_bytes();

  query::DatabaseOptions dbo;
  dbo.threads = options.threads;
  dbo.memory_limit = options.memory_limit.empty() ? "1GB" : options.memory_limit;
  SILT_ASSIGN_OR_RETURN(std::unique_ptr<query::Database> db, query::Database::Open(dbo));
  SILT_RETURN_IF_ERROR(db->Exec("SET preserve_insertion_order = false"));

  std::string field_ids;
  const auto& schema = format->schema();
  for (size_t i = 0; i < schema.size(); ++i) {
    if (i) field_ids += ", ";
    field_ids += fmt::format("{}: {}", query::SqlIdent(schema[i].name), i + 1);
  }
  std::string select = "SELECT *";
  std::string partition_by;
  const std::string tcol = query::SqlIdent(format->time_column());
  if (options.partition == Partitioning::kDay) {
    select += fmt::format(", strftime({}, '%Y-%m-%d') AS day", tcol);
    partition_by = ", PARTITION_BY (day)";
  } else if (options.partition == Partitioning::kHour) {
    select += fmt::format(", strftime({0}, '%Y-%m-%d') AS day, strftime({0}, '%H') AS hour", tcol);
    partition_by = ", PARTITION_BY (day, hour)";
  }
  const uint64_t plan_id = query::RegisterPlan(plan);
  struct Unregister {
    uint64_t id;
    ~Unregister() { query::UnregisterPlan(id); }
  } unregister{plan_id};
  const std::string sql = fmt::format(
      "COPY ({} FROM read_log(NULL, plan => {})) TO {} (FORMAT parquet, {}, ROW_GROUP_SIZE {}"
      "{}, FILE_EXTENSION 'tmp', FILENAME_PATTERN 'part-{{uuid}}', "
      "FIELD_IDS {{{}}}, KV_METADATA {{'silt.format': {}, 'silt.run': {}}})",
      select, plan_id, SqlQuote((staging / "data").string()), codec, options.row_group_size,
      // DuckDB cannot split partitioned output by size; partitions are split by day/hour.
      partition_by.empty() ? fmt::format(", FILE_SIZE_BYTES {}", options.target_file_bytes)
                           : partition_by,
      field_ids, SqlQuote(format->name()),
      SqlQuote(summary.run_id));

  // Progress reporter.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread reporter;
  if (progress) {
    reporter = std::thread([&] {
      std::unique_lock<std::mutex> lock(mu);
      while (!cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return done; })) {
        ConvertProgress p;
        p.bytes_done = plan->counters().bytes.load();
        p.bytes_total = plan->total_bytes();
        p.rows = plan->counters().rows.load();
        p.rejects = plan->counters().rejects.load();
        p.seconds = elapsed();
        progress(p);
      }
    });
  }
  Status copy = db->Exec(sql);
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  if (reporter.joinable()) reporter.join();
  if (!plan->error().ok()) return plan->error();
  SILT_RETURN_IF_ERROR(copy.WithContext("writing Parquet"));
  SILT_RETURN_IF_ERROR(rejects.Close());
  db.reset();

  summary.rows = plan->counters().rows.load();
  summary.rejects = plan->counters().rejects.load();
  summary.skipped_lines = plan->counters().skipped.load();

  // Publish: move the staged files to their final names, then store the manifest, then remove
  // what the previous run of this conversion had written.
  std::vector<std::pair<fs::path, std::string>> staged;
  for (auto it = fs::recursive_directory_iterator(staging / "data", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".tmp") {
      fs::path rel = fs::relative(it->path().parent_path(), staging / "data");
      staged.emplace_back(it->path(), rel == "." ? std::string() : rel.string());
    }
  }
  if (ec) return Status::IoError(fmt::format("listing {}: {}", staging.string(), ec.message()));
  std::sort(staged.begin(), staged.end());
  std::map<std::string, int> per_dir;
  nlohmann::json outputs = nlohmann::json::array();
  std::set<std::string> new_files;
  for (const auto& [path, dir] : staged) {
    int n = per_dir[dir]++;
    std::string key = (dir.empty() ? "" : dir + "/") +
                      fmt::format("part-{}-g{}-{:04d}.parquet", summary.run_id, generation, n);
    fs::path dest = root / key;
    fs::create_directories(dest.parent_path(), ec);
    uint64_t size = fs::file_size(path, ec);
    fs::rename(path, dest, ec);
    if (ec) return Status::IoError(fmt::format("moving {} to {}: {}", path.string(), dest.string(), ec.message()));
    summary.output_bytes += size;
    ++summary.files;
    outputs.push_back({{"path", key}, {"bytes", size}});
    new_files.insert(key);
  }
  std::string rejects_key;
  if (rejects.written()) {
    rejects_key = "_rejects/" + summary.run_id + ".jsonl";
    fs::create_directories(root / "_rejects", ec);
    fs::rename(rejects.path(), root / rejects_key, ec);
    if (ec) return Status::IoError(fmt::format("storing rejects: {}", ec.message()));
    summary.rejects_file = (root / rejects_key).string();
  }
  nlohmann::json manifest;
  manifest["run"] = summary.run_id;
  manifest["generation"] = generation;
  manifest["format"] = std::string(format->name());
  manifest["locations"] = canon;
  manifest["finished_at"] = FormatTimestampUtc(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count());
  nlohmann::json ins = nlohmann::json::array();
  for (const auto& o : plan->objects()) {
    ins.push_back({{"name", o.name}, {"size", o.version.size}, {"etag", o.version.etag},
                   {"mtime", FormatTimestampUtc(o.version.mtime_us)}});
  }
  manifest["inputs"] = ins;
  manifest["outputs"] = outputs;
  manifest["rows"] = summary.rows;
  manifest["rejects"] = summary.rejects;
  manifest["rejects_file"] = rejects_key;
  manifest["input_bytes"] = summary.input_bytes;
  manifest["output_bytes"] = summary.output_bytes;
  SILT_RETURN_IF_ERROR(out->Put(manifest_key, manifest.dump(2) + "\n").status());
  summary.manifest = (root / manifest_key).string();

  std::vector<std::string> old;
  for (const auto& f : prev.files) {
    if (new_files.count(f) == 0) old.push_back(f);
  }
  if (!prev.rejects.empty() && prev.rejects != rejects_key) old.push_back(prev.rejects);
  summary.replaced_files = old.size() - (!prev.rejects.empty() && prev.rejects != rejects_key);
  SILT_RETURN_IF_ERROR(out->DeleteMany(old));
  summary.seconds = elapsed();
  return summary;
}

}  // namespace silt::table
