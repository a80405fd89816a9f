#include "silt/table/table_rewrite.h"

#include "silt/table/table_sql.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "silt/catalog/committer.h"
#include "silt/common/interrupt.h"
#include "silt/common/uri.h"
#include "silt/iceberg/ids.h"
#include "silt/iceberg/table_ops.h"
#include "silt/s3/crypto.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/schema_evolution.h"

namespace silt::table {

namespace {

using query::SqlIdent;
using query::SqlQuote;

// What a rewrite starts from: the table, its current snapshot's live data files.
struct Planned {
  catalog::CommitResult table;
  std::vector<iceberg::PlannedFile> files;
  std::string identifier;  // canonical "ns.name"
};

Result<Planned> PlanTable(Warehouse& warehouse, std::string_view identifier) {
  SILT_ASSIGN_OR_RETURN(catalog::TableIdentifier id, catalog::ParseTableIdentifier(identifier));
  Planned p;
  p.identifier = id.ToString();
  SILT_ASSIGN_OR_RETURN(p.table, LoadIcebergTable(warehouse, p.identifier));
  if (p.table.metadata.CurrentSchema() == nullptr || p.table.metadata.DefaultSpec() == nullptr) {
    return Status::Corruption(fmt::format("{}: metadata without a current schema or spec", p.identifier));
  }
  if (p.table.metadata.CurrentSnapshot() == nullptr) return p;
  SILT_ASSIGN_OR_RETURN(iceberg::FilePlan plan, iceberg::PlanFiles(warehouse.io(), p.table.metadata));
  if (!plan.delete_files.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{} has row-level delete files (merge-on-read, written by another engine), which silt "
        "cannot read yet; rewrite the table with that engine first",
        p.identifier));
  }
  p.files = std::move(plan.data_files);
  return p;
}

// The path DuckDB reads a data file URI from (file:// URIs as local paths; s3:// URIs stay,
// the Database reads them through its cache).
std::string ReadablePath(const std::string& uri) {
  if (uri.starts_with("file:")) {
    auto u = ParseUri(uri);
    if (u.ok()) return u->path;
  }
  return uri;
}

// A relation over `files` with the columns of `schema`, matched by field id (columns a file
// lacks read as NULL), named as the schema names them now.
Result<std::string> ReadFiles(const iceberg::Schema& schema, const std::vector<std::string>& uris) {
  std::string columns, empty;
  for (const auto& f : schema.fields) {
    SILT_ASSIGN_OR_RETURN(std::string type, SqlTypeForIceberg(*f.type));
    columns += fmt::format("{}{}: {{name: {}, type: {}, default_value: NULL}}", columns.empty() ? "" : ", ",
                           f.id, SqlQuote(f.name), SqlQuote(type));
    empty += fmt::format("{}CAST(NULL AS {}) AS {}", empty.empty() ? "" : ", ", type, SqlIdent(f.name));
  }
  if (uris.empty()) return fmt::format("(SELECT {} WHERE false)", empty);
  std::string list;
  for (const auto& u : uris) list += (list.empty() ? "" : ", ") + SqlQuote(ReadablePath(u));
  return fmt::format("read_parquet([{}], schema => MAP {{{}}})", list, columns);
}

std::string TrimSql(std::string s) {
  while (!s.empty() && (s.back() == ';' || std::isspace(static_cast<unsigned char>(s.back())))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// Checks that `where_sql` is a valid filter over the table's columns (on no rows). The filter
// stands on lines of its own so a trailing "-- comment" cannot swallow what follows.
Status CheckFilter(query::Database& db, const iceberg::Schema& schema, const std::string& where_sql,
                   const std::string& identifier) {
  if (where_sql.empty()) {
    return Status::InvalidArgument(
        "the filter is empty: say which rows, e.g. --where \"http_status = 404\" (to delete every "
        "row, use --where true)");
  }
  SILT_ASSIGN_OR_RETURN(std::string empty, ReadFiles(schema, {}));
  auto r = db.Query(fmt::format("SELECT count(*) FROM {} AS __silt_t WHERE (\n{}\n)", empty, where_sql));
  if (!r.ok()) {
    return Status::InvalidArgument(
        fmt::format("the filter '{}' is not valid over the columns of {}: {}", where_sql, identifier,
                    r.status().message()));
  }
  return Status::OK();
}

// Matching rows per file: uri -> rows for which the filter is TRUE (files without any are
// absent).
Result<std::map<std::string, int64_t>> MatchingRows(query::Database& db, const iceberg::Schema& schema,
                                                    const std::vector<std::string>& uris,
                                                    const std::string& where_sql) {
  std::map<std::string, int64_t> out;
  // In batches, so one statement does not name thousands of files.
  constexpr size_t kBatch = 256;
  for (size_t b = 0; b < uris.size(); b += kBatch) {
    const size_t e = std::min(uris.size(), b + kBatch);
    std::string parts;
    for (size_t i = b; i < e; ++i) {
      SILT_ASSIGN_OR_RETURN(std::string rel, ReadFiles(schema, {uris[i]}));
      parts += fmt::format("{}SELECT {} AS __silt_file, count(*) AS n FROM {} AS __silt_t WHERE (\n{}\n)",
                           parts.empty() ? "" : "\nUNION ALL\n", i, rel, where_sql);
    }
    SILT_ASSIGN_OR_RETURN(query::QueryResult r, db.Query(parts));
    for (uint64_t row = 0; row < r.row_count(); ++row) {
      const int64_t n = r.Int64(1, row);
      if (n > 0) out[uris[static_cast<size_t>(r.Int64(0, row))]] = n;
    }
  }
  return out;
}

// Writes the rows of `select_sql` as data files of the table (not committed).
Result<AppendResult> WriteRows(Warehouse& warehouse, query::Database& db, const std::string& identifier,
                               const std::string& select_sql, const std::string& compression,
                               uint64_t target_file_bytes) {
  AppendRequest req;
  req.identifier = identifier;
  req.select_sql = select_sql;
  req.compression = compression;
  req.target_file_bytes = target_file_bytes;
  req.commit = false;
  return AppendQuery(warehouse, db, req);
}

std::vector<std::string> PathsOf(const std::vector<iceberg::DataFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.file_path);
  return out;
}

struct CommitPlan {
  const Planned* planned = nullptr;
  std::vector<iceberg::DataFile> add;
  std::vector<std::string> remove;
  bool replace = false;
  std::map<std::string, std::string> summary;  // silt.* keys (silt.run is added)
  std::function<void(int)> on_attempt;
  // Checks a base the commit would go on top of that differs from the planned snapshot
  // (new files live in it that the plan did not see); an error aborts the commit.
  std::function<Status(const std::vector<std::string>& new_files)> check_new_files;
  // The schema and spec the new files were written with (when any were written).
  std::optional<std::pair<int, int>> written_with;
};

struct Committed {
  catalog::CommitResult commit;
  int64_t snapshot_id = 0;  // the new snapshot
  std::string operation;
};

// The snapshot of `metadata` whose summary has silt.run = run_id.
const iceberg::Snapshot* SnapshotOfRun(const iceberg::TableMetadata& metadata, const std::string& run_id) {
  for (const auto& snap : metadata.snapshots) {
    auto it = snap.summary.find("silt.run");
    if (it != snap.summary.end() && it->second == run_id) return &snap;
  }
  return nullptr;
}

// Commits `plan` as one snapshot through CommitWithRetry. On failure the added files are
// deleted unless the commit is found to have landed after all.
Result<Committed> CommitRewrite(Warehouse& warehouse, CommitPlan plan) {
  const std::string run_id = iceberg::NewUuid();
  plan.summary["silt.run"] = run_id;
  const Planned& p = *plan.planned;
  const std::optional<int64_t> planned_snapshot =
      p.table.metadata.CurrentSnapshot() ? std::optional<int64_t>(p.table.metadata.CurrentSnapshot()->snapshot_id)
                                         : std::nullopt;
  std::set<std::string> planned_files;
  for (const auto& f : p.files) planned_files.insert(f.file.file_path);
  int attempt = 0;
  auto committed = catalog::CommitWithRetry(
      warehouse.catalog(), warehouse.io(), p.identifier,
      [&](const iceberg::TableMetadata& base) -> Result<iceberg::PendingCommit> {
        ++attempt;
        if (plan.on_attempt) plan.on_attempt(attempt);
        const iceberg::PartitionSpec* spec = base.DefaultSpec();
        if (plan.written_with) {
          // The new files must fit the table as it is now: the same spec, and the schema they
          // were written with or one they read correctly under (e.g. a column added since).
          const iceberg::Schema* written = base.SchemaById(plan.written_with->first);
          const iceberg::Schema* current = base.CurrentSchema();
          if (spec == nullptr || spec->spec_id != plan.written_with->second || written == nullptr ||
              current == nullptr ||
              (base.current_schema_id != plan.written_with->first && !FilesFitSchema(*written, *current))) {
            return Status::PreconditionFailed(fmt::format(
                "table {} changed its schema or partitioning meanwhile; run again", p.identifier));
          }
        }
        const iceberg::Snapshot* cur = base.CurrentSnapshot();
        const std::optional<int64_t> now = cur ? std::optional<int64_t>(cur->snapshot_id) : std::nullopt;
        if (now != planned_snapshot) {
          SILT_ASSIGN_OR_RETURN(iceberg::FilePlan live, iceberg::PlanFiles(warehouse.io(), base));
          if (!live.delete_files.empty()) {
            return Status::PreconditionFailed(fmt::format(
                "a concurrent commit added row-level delete files to {}; run again", p.identifier));
          }
          std::set<std::string> now_live;
          std::vector<std::string> fresh;
          for (const auto& f : live.data_files) {
            now_live.insert(f.file.file_path);
            if (!planned_files.count(f.file.file_path)) fresh.push_back(f.file.file_path);
          }
          for (const auto& r : plan.remove) {
            if (!now_live.count(r)) {
              return Status::PreconditionFailed(fmt::format(
                  "a concurrent commit removed {} from {} meanwhile; run again", r, p.identifier));
            }
          }
          if (plan.check_new_files && !fresh.empty()) SILT_RETURN_IF_ERROR(plan.check_new_files(fresh));
        }
        iceberg::SnapshotUpdate u;
        u.add = plan.add;
        u.remove = plan.remove;
        u.replace = plan.replace;
        u.extra_summary = plan.summary;
        return iceberg::CommitSnapshot(warehouse.io(), base, u);
      });
  if (!committed.ok()) {
    interrupt::CleanupScope cleanup;  // after Ctrl-C too
    auto now = catalog::LoadTable(warehouse.catalog(), warehouse.io(), p.identifier);
    if (!now.ok()) return committed.status();  // unknown outcome: the files stay
    if (SnapshotOfRun(now->metadata, run_id) == nullptr) {
      (void)warehouse.io().Delete(PathsOf(plan.add));
      return committed.status();
    }
    committed = std::move(now);  // it landed after all
  }
  Committed out{std::move(committed).value(), 0, ""};
  const iceberg::Snapshot* snap = SnapshotOfRun(out.commit.metadata, run_id);
  if (snap == nullptr) return Status::Internal("the committed snapshot is missing from the metadata");
  out.snapshot_id = snap->snapshot_id;
  out.operation = snap->operation();
  return out;
}

// Deletes written files when a rewrite fails before committing.
struct DeleteUnlessKept {
  Warehouse& warehouse;
  std::vector<std::string> uris;
  bool keep = false;
  ~DeleteUnlessKept() {
    interrupt::CleanupScope cleanup;  // after Ctrl-C too
    if (!keep && !uris.empty()) (void)warehouse.io().Delete(uris);
  }
  void Add(const std::vector<iceberg::DataFile>& files) {
    for (const auto& f : files) uris.push_back(f.file_path);
  }
};

Result<RewriteResult> Rewrite(Warehouse& warehouse, query::Database& db, std::string_view identifier,
                              const std::string& where_raw, const std::optional<std::string>& select_raw,
                              const RewriteOptions& options) {
  const std::string where_sql = TrimSql(where_raw);
  SILT_ASSIGN_OR_RETURN(Planned p, PlanTable(warehouse, identifier));
  const iceberg::Schema& schema = *p.table.metadata.CurrentSchema();
  SILT_RETURN_IF_ERROR(CheckFilter(db, schema, where_sql, p.identifier));

  RewriteResult result;
  std::vector<std::string> uris;
  std::map<std::string, const iceberg::PlannedFile*> by_uri;
  for (const auto& f : p.files) {
    uris.push_back(f.file.file_path);
    by_uri[f.file.file_path] = &f;
  }
  // Files whose partition values or column bounds exclude the filter cannot hold a matching
  // row: they are not read (table_sql.h).
  SILT_ASSIGN_OR_RETURN(auto may_match, FilePrunerForFilter(db, p.table.metadata, where_sql));
  std::vector<std::string> candidates;
  for (const auto& f : p.files) {
    if (may_match(f)) candidates.push_back(f.file.file_path);
  }
  result.files_scanned = static_cast<int>(candidates.size());
  SILT_ASSIGN_OR_RETURN(auto matching, MatchingRows(db, schema, candidates, where_sql));

  CommitPlan plan;
  plan.planned = &p;
  plan.on_attempt = options.on_commit_attempt;
  DeleteUnlessKept written{warehouse, {}};
  std::vector<std::string> rewrite;  // affected files that keep rows
  int64_t kept_rows = 0;
  for (const auto& [uri, n] : matching) {
    const int64_t total = by_uri[uri]->file.record_count;
    result.rows_deleted += n;
    plan.remove.push_back(uri);
    if (n < total) {
      rewrite.push_back(uri);
      kept_rows += total - n;
    } else {
      ++result.files_removed;
    }
  }
  result.files_rewritten = static_cast<int>(rewrite.size());
  if (!rewrite.empty()) {
    SILT_ASSIGN_OR_RETURN(std::string rel, ReadFiles(schema, rewrite));
    const std::string keep_sql =
        fmt::format("SELECT * FROM {} AS __silt_t WHERE (\n{}\n) IS NOT TRUE", rel, where_sql);
    SILT_ASSIGN_OR_RETURN(AppendResult w, WriteRows(warehouse, db, p.identifier, keep_sql,
                                                    options.compression, options.target_file_bytes));
    written.Add(w.files);
    if (w.records != kept_rows) {
      return Status::Internal(fmt::format(
          "rewriting {} file(s) of {} kept {} rows where {} were expected; nothing committed",
          rewrite.size(), p.identifier, w.records, kept_rows));
    }
    plan.written_with = std::make_pair(w.schema_id, w.spec_id);
    plan.add = w.files;
  }
  if (select_raw) {
    const std::string select_sql = TrimSql(*select_raw);
    SILT_ASSIGN_OR_RETURN(AppendResult w, WriteRows(warehouse, db, p.identifier, select_sql,
                                                    options.compression, options.target_file_bytes));
    written.Add(w.files);
    if (!w.files.empty()) {
      if (plan.written_with && *plan.written_with != std::make_pair(w.schema_id, w.spec_id)) {
        return Status::PreconditionFailed(fmt::format(
            "table {} changed its schema or partitioning meanwhile; run again", p.identifier));
      }
      plan.written_with = std::make_pair(w.schema_id, w.spec_id);
    }
    result.rows_added = w.records;
    plan.add.insert(plan.add.end(), w.files.begin(), w.files.end());
    plan.summary["silt.overwrite"] = where_sql;
    // As appends record it: the query, or its sha256 when longer than 512 bytes.
    std::string inputs = select_sql;
    if (inputs.size() > 512) inputs = "sha256:" + s3::HexLower(s3::Sha256(inputs));
    plan.summary["silt.inputs"] = inputs;
  } else {
    plan.summary["silt.delete"] = where_sql;
  }
  for (const char* key : {"silt.delete", "silt.overwrite"}) {
    auto it = plan.summary.find(key);
    if (it != plan.summary.end() && it->second.size() > 512) {
      it->second = "sha256:" + s3::HexLower(s3::Sha256(it->second));
    }
  }
  result.files_added = static_cast<int>(plan.add.size());
  if (plan.add.empty() && plan.remove.empty()) return result;  // nothing matched, nothing to add

  // Serializable: rows matching the filter that a concurrent append added would survive the
  // delete; refuse instead.
  plan.check_new_files = [&](const std::vector<std::string>& fresh) -> Status {
    SILT_ASSIGN_OR_RETURN(auto m, MatchingRows(db, schema, fresh, where_sql));
    if (!m.empty()) {
      return Status::PreconditionFailed(fmt::format(
          "a concurrent commit added rows to {} that match the filter ({}); nothing committed, "
          "run again",
          p.identifier, m.begin()->first));
    }
    return Status::OK();
  };
  auto c = CommitRewrite(warehouse, plan);
  if (!c.ok()) {
    written.keep = true;  // CommitRewrite deleted them, or left them when the outcome is unknown
    return c.status();
  }
  written.keep = true;
  result.metadata_location = c->commit.metadata_location;
  result.attempts = c->commit.attempts;
  result.snapshot_id = c->snapshot_id;
  result.operation = c->operation;
  return result;
}

}  // namespace

Result<RewriteResult> DeleteWhere(Warehouse& warehouse, query::Database& db, std::string_view identifier,
                                  const std::string& where_sql, const RewriteOptions& options) {
  return Rewrite(warehouse, db, identifier, where_sql, std::nullopt, options);
}

Result<RewriteResult> OverwriteWhere(Warehouse& warehouse, query::Database& db,
                                     std::string_view identifier, const std::string& where_sql,
                                     const std::string& select_sql, const RewriteOptions& options) {
  if (TrimSql(select_sql).empty()) return Status::InvalidArgument("the overwrite query is empty");
  return Rewrite(warehouse, db, identifier, where_sql, select_sql, options);
}

Result<CompactResult> Compact(Warehouse& warehouse, query::Database& db, std::string_view identifier,
                              const CompactOptions& options) {
  if (options.target_file_bytes == 0) return Status::InvalidArgument("the target file size must be positive");
  if (!(options.small_file_ratio > 0 && options.small_file_ratio <= 1)) {
    return Status::InvalidArgument("the small-file ratio must be in (0, 1]");
  }
  SILT_ASSIGN_OR_RETURN(Planned p, PlanTable(warehouse, identifier));
  const iceberg::TableMetadata& md = p.table.metadata;
  const iceberg::Schema& schema = *md.CurrentSchema();
  CompactResult result;
  result.files_before = static_cast<int>(p.files.size());
  result.files_after = result.files_before;

  // Partitions: (spec id, partition path) -> files.
  struct Part {
    int spec_id = 0;
    std::string path;
    int files = 0;
    std::vector<const iceberg::PlannedFile*> small;
  };
  std::map<std::pair<int, std::string>, Part> parts;
  const double limit = static_cast<double>(options.target_file_bytes) * options.small_file_ratio;
  for (const auto& f : p.files) {
    const iceberg::PartitionSpec* spec = md.SpecById(f.partition_spec_id);
    std::string path = spec != nullptr && spec->fields.size() == f.file.partition.size()
                           ? spec->PartitionPath(f.file.partition)
                           : "";
    Part& part = parts[{f.partition_spec_id, path}];
    part.spec_id = f.partition_spec_id;
    part.path = path;
    ++part.files;
    if (static_cast<double>(f.file.file_size_in_bytes) < limit) part.small.push_back(&f);
  }

  CommitPlan plan;
  plan.planned = &p;
  plan.replace = true;
  plan.on_attempt = options.on_commit_attempt;
  DeleteUnlessKept written{warehouse, {}};
  for (auto& [key, part] : parts) {
    if (static_cast<int>(part.small.size()) < std::max(2, options.min_input_files)) continue;
    // First-fit decreasing into groups of at most the target size.
    std::sort(part.small.begin(), part.small.end(), [](const auto* a, const auto* b) {
      return a->file.file_size_in_bytes != b->file.file_size_in_bytes
                 ? a->file.file_size_in_bytes > b->file.file_size_in_bytes
                 : a->file.file_path < b->file.file_path;
    });
    std::vector<std::pair<int64_t, std::vector<const iceberg::PlannedFile*>>> groups;
    for (const auto* f : part.small) {
      bool placed = false;
      for (auto& g : groups) {
        if (static_cast<uint64_t>(g.first + f->file.file_size_in_bytes) <= options.target_file_bytes) {
          g.first += f->file.file_size_in_bytes;
          g.second.push_back(f);
          placed = true;
          break;
        }
      }
      if (!placed) groups.push_back({f->file.file_size_in_bytes, {f}});
    }
    PartitionCompaction pc;
    pc.partition = part.path;
    pc.spec_id = part.spec_id;
    pc.files_before = part.files;
    pc.files_after = part.files;
    for (const auto& g : groups) {
      if (g.second.size() < 2) continue;
      std::vector<std::string> uris;
      int64_t records = 0;
      for (const auto* f : g.second) {
        uris.push_back(f->file.file_path);
        records += f->file.record_count;
        pc.bytes_rewritten += f->file.file_size_in_bytes;
      }
      SILT_ASSIGN_OR_RETURN(std::string rel, ReadFiles(schema, uris));
      SILT_ASSIGN_OR_RETURN(AppendResult w,
                            WriteRows(warehouse, db, p.identifier, fmt::format("SELECT * FROM {}", rel),
                                      options.compression, options.target_file_bytes));
      written.Add(w.files);
      if (w.records != records) {
        return Status::Internal(fmt::format(
            "compacting {} files of {} wrote {} rows where they hold {}; nothing committed",
            uris.size(), p.identifier, w.records, records));
      }
      if (!w.files.empty()) {
        if (plan.written_with && *plan.written_with != std::make_pair(w.schema_id, w.spec_id)) {
          return Status::PreconditionFailed(fmt::format(
              "table {} changed its schema or partitioning meanwhile; run again", p.identifier));
        }
        plan.written_with = std::make_pair(w.schema_id, w.spec_id);
      }
      plan.remove.insert(plan.remove.end(), uris.begin(), uris.end());
      plan.add.insert(plan.add.end(), w.files.begin(), w.files.end());
      pc.files_rewritten += static_cast<int>(uris.size());
      pc.files_after += static_cast<int>(w.files.size()) - static_cast<int>(uris.size());
      pc.records += records;
      for (const auto& f : w.files) pc.bytes_written += f.file_size_in_bytes;
    }
    if (pc.files_rewritten == 0) continue;
    result.records += pc.records;
    result.files_after += pc.files_after - pc.files_before;
    result.partitions.push_back(std::move(pc));
  }
  if (plan.remove.empty()) return result;  // nothing worth compacting
  plan.summary["silt.compact"] =
      fmt::format("target-file-bytes={} files={}->{} partitions={}", options.target_file_bytes,
                  result.files_before, result.files_after, result.partitions.size());
  auto c = CommitRewrite(warehouse, plan);
  written.keep = true;  // committed, deleted by CommitRewrite, or kept when the outcome is unknown
  if (!c.ok()) return c.status();
  result.metadata_location = c->commit.metadata_location;
  result.attempts = c->commit.attempts;
  result.snapshot_id = c->snapshot_id;
  return result;
}

}  // namespace silt::table
