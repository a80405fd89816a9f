// silt table create|list|describe|history|snapshots|files|append|drop: Apache Iceberg v2 tables in a
// warehouse folder (or s3:// prefix) with an SQL catalog, see docs/TABLES.md.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "silt/cli/commands.h"
#include "silt/cli/table_cli.h"
#include "silt/common/civil_time.h"
#include "silt/common/interrupt.h"
#include "silt/common/strings.h"
#include "silt/iceberg/literal.h"
#include "silt/iceberg/table_ops.h"
#include "silt/query/database.h"
#include "silt/query/read_log.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/warehouse.h"

namespace silt::cli {

// The exit codes of commands.cc: 2 usage, 3 not found, 4 permission, 1 anything else.
int TableFail(const Status& s) {
  if (s.code() == StatusCode::kCancelled && interrupt::Requested()) {
    // Ctrl-C or SIGTERM: what stopped, and the shell's code for a signal (130, 143).
    fmt::print(stderr, "silt: {}\n", s.message());
    return interrupt::ExitCode();
  }
  fmt::print(stderr, "silt: error: {}\n", s.message());
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kNotFound: return 3;
    case StatusCode::kPermissionDenied: return 4;
    default: return 1;
  }
}

void OnRun(CLI::App* cmd, int* exit_code, std::function<Status()> run) {
  cmd->callback([exit_code, run = std::move(run)]() {
    Status st = run();
    *exit_code = st.ok() ? 0 : TableFail(st);
  });
}

void AddWarehouseFlags(CLI::App* cmd, WarehouseFlags* f) {
  cmd->add_option("--warehouse,-w", f->warehouse,
                  "Warehouse folder or s3://bucket/prefix holding the tables (default: "
                  "SILT_WAREHOUSE, else ./warehouse)");
  cmd->add_option("--catalog", f->catalog,
                  "SQLite catalog file (default: SILT_CATALOG, else <warehouse>/catalog.db; "
                  "required for an s3:// warehouse)");
}

Result<std::unique_ptr<table::Warehouse>> OpenWarehouse(const WarehouseFlags& f, bool create) {
  table::WarehouseOptions o;
  o.location = f.warehouse;
  o.catalog = f.catalog;
  o.create = create;
  return table::Warehouse::Open(o);
}

std::string TimeMs(int64_t ms) {
  std::string t = FormatTimestampUtc(ms * 1000);
  std::replace(t.begin(), t.end(), 'T', ' ');
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  // FormatTimestampUtc shows microseconds only when non-zero: keep milliseconds.
  const size_t dot = t.find('.');
  if (dot != std::string::npos && t.size() > dot + 4) t.resize(dot + 4);
  return t + " UTC";
}

// Prints rows as aligned columns under a header.
void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& r) {
    std::string out;
    for (size_t c = 0; c < r.size(); ++c) {
      out += r[c];
      if (c + 1 < r.size()) out += std::string(width[c] - r[c].size() + 2, ' ');
    }
    fmt::print("{}\n", out);
  };
  line(header);
  for (const auto& r : rows) line(r);
}

namespace {

namespace fs = std::filesystem;

std::string OrDash(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }

std::string SummaryValue(const iceberg::Snapshot& s, const std::string& key) {
  auto it = s.summary.find(key);
  return it == s.summary.end() ? "0" : it->second;
}

// The summary keys that are not the standard counts (silt.inputs, silt.run, other writers').
std::string OtherSummary(const iceberg::Snapshot& s) {
  std::string out;
  for (const auto& [k, v] : s.summary) {
    if (k == "operation" || k.starts_with("added-") || k.starts_with("total-") ||
        k.starts_with("deleted-") || k.starts_with("removed-") || k == "changed-partition-count") {
      continue;
    }
    out += (out.empty() ? "" : ", ") + k + "=" + v;
  }
  return out;
}

// Removes the empty folders below and including `dir` (never anything else).
void RemoveEmptyDirs(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory(ec)) RemoveEmptyDirs(e.path());
  }
  if (fs::is_empty(dir, ec)) fs::remove(dir, ec);
}

// A subcommand over one existing table: `silt table <name> ns.t [--warehouse ...]` calling
// `fn` with the opened warehouse, the identifier and the table as loaded.
void AddOneTableCommand(
    CLI::App* table, int* exit_code, const std::string& name, const std::string& help,
    std::function<Status(table::Warehouse&, const std::string&, const catalog::CommitResult&)> fn) {
  struct Opts {
    std::string identifier;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(name, help);
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o, fn = std::move(fn)]() -> Status {
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(catalog::CommitResult t, table::LoadIcebergTable(*wh, o->identifier));
    return fn(*wh, o->identifier, t);
  });
}

void AddTableCreate(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier, format, columns, query, partition_by;
    std::vector<std::string> properties;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "create",
      "Create an empty Iceberg v2 table. Columns come from a log format, a column list, or\n"
      "the result of a query; the partition spec uses Iceberg's transforms:\n"
      "  silt table create logs.access --format s3_access --partition-by 'day(request_time)'\n"
      "  silt table create app.events --columns 'ts TIMESTAMPTZ, user_id BIGINT, event VARCHAR' \\\n"
      "      --partition-by 'hour(ts), bucket(16, user_id)'\n"
      "  silt table create web.hits --like \"SELECT * FROM read_log('logs/', format => 'combined')\"\n"
      "Transforms: col (identity), year(c), month(c), day(c), hour(c), bucket(N, c),\n"
      "truncate(W, c), void(c). Types: BIGINT, INTEGER, DOUBLE, FLOAT, VARCHAR, BOOLEAN,\n"
      "TIMESTAMPTZ, TIMESTAMP, DATE. Every column is optional (nullable).");
  cmd->add_option("table", o->identifier, "namespace.table (the namespace is created if needed)")->required();
  auto* f = cmd->add_option("--format,-f", o->format, "Take the columns of this log format (`silt formats`)");
  auto* c = cmd->add_option("--columns", o->columns, "Column list, e.g. 'a BIGINT, b VARCHAR'");
  auto* l = cmd->add_option("--like", o->query, "Take the columns of this query's result");
  f->excludes(c)->excludes(l);
  c->excludes(l);
  cmd->add_option("--partition-by,-p", o->partition_by,
                  "Partition spec, e.g. 'day(request_time)' or 'hour(ts), bucket(16, id)'");
  cmd->add_option("--property", o->properties, "Table property KEY=VALUE (repeatable)");
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    if (o->format.empty() && o->columns.empty() && o->query.empty()) {
      return Status::InvalidArgument(
          "say which columns the table has: --format <format>, --columns '<name TYPE, ...>' or "
          "--like '<SELECT ...>'");
    }
    std::vector<table::ColumnDecl> cols;
    if (!o->format.empty()) {
      SILT_ASSIGN_OR_RETURN(cols, table::ColumnsOfFormat(o->format));
    } else if (!o->columns.empty()) {
      SILT_ASSIGN_OR_RETURN(cols, table::ParseColumnList(o->columns));
    } else {
      SILT_ASSIGN_OR_RETURN(auto db, query::Database::Open());
      SILT_ASSIGN_OR_RETURN(cols, table::ColumnsOfQuery(*db, o->query));
    }
    table::CreateTableRequest req;
    req.identifier = o->identifier;
    SILT_ASSIGN_OR_RETURN(req.schema, table::SchemaFromColumns(cols));
    SILT_ASSIGN_OR_RETURN(req.partition_by, table::ParsePartitionBy(o->partition_by));
    for (const auto& kv : o->properties) {
      const size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Status::InvalidArgument(fmt::format("--property '{}' is not KEY=VALUE", kv));
      }
      req.properties[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, true));
    SILT_ASSIGN_OR_RETURN(catalog::CommitResult created, table::CreateIcebergTable(*wh, req));
    const auto& m = created.metadata;
    std::string spec;
    for (const auto& pf : m.DefaultSpec()->fields) {
      spec += (spec.empty() ? "" : ", ") + table::TrinoPartitionField(pf, *m.CurrentSchema());
    }
    fmt::print("created table {} ({} columns{})\n", o->identifier, m.CurrentSchema()->fields.size(),
               spec.empty() ? ", unpartitioned" : ", partitioned by " + spec);
    fmt::print("  location  {}\n", m.location);
    fmt::print("  metadata  {}\n", created.metadata_location);
    fmt::print("  catalog   {} ({})\n", wh->catalog().name(), wh->catalog_path());
    return Status::OK();
  });
}

void AddTableList(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string ns;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "list", "List the tables of the warehouse (or of one namespace), one namespace.table per line.");
  cmd->add_option("namespace", o->ns, "Only this namespace");
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    std::vector<std::string> namespaces;
    if (!o->ns.empty()) {
      SILT_RETURN_IF_ERROR(catalog::ValidateNamespace(o->ns));
      SILT_ASSIGN_OR_RETURN(bool exists, wh->catalog().NamespaceExists(o->ns));
      if (!exists) {
        SILT_ASSIGN_OR_RETURN(auto all, wh->catalog().ListNamespaces());
        std::string known;
        for (const auto& n : all) known += (known.empty() ? "" : ", ") + n;
        return Status::NotFound(fmt::format("no namespace {} in warehouse {} (namespaces: {})", o->ns,
                                            wh->uri(), known.empty() ? "none" : known));
      }
      namespaces.push_back(o->ns);
    } else {
      SILT_ASSIGN_OR_RETURN(namespaces, wh->catalog().ListNamespaces());
    }
    size_t n = 0;
    for (const auto& ns : namespaces) {
      SILT_ASSIGN_OR_RETURN(auto tables, wh->catalog().ListTables(ns));
      for (const auto& t : tables) {
        fmt::print("{}.{}\n", ns, t);
        ++n;
      }
    }
    if (n == 0) fmt::print(stderr, "no tables in warehouse {}\n", wh->uri());
    return Status::OK();
  });
}

void AddTableDescribe(CLI::App* table, int* exit_code) {
  AddOneTableCommand(
      table, exit_code, "describe",
      "Show a table the way Trino's SHOW CREATE TABLE does (columns with types, partitioning,\n"
      "location), then its field ids, partition spec, properties and current snapshot.",
      [](table::Warehouse& wh, const std::string& id, const catalog::CommitResult& t) -> Status {
    const iceberg::TableMetadata& m = t.metadata;
    const iceberg::Schema& schema = *m.CurrentSchema();
    fmt::print("{}\n", table::ShowCreateTable(wh.catalog().name(), id, m));
    fmt::print("table            {}\n", id);
    fmt::print("catalog          {} ({})\n", wh.catalog().name(), wh.catalog_path());
    fmt::print("location         {}\n", m.location);
    fmt::print("metadata         {}\n", t.metadata_location);
    fmt::print("format           Iceberg v{}, Parquet data files\n", m.format_version);
    fmt::print("table uuid       {}\n", m.table_uuid);
    fmt::print("schema id        {} (last column id {})\n", m.current_schema_id, m.last_column_id);
    fmt::print("\ncolumns\n");
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : schema.fields) {
      rows.push_back({std::to_string(f.id), f.name, f.type->ToString(), f.required ? "required" : "optional", f.doc});
    }
    PrintTable({"  id", "name", "type", "null", "doc"}, [&] {
      for (auto& r : rows) r[0] = "  " + r[0];
      return rows;
    }());
    const iceberg::PartitionSpec& spec = *m.DefaultSpec();
    fmt::print("\npartition spec {}{}\n", spec.spec_id, spec.is_unpartitioned() ? ": unpartitioned" : "");
    if (!spec.is_unpartitioned()) {
      std::vector<std::vector<std::string>> prow;
      for (const auto& f : spec.fields) {
        const iceberg::NestedField* src = schema.FindField(f.source_id);
        prow.push_back({"  " + std::to_string(f.field_id), f.name, f.transform.ToString(),
                        src ? src->name : "?", std::to_string(f.source_id)});
      }
      PrintTable({"  field id", "name", "transform", "source", "source id"}, prow);
    }
    fmt::print("\nproperties\n");
    for (const auto& [k, v] : m.properties) fmt::print("  {} = {}\n", k, v);
    const iceberg::Snapshot* cur = m.CurrentSnapshot();
    if (cur == nullptr) {
      fmt::print("\ncurrent snapshot: none (the table is empty)\n");
    } else {
      fmt::print("\ncurrent snapshot {} ({}, {}), {} snapshot{}\n", cur->snapshot_id, cur->operation(),
                 TimeMs(cur->timestamp_ms), m.snapshots.size(), m.snapshots.size() == 1 ? "" : "s");
      fmt::print("  records        {}\n", SummaryValue(*cur, "total-records"));
      fmt::print("  data files     {}\n", SummaryValue(*cur, "total-data-files"));
      fmt::print("  size           {}\n",
                 HumanBytes(static_cast<uint64_t>(cur->SummaryInt("total-files-size"))));
    }
    return Status::OK();
      });
}

void AddTableHistory(CLI::App* table, int* exit_code) {
  AddOneTableCommand(
      table, exit_code, "history",
      "When each snapshot became the table's current one (Trino's \"t$history\"): time,\n"
      "snapshot id, parent id, and whether it is an ancestor of the current snapshot.",
      [](table::Warehouse& wh, const std::string& id, const catalog::CommitResult& t) -> Status {
    const iceberg::TableMetadata& m = t.metadata;
    std::set<int64_t> ancestors;
    for (const iceberg::Snapshot* s = m.CurrentSnapshot(); s != nullptr;
         s = s->parent_snapshot_id ? m.SnapshotById(*s->parent_snapshot_id) : nullptr) {
      if (!ancestors.insert(s->snapshot_id).second) break;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : m.snapshot_log) {
      const iceberg::Snapshot* s = m.SnapshotById(e.snapshot_id);
      rows.push_back({TimeMs(e.timestamp_ms), std::to_string(e.snapshot_id),
                      s ? OrDash(s->parent_snapshot_id) : "-",
                      ancestors.count(e.snapshot_id) ? "true" : "false"});
    }
    if (rows.empty()) {
      fmt::print(stderr, "table {} has no snapshots yet (append data with `silt table append`)\n",
                 id);
      return Status::OK();
    }
    PrintTable({"made_current_at", "snapshot_id", "parent_id", "is_current_ancestor"}, rows);
    return Status::OK();
      });
}

void AddTableSnapshots(CLI::App* table, int* exit_code) {
  AddOneTableCommand(
      table, exit_code, "snapshots",
      "The table's snapshots (Trino's \"t$snapshots\"), oldest first: commit time, id, parent,\n"
      "operation, files and records added and in total, and the rest of the summary (silt.inputs\n"
      "names what each commit consumed, silt.run identifies the run).",
      [](table::Warehouse& wh, const std::string& id, const catalog::CommitResult& t) -> Status {
    std::vector<iceberg::Snapshot> snaps = t.metadata.snapshots;
    std::stable_sort(snaps.begin(), snaps.end(), [](const auto& a, const auto& b) {
      return a.sequence_number < b.sequence_number;
    });
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : snaps) {
      rows.push_back({TimeMs(s.timestamp_ms), std::to_string(s.snapshot_id), OrDash(s.parent_snapshot_id),
                      std::to_string(s.sequence_number), s.operation(), SummaryValue(s, "added-data-files"),
                      SummaryValue(s, "added-records"), SummaryValue(s, "total-data-files"),
                      SummaryValue(s, "total-records"), OtherSummary(s)});
    }
    if (rows.empty()) {
      fmt::print(stderr, "table {} has no snapshots yet (append data with `silt table append`)\n",
                 id);
      return Status::OK();
    }
    PrintTable({"committed_at", "snapshot_id", "parent_id", "seq", "operation", "added_files",
                "added_records", "total_files", "total_records", "summary"},
               rows);
    return Status::OK();
      });
}

void AddTableAppend(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier, sql, inputs, compression = "zstd", schema_mode = "evolve";
    int threads = 0;
    std::string memory_limit;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "append",
      "Append the result of a query to a table as one snapshot (Parquet files with field ids,\n"
      "column metrics and bounds, committed through the catalog; nothing is committed on error):\n"
      "  silt table append logs.access --sql \"SELECT * FROM read_log('raw/', format => 's3_access')\"\n"
      "Columns are matched by name and cast to the table's types; table columns the query does\n"
      "not return are NULL. New query columns are added to the table and wider types widen its\n"
      "columns, in the same commit (--schema-mode error refuses new columns instead). The\n"
      "snapshot summary records the inputs (silt.inputs).");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_option("--sql", o->sql, "The query whose rows to append (DuckDB SQL with read_log())")->required();
  cmd->add_option("--inputs", o->inputs,
                  "What the query consumed, recorded as silt.inputs (default: the query text)");
  cmd->add_option("--compression", o->compression, "zstd | snappy | gzip | lz4 | uncompressed")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "DuckDB threads (0 = all cores)");
  cmd->add_option("--memory-limit", o->memory_limit, "DuckDB memory limit, e.g. 512MB (default 1GB)");
  cmd->add_option("--schema-mode", o->schema_mode,
                  "evolve: add the query's new columns and widen types (int -> long, float -> "
                  "double) in the same commit; error: a column the table lacks is an error")
      ->capture_default_str();
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    SILT_ASSIGN_OR_RETURN(table::SchemaMode schema_mode, table::ParseSchemaMode(o->schema_mode));
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    query::DatabaseOptions dbo;
    dbo.threads = o->threads;
    dbo.memory_limit = o->memory_limit.empty() ? "1GB" : o->memory_limit;
    SILT_ASSIGN_OR_RETURN(auto db, query::Database::Open(dbo));
    table::AppendRequest req;
    req.identifier = o->identifier;
    req.select_sql = o->sql;
    while (!req.select_sql.empty() &&
           (req.select_sql.back() == ';' || isspace(static_cast<unsigned char>(req.select_sql.back())))) {
      req.select_sql.pop_back();
    }
    req.inputs = o->inputs;
    req.compression = o->compression;
    req.schema_mode = schema_mode;
    const uint64_t rejects_before = query::ReadLogRejectsSeen();
    SILT_ASSIGN_OR_RETURN(table::AppendResult r, table::AppendQuery(*wh, *db, req));
    const uint64_t rejected = query::ReadLogRejectsSeen() - rejects_before;
    if (rejected > 0) {
      fmt::print(stderr,
                 "note: {} line{} did not parse and {} left out; read_log_rejects(<same arguments>) "
                 "lists them with reasons\n",
                 rejected, rejected == 1 ? "" : "s", rejected == 1 ? "was" : "were");
    }
    if (r.snapshot_id == 0) {
      fmt::print("the query returned no rows: nothing appended to {}\n", o->identifier);
      return Status::OK();
    }
    fmt::print("appended {} row{} in {} file{} ({}) to {}\n", r.records, r.records == 1 ? "" : "s",
               r.files.size(), r.files.size() == 1 ? "" : "s",
               HumanBytes(static_cast<uint64_t>(r.bytes)), o->identifier);
    fmt::print("  snapshot  {}\n", r.snapshot_id);
    fmt::print("  metadata  {}\n", r.metadata_location);
    for (const auto& c : r.added_columns) fmt::print("  added column    {}\n", c);
    for (const auto& c : r.widened_columns) fmt::print("  widened column  {}\n", c);
    return Status::OK();
  });
}

// A bound as text: the value of the column's type, or "-" when absent or unreadable.
std::string BoundText(const iceberg::Schema& schema, int id, const std::map<int, std::string>& bounds) {
  auto it = bounds.find(id);
  const iceberg::NestedField* f = schema.FindField(id);
  if (it == bounds.end() || f == nullptr || !f->type->is_primitive()) return "-";
  auto v = iceberg::FromBytes(f->type, it->second);
  return v.ok() ? v->ToString() : "?";
}

void AddTableFiles(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier;
    bool metrics = false;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "files",
      "The data files of the current snapshot (Trino's \"t$files\"): path under the table's\n"
      "location, partition, records, bytes. With --metrics, per file and column the value and\n"
      "null counts and lower/upper bounds engines use to skip files.");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_flag("--metrics", o->metrics, "Show each file's column metrics and bounds");
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(catalog::CommitResult t, table::LoadIcebergTable(*wh, o->identifier));
    SILT_ASSIGN_OR_RETURN(iceberg::FilePlan plan, iceberg::PlanFiles(wh->io(), t.metadata));
    const iceberg::Schema& schema = *t.metadata.CurrentSchema();
    const std::string prefix = t.metadata.location + "/";
    std::vector<std::vector<std::string>> rows;
    for (const auto& pf : plan.data_files) {
      const iceberg::DataFile& f = pf.file;
      const iceberg::PartitionSpec* spec = t.metadata.SpecById(pf.partition_spec_id);
      std::string partition = spec != nullptr && f.partition.size() == spec->fields.size()
                                  ? spec->PartitionPath(f.partition)
                                  : "";
      std::string path = f.file_path.starts_with(prefix) ? f.file_path.substr(prefix.size()) : f.file_path;
      rows.push_back({path, partition.empty() ? "-" : partition, std::to_string(f.record_count),
                      std::to_string(f.file_size_in_bytes), std::to_string(pf.data_sequence_number)});
    }
    if (rows.empty()) {
      fmt::print(stderr, "table {} has no data files\n", o->identifier);
      return Status::OK();
    }
    if (!o->metrics) {
      PrintTable({"file", "partition", "records", "bytes", "seq"}, rows);
      return Status::OK();
    }
    for (size_t i = 0; i < plan.data_files.size(); ++i) {
      const iceberg::DataFile& f = plan.data_files[i].file;
      fmt::print("{}{}  ({} records, {} bytes, partition {})\n", i ? "\n" : "", rows[i][0],
                 rows[i][2], rows[i][3], rows[i][1]);
      std::vector<std::vector<std::string>> cols;
      for (const auto& field : schema.fields) {
        auto count = [&](const std::map<int, int64_t>& m) {
          auto it = m.find(field.id);
          return it == m.end() ? std::string("-") : std::to_string(it->second);
        };
        cols.push_back({"  " + std::to_string(field.id), field.name, count(f.value_counts),
                        count(f.null_value_counts), count(f.column_sizes),
                        BoundText(schema, field.id, f.lower_bounds),
                        BoundText(schema, field.id, f.upper_bounds)});
      }
      PrintTable({"  id", "column", "values", "nulls", "bytes", "lower", "upper"}, cols);
    }
    return Status::OK();
  });
}

void AddTableDrop(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier;
    bool purge = false;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "drop",
      "Remove a table from the catalog. Its files stay unless --purge is given, which deletes\n"
      "every file the table's metadata reaches (data, manifests, metadata files).");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_flag("--purge", o->purge, "Also delete the table's files");
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(catalog::CommitResult t, table::LoadIcebergTable(*wh, o->identifier));
    // Collect the files before the catalog entry goes (afterwards nothing names them).
    std::vector<std::string> files;
    if (o->purge) {
      SILT_ASSIGN_OR_RETURN(iceberg::ReachableFiles r, iceberg::ListReachableFiles(wh->io(), t.metadata));
      for (const auto* set : {&r.data_files, &r.manifests, &r.manifest_lists, &r.metadata_files}) {
        files.insert(files.end(), set->begin(), set->end());
      }
      files.push_back(t.metadata_location);
    }
    SILT_RETURN_IF_ERROR(wh->catalog().DropTable(o->identifier));
    if (!o->purge) {
      fmt::print("dropped {} from the catalog; its files stay in {} (--purge deletes them)\n",
                 o->identifier, t.metadata.location);
      return Status::OK();
    }
    SILT_RETURN_IF_ERROR(wh->io().Delete(files).WithContext("the table is dropped, deleting its files"));
    if (wh->is_local()) {
      auto key = wh->io().KeyOf(t.metadata.location + "/x");
      if (key.ok()) {
        const fs::path dir = fs::path(wh->store().LocalPath(*key)).parent_path();
        RemoveEmptyDirs(dir / "data");
        RemoveEmptyDirs(dir / "metadata");
        RemoveEmptyDirs(dir);
      }
    }
    fmt::print("dropped {} and deleted its {} file{}\n", o->identifier, files.size(),
               files.size() == 1 ? "" : "s");
    return Status::OK();
  });
}

}  // namespace

void AddTable(CLI::App& app, int* exit_code) {
  CLI::App* table = app.add_subcommand(
      "table",
      "Apache Iceberg v2 tables in the SQL (JDBC) catalog layout Spark, Trino and PyIceberg use:\n"
      "  silt table create logs.access --format s3_access --partition-by 'day(request_time)'\n"
      "  silt table append logs.access --sql \"SELECT * FROM read_log('raw/', format => 's3_access')\"\n"
      "  silt table describe logs.access\n"
      "The warehouse is --warehouse, else SILT_WAREHOUSE, else ./warehouse: a folder (or s3://\n"
      "prefix) holding <namespace>/<table>/ and the SQLite catalog catalog.db.");
  table->require_subcommand(1);
  AddTableCreate(table, exit_code);
  AddTableList(table, exit_code);
  AddTableDescribe(table, exit_code);
  AddTableHistory(table, exit_code);
  AddTableSnapshots(table, exit_code);
  AddTableAppend(table, exit_code);
  AddTableFiles(table, exit_code);
  AddTableDrop(table, exit_code);
  AddTableRewrite(table, exit_code);      // table_rewrite_commands.cc
  AddTableMaintenance(table, exit_code);  // table_maintenance_commands.cc
  AddTableEvolution(table, exit_code);    // table_evolution_commands.cc
}

}  // namespace silt::cli
