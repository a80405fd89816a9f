#include "silt/table/convert_table.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <cstdio>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "silt/common/interrupt.h"
#include "silt/common/strings.h"
#include "silt/common/uri.h"
#include "silt/formats/format.h"
#include "silt/iceberg/ids.h"
#include "silt/query/key_pattern.h"
#include "silt/query/database.h"
#include "silt/query/log_scan.h"
#include "silt/query/read_log.h"
#include "silt/s3/crypto.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/jsonl_rejects.h"
#include "silt/table/data_files.h"
#include "silt/catalog/committer.h"
#include "silt/common/civil_time.h"
#include "silt/iceberg/schema.h"
#include "silt/iceberg/table_ops.h"
#include "silt/iceberg/transforms.h"
#include "silt/table/table_maintenance.h"
#include "silt/table/staging.h"

namespace silt::table {

std::string InputsIdentity(std::string_view format, const std::vector<query::InputObject>& objects) {
  std::string text = fmt::format("silt-inputs-v1\n{}\n", format);
  uint64_t bytes = 0;
  for (const auto& o : objects) {
    text += fmt::format("{}\t{}\t{}\n", o.name, o.version.size, o.version.etag);
    bytes += o.version.size;
  }
  return fmt::format("objects={} bytes={} sha256={}", objects.size(), bytes,
                     s3::HexLower(s3::Sha256(text)));
}

namespace {

// An object version's line in a bookmark: "name\tsize\tetag". A name holding a '\n' (keys may
// hold any character) is written JSON-escaped after a leading tab, a form no plain line has
// (names are never empty): the bookmark stays one line per version, and every other line
// reads as it always did (a '\r' never split a line, so such names stay as they were).
std::string BookmarkLine(const query::InputObject& o) {
  if (o.name.find('\n') == std::string::npos) {
    return fmt::format("{}\t{}\t{}", o.name, o.version.size, o.version.etag);
  }
  std::string name;
  JsonEscape(o.name, &name);
  return fmt::format("\t{}\t{}\t{}", name, o.version.size, o.version.etag);
}

}  // namespace

namespace {

// The partitioning silt's Convert writes that equals the table's default spec (and columns
// that are exactly the scan's, with ids 1..n in order), or nullopt.
std::optional<Partitioning> DirectPartitioning(const iceberg::TableMetadata& md, const query::ScanPlan& plan,
                                               const formats::Format& format) {
  const iceberg::Schema* schema = md.CurrentSchema();
  const iceberg::PartitionSpec* spec = md.DefaultSpec();
  if (schema == nullptr || spec == nullptr) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& c : format.schema()) names.push_back(c.name);
  for (const auto& c : plan.extra_columns()) names.push_back(c.name);
  if (schema->fields.size() != names.size()) return std::nullopt;
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& f = schema->fields[i];
    if (f.id != static_cast<int>(i) + 1 || f.name != names[i] || f.required) return std::nullopt;
  }
  if (spec->fields.empty()) return Partitioning::kNone;
  if (spec->fields.size() != 1 || format.time_column().empty()) return std::nullopt;
  const iceberg::NestedField* src = schema->FindField(spec->fields[0].source_id);
  if (src == nullptr || src->name != format.time_column()) return std::nullopt;
  if (spec->fields[0].transform.kind() == iceberg::TransformKind::kDay) return Partitioning::kDay;
  if (spec->fields[0].transform.kind() == iceberg::TransformKind::kHour) return Partitioning::kHour;
  return std::nullopt;
}

// The partition tuple of a file Convert wrote into folder "day=YYYY-MM-DD[/hour=HH]".
Result<std::vector<iceberg::Literal>> PartitionOfFolder(const std::string& folder,
                                                        const iceberg::TableMetadata& md) {
  const iceberg::PartitionSpec& spec = *md.DefaultSpec();
  if (spec.fields.empty()) return std::vector<iceberg::Literal>{};
  SILT_ASSIGN_OR_RETURN(std::vector<iceberg::NestedField> ptype, spec.PartitionType(*md.CurrentSchema()));
  if (folder.rfind(fmt::format("day={}", kNullPartition), 0) == 0) {  // rows without a time
    return std::vector<iceberg::Literal>{iceberg::Literal::Null(ptype[0].type)};
  }
  int y = 0, m = 0, d = 0, h = 0;
  const bool hour = spec.fields[0].transform.kind() == iceberg::TransformKind::kHour;
  const int n = hour ? std::sscanf(folder.c_str(), "day=%d-%d-%d/hour=%d", &y, &m, &d, &h)
                     : std::sscanf(folder.c_str(), "day=%d-%d-%d", &y, &m, &d);
  if (n != (hour ? 4 : 3)) return Status::Internal("unexpected partition folder " + folder);
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return std::vector<iceberg::Literal>{
      iceberg::Literal::OfInt64(ptype[0].type, hour ? days * 24 + h : days)};
}

// The newest snapshot (by sequence number) that conversions of `source` committed, or null.
const iceberg::Snapshot* NewestOfSource(const iceberg::TableMetadata& md, const std::string& source) {
  const iceberg::Snapshot* newest = nullptr;
  for (const auto& snap : md.snapshots) {
    auto it = snap.summary.find("silt.source");
    if (it != snap.summary.end() && it->second == source &&
        (newest == nullptr || snap.sequence_number > newest->sequence_number)) {
      newest = &snap;
    }
  }
  return newest;
}

// Writes `objects` with Convert into a staging folder, turns the files into data files and
// commits them as one snapshot.
Status AppendThroughConvert(Warehouse& warehouse, query::Database& db, const ConvertOptions& options,
                            const std::vector<query::InputObject>& objects, const std::string& table,
                            const catalog::CommitResult& loaded, Partitioning partitioning,
                            std::map<std::string, std::string> summary,
                            const std::function<Status(const iceberg::TableMetadata&)>& precondition,
                            TableConvertSummary* s) {
  const iceberg::TableMetadata& md = loaded.metadata;
  const std::string run_id = iceberg::NewUuid();
  // In the temporary folder (a remote warehouse), the folders of killed runs are removed here;
  // a local warehouse's .silt-staging is swept by `silt table remove-orphans`.
  if (!warehouse.is_local()) {
    SweepAbandonedStaging(std::filesystem::temp_directory_path(), "silt-convert-");
  }
  const std::filesystem::path staging =
      warehouse.is_local() ? std::filesystem::path(warehouse.local_root()) / ".silt-staging" / run_id
                           : std::filesystem::temp_directory_path() / StagingName("silt-convert-", run_id);
  struct Cleanup {
    std::filesystem::path dir;
    bool local;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove_all(dir, e);
      if (local) std::filesystem::remove(dir.parent_path(), e);
    }
  } cleanup{staging, warehouse.is_local()};
  ConvertOptions co = options;
  co.objects = objects;
  co.output = staging.string();
  co.partition = partitioning;
  co.kv_metadata["iceberg.schema"] = iceberg::SchemaToJson(*md.CurrentSchema());
  SILT_ASSIGN_OR_RETURN(ConvertSummary cs, Convert(co));
  std::vector<LocalDataFile> local;
  std::vector<std::string> paths;
  for (const ConvertOutput& o : cs.outputs) {
    LocalDataFile f;
    f.path = (staging / o.key).string();
    SILT_ASSIGN_OR_RETURN(f.partition, PartitionOfFolder(o.partition, md));
    paths.push_back(f.path);
    local.push_back(std::move(f));
  }
  s->rows = cs.rows;
  s->rejects = cs.rejects;
  if (local.empty()) {
    s->snapshot_id = 0;
    return Status::OK();
  }
  SILT_ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files,
                        DescribeParquetFiles(db, *md.CurrentSchema(), local, table));
  SILT_RETURN_IF_ERROR(PlaceDataFiles(warehouse, md, *md.DefaultSpec(), paths, &files));
  std::vector<std::string> placed;
  for (const auto& f : files) {
    placed.push_back(f.file_path);
    s->output_bytes += static_cast<uint64_t>(f.file_size_in_bytes);
  }
  s->files = files.size();
  summary["silt.inputs"] = s->inputs;
  summary["silt.run"] = run_id;
  // Rejected lines are stored beside the table before the commit that skips them, and named
  // in its summary: the rows and their rejects land together or not at all.
  if (cs.rejects > 0 && !cs.rejects_file.empty()) {
    const std::string uri = fmt::format("{}/silt/rejects/{}.jsonl", md.location, run_id);
    auto key = warehouse.io().KeyOf(uri);
    Status st = key.ok() ? warehouse.store().PutFile(*key, cs.rejects_file).status() : key.status();
    if (!st.ok()) {
      interrupt::CleanupScope cleanup;  // after Ctrl-C too
      (void)warehouse.io().Delete(placed);
      return st.WithContext("storing the rejected lines");
    }
    placed.push_back(uri);  // deleted with the data files if the commit does not land
    summary["silt.rejects"] = uri;
    s->rejects_file = uri;
  }
  const int schema_id = md.current_schema_id;
  const iceberg::PartitionSpec spec = *md.DefaultSpec();
  auto committed = catalog::CommitWithRetry(
      warehouse.catalog(), warehouse.io(), table,
      [&](const iceberg::TableMetadata& base) -> Result<iceberg::PendingCommit> {
        SILT_RETURN_IF_ERROR(precondition(base));
        const iceberg::PartitionSpec* now = base.DefaultSpec();
        if (now == nullptr || !(*now == spec) || base.current_schema_id != schema_id) {
          return Status::PreconditionFailed(fmt::format(
              "table {} changed its schema or partitioning while converting; run again", table));
        }
        return iceberg::AppendFiles(warehouse.io(), base, files, summary);
      });
  if (!committed.ok()) {
    // Keep the files only when the commit landed after all (the catalog names this run).
    interrupt::CleanupScope cleanup;  // after Ctrl-C too
    auto now = catalog::LoadTable(warehouse.catalog(), warehouse.io(), table);
    bool landed = false;
    if (now.ok()) {
      for (const auto& snap : now->metadata.snapshots) {
        auto it = snap.summary.find("silt.run");
        if (it != snap.summary.end() && it->second == run_id) landed = true;
      }
      if (!landed) (void)warehouse.io().Delete(placed);
    }
    if (!landed) return committed.status();
    committed = std::move(now);
  }
  for (const auto& snap : committed->metadata.snapshots) {
    auto it = snap.summary.find("silt.run");
    if (it != snap.summary.end() && it->second == run_id) s->snapshot_id = snap.snapshot_id;
  }
  return Status::OK();
}

}  // namespace

Result<TableConvertSummary> ConvertToTable(const ConvertOptions& options, const std::string& table,
                                           Warehouse& warehouse, SchemaMode schema_mode) {
  const auto t0 = std::chrono::steady_clock::now();
  // SILT_TRACE=1 prints the phases with their times to standard error.
  const bool tracing = std::getenv("SILT_TRACE") != nullptr;
  auto trace = [&](std::string_view what) {
    if (tracing) {
      fmt::print(stderr, "[{:8.3f} s] {}\n",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), what);
    }
  };
  TableConvertSummary s;
  s.table = table;
  const formats::Format* format = formats::FindFormat(options.format);
  if (format == nullptr) {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (known formats: {})",
                                               options.format, formats::FormatNames()));
  }
  SILT_ASSIGN_OR_RETURN(std::vector<query::InputObject> inputs, query::ResolveInputs(options.inputs));
  // The source: the format and the input locations as given (normalised).
  // (Before locations were compared without trailing slashes, a source was identified by them
  // as written: such a source's bookmark is read when this one has none yet.)
  SILT_ASSIGN_OR_RETURN(const auto spellings, LocationIdentities(options.inputs));
  auto source_of = [&](const std::vector<std::string>& locations) {
    std::string text = "silt-source-v1\n" + options.format;
    for (const auto& c : locations) text += "\n" + c;
    return s3::HexLower(s3::Sha256(text)).substr(0, 16);
  };
  const std::string source = source_of(spellings[0]);
  const std::string legacy_sources[] = {source_of(spellings[1]), source_of(spellings[2])};

  query::DatabaseOptions dbo;
  dbo.threads = options.threads;
  dbo.memory_limit = options.memory_limit.empty() ? "1GB" : options.memory_limit;
  SILT_ASSIGN_OR_RETURN(std::unique_ptr<query::Database> db, query::Database::Open(dbo));

  // What this source already committed: the bookmark of its newest snapshot.
  std::set<std::string> committed;  // "name\tsize\tetag"
  int64_t seen_source_snapshot = 0;  // that snapshot (0: none)
  std::string bookmark_text;
  auto loaded = LoadIcebergTable(warehouse, table);
  if (loaded.ok()) {
    const iceberg::TableMetadata& md = loaded->metadata;
    auto has_bookmark = [&](const std::string& src) {
      return NewestOfSource(md, src) != nullptr || md.properties.count(BookmarkProperty(src)) > 0;
    };
    std::string bookmark_source = source;
    if (!has_bookmark(source)) {
      for (const std::string& legacy : legacy_sources) {
        if (legacy != source && has_bookmark(legacy)) {
          bookmark_source = legacy;
          break;
        }
      }
    }
    const iceberg::Snapshot* newest = NewestOfSource(md, bookmark_source);
    if (newest != nullptr) {
      seen_source_snapshot = newest->snapshot_id;
      auto it = newest->summary.find("silt.bookmark");
      if (it == newest->summary.end()) {
        return Status::Corruption(fmt::format("{}: snapshot {} of this source has no silt.bookmark",
                                              table, newest->snapshot_id));
      }
      SILT_ASSIGN_OR_RETURN(bookmark_text, warehouse.io().Read(it->second));
      committed = BookmarkLines(bookmark_text);
      s.snapshot_id = newest->snapshot_id;
    }
    // A bookmark carried forward when `silt table expire` removed the source's newest snapshot
    // (table_maintenance.h): everything in it was committed too.
    if (auto it = loaded->metadata.properties.find(BookmarkProperty(bookmark_source));
        it != loaded->metadata.properties.end() && !it->second.empty()) {
      SILT_ASSIGN_OR_RETURN(std::string carried, warehouse.io().Read(it->second));
      if (!bookmark_text.empty() && bookmark_text.back() != '\n') bookmark_text += '\n';
      for (const std::string& line : BookmarkLines(carried)) {
        if (committed.insert(line).second) bookmark_text += line + "\n";
      }
      // The snapshot that committed them expired: the current one holds their rows.
      if (s.snapshot_id == 0) s.snapshot_id = loaded->metadata.current_snapshot_id.value_or(0);
    }
  } else if (!loaded.status().IsNotFound()) {
    return loaded.status();
  }
  trace("inputs listed, bookmark read");
  std::vector<query::InputObject> fresh;
  for (auto& o : inputs) {
    if (committed.count(BookmarkLine(o)) == 0) {
      fresh.push_back(o);
    }
  }
  if (fresh.empty()) {
    s.already_committed = true;
    s.objects = inputs.size();
    for (const auto& o : inputs) s.input_bytes += o.version.size;
    s.inputs = InputsIdentity(options.format, inputs);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
  }
  s.snapshot_id = 0;
  s.objects = fresh.size();
  for (const auto& o : fresh) s.input_bytes += o.version.size;
  s.inputs = InputsIdentity(options.format, fresh);

  // The new objects as one scan plan, read through read_log(plan => id).
  SILT_ASSIGN_OR_RETURN(std::shared_ptr<const formats::Format> fmt_owner,
                        query::OpenFormatFor(options.format, options.format_options, fresh));
  std::vector<query::InputObject> plan_objects = fresh;
  auto plan = std::make_shared<query::ScanPlan>(fmt_owner.get(), std::move(plan_objects));
  plan->KeepAlive(fmt_owner);
  {
    std::optional<query::KeyPattern> pattern;
    if (!options.key_pattern.empty()) {
      SILT_ASSIGN_OR_RETURN(query::KeyPattern kp, query::KeyPattern::Parse(options.key_pattern));
      pattern = std::move(kp);
    }
    SILT_RETURN_IF_ERROR(plan->SetExtraColumns(std::move(pattern), options.source_columns));
  }
  // Rejected lines go to a file kept beside the table.
  SILT_ASSIGN_OR_RETURN(const std::string rejects_path, NewTempFile("silt-rejects-"));
  struct Unlink {
    std::string p;
    ~Unlink() {
      if (!p.empty()) ::unlink(p.c_str());
    }
  } unlink_rejects{rejects_path};
  JsonlRejects rejects(rejects_path);
  plan->set_reject_sink(&rejects);
  const uint64_t plan_id = query::RegisterPlan(plan);
  struct Unregister {
    uint64_t id;
    ~Unregister() { query::UnregisterPlan(id); }
  } unregister{plan_id};
  const std::string select = fmt::format("SELECT * FROM read_log(NULL, plan => {})", plan_id);

  if (!loaded.ok()) {
    SILT_ASSIGN_OR_RETURN(std::vector<ColumnDecl> columns, ColumnsOfQuery(*db, select));
    CreateTableRequest create;
    create.identifier = table;
    SILT_ASSIGN_OR_RETURN(create.schema, SchemaFromColumns(columns));
    if (options.partition != Partitioning::kNone) {
      if (fmt_owner->time_column().empty()) {
        return Status::InvalidArgument(fmt::format(
            "format {} has no event time column to partition {} by; use --partition-by none",
            options.format, table));
      }
      SILT_ASSIGN_OR_RETURN(create.partition_by,
                            ParsePartitionBy(fmt::format("{}({})",
                                                         options.partition == Partitioning::kHour ? "hour" : "day",
                                                         fmt_owner->time_column())));
    }
    auto created = CreateIcebergTable(warehouse, create);
    if (created.ok()) {
      s.created = true;
      loaded = std::move(created);
    } else if (created.status().IsAlreadyExists()) {
      // Another writer created it meanwhile: append to that one (a run of the same source
      // that committed first is caught at the commit).
      loaded = LoadIcebergTable(warehouse, table);
      if (!loaded.ok()) return loaded.status();
    } else {
      return created.status();
    }
  }

  trace("table ready");
  // The bookmark after this commit: everything the source has committed, this run included.
  for (const auto& o : fresh) {
    bookmark_text += BookmarkLine(o) + "\n";
  }
  const std::string bookmark_uri =
      fmt::format("{}/silt/bookmarks/{}-{}.tsv", loaded->metadata.location, source, iceberg::NewUuid());
  std::map<std::string, std::string> summary;
  summary["silt.format"] = options.format;
  summary["silt.source"] = source;
  summary["silt.bookmark"] = bookmark_uri;

  // The fast path: silt's own conversion (partitions routed by silt, bounded memory) writes
  // the files, when the table's columns and partitioning are exactly what it writes.
  // Exactly once under concurrency: the bookmark written with this commit extends the one
  // read above, so the commit lands only if no other run of this source committed meanwhile.
  // If one did and it covered all of this run's objects, this run is a no-op; otherwise it
  // stops and asks for a re-run (which reads the newer bookmark).
  struct Race {
    bool happened = false;
    int64_t snapshot = 0;
    std::string bookmark;
  } race;
  auto no_other_run = [&](const iceberg::TableMetadata& base) -> Status {
    const iceberg::Snapshot* now = NewestOfSource(base, source);
    if (now == nullptr || now->snapshot_id == seen_source_snapshot) return Status::OK();
    race.happened = true;
    race.snapshot = now->snapshot_id;
    auto it = now->summary.find("silt.bookmark");
    race.bookmark = it == now->summary.end() ? "" : it->second;
    return Status::PreconditionFailed(fmt::format(
        "another conversion of the same inputs committed to {} meanwhile (snapshot {})", table,
        now->snapshot_id));
  };
  // After a refused commit: whether the other run committed every object of this one.
  auto covered_by_race = [&]() {
    if (!race.happened || race.bookmark.empty()) return false;
    auto text = warehouse.io().Read(race.bookmark);
    if (!text.ok()) return false;
    const std::set<std::string> theirs = BookmarkLines(*text);
    for (const auto& o : fresh) {
      if (theirs.count(BookmarkLine(o)) == 0) {
        return false;
      }
    }
    return true;
  };
  auto raced = [&](const Status& failed) -> Result<TableConvertSummary> {
    {
      interrupt::CleanupScope cleanup;
      (void)warehouse.io().Delete({bookmark_uri});  // never committed: nothing points at it
    }
    if (!race.happened) return failed;
    if (covered_by_race()) {
      s.already_committed = true;
      s.snapshot_id = race.snapshot;
      s.rows = s.rejects = s.files = s.output_bytes = 0;
      s.rejects_file.clear();
      s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return s;
    }
    return Status::PreconditionFailed(failed.message() +
                                      "; it converted some of these objects: run again to "
                                      "convert the rest exactly once");
  };

  std::optional<Partitioning> direct = DirectPartitioning(loaded->metadata, *plan, *fmt_owner);
  if (direct) {
    SILT_RETURN_IF_ERROR(warehouse.io().WriteNew(bookmark_uri, bookmark_text));
    auto r = AppendThroughConvert(warehouse, *db, options, fresh, table, *loaded, *direct, summary,
                                  no_other_run, &s);
    if (!r.ok()) return raced(r);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
  }

  SILT_RETURN_IF_ERROR(warehouse.io().WriteNew(bookmark_uri, bookmark_text));

  AppendRequest append;
  append.identifier = table;
  append.select_sql = select;
  append.inputs = s.inputs;
  append.summary = summary;
  append.compression = options.compression;
  append.schema_mode = schema_mode;
  append.precondition = no_other_run;
  auto r = AppendQuery(warehouse, *db, append);
  if (!r.ok()) return raced(r.status());
  s.snapshot_id = r->snapshot_id;
  s.rows = static_cast<uint64_t>(r->records);
  s.files = r->files.size();
  s.output_bytes = static_cast<uint64_t>(r->bytes);
  s.rejects = plan->counters().rejects.load();
  // The rows are committed now: rejected lines that cannot be stored beside the table stay
  // on local disk, and the error says where (a re-run would skip these objects).
  Status closed = rejects.Close();
  if (s.rejects > 0 && (rejects.written() || !closed.ok())) {
    const std::string uri = fmt::format("{}/silt/rejects/{}.jsonl", loaded->metadata.location, r->snapshot_id);
    Status st = closed;
    if (st.ok()) {
      auto key = warehouse.io().KeyOf(uri);
      st = key.ok() ? warehouse.store().PutFile(*key, rejects_path).status() : key.status();
    }
    if (!st.ok()) {
      unlink_rejects.p.clear();
      return Status(st.code(), fmt::format(
          "{} rows were committed to {} (snapshot {}), but storing their {} rejected lines "
          "failed: {}; the rejected lines are kept in {}",
          s.rows, table, s.snapshot_id, s.rejects, st.message(), rejects_path));
    }
    s.rejects_file = uri;
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace silt::table
