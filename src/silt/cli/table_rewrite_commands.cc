// silt table delete|overwrite|compact: copy-on-write rewrites of a table's data files (see
// table/table_rewrite.h and docs/TABLES.md).
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "silt/cli/table_cli.h"
#include "silt/common/strings.h"
#include "silt/query/database.h"
#include "silt/table/table_rewrite.h"
#include "silt/table/table_sql.h"

namespace silt::cli {

namespace {

struct DbFlags {
  int threads = 0;
  std::string memory_limit;
};

void AddDbFlags(CLI::App* cmd, DbFlags* f) {
  cmd->add_option("--threads", f->threads, "DuckDB threads (0 = all cores)");
  cmd->add_option("--memory-limit", f->memory_limit, "DuckDB memory limit, e.g. 512MB (default 1GB)");
}

Result<std::unique_ptr<query::Database>> OpenDb(const DbFlags& f) {
  query::DatabaseOptions o;
  o.threads = f.threads;
  o.memory_limit = f.memory_limit.empty() ? "1GB" : f.memory_limit;
  return query::Database::Open(o);
}

std::string Plural(int64_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

void PrintCommitted(const table::RewriteResult& r) {
  fmt::print("  snapshot  {} ({})\n", r.snapshot_id, r.operation);
  fmt::print("  metadata  {}\n", r.metadata_location);
}

void AddTableDelete(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier, where, compression = "zstd";
    DbFlags db;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "delete",
      "Delete the rows for which a filter is TRUE, copy-on-write: every data file holding such a\n"
      "row is replaced by a file with its other rows, in one snapshot; files without a matching\n"
      "row are kept as they are. Rows where the filter is NULL stay (as in SQL's WHERE).\n"
      "  silt table delete logs.access --where \"http_status = 404\"\n"
      "  silt table delete logs.access --where \"request_time < TIMESTAMPTZ '2024-03-01'\"\n"
      "No delete files are written, so every Iceberg reader sees the result. A filter matching\n"
      "nothing commits nothing. Older snapshots keep the rows (time travel) until expired.");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_option("--where", o->where, "SQL filter over the table's columns; matching rows are deleted")
      ->required();
  cmd->add_option("--compression", o->compression, "Of the rewritten files: zstd | snappy | gzip | lz4 | uncompressed")
      ->capture_default_str();
  AddDbFlags(cmd, &o->db);
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(auto db, OpenDb(o->db));
    table::RewriteOptions ro;
    ro.compression = o->compression;
    SILT_ASSIGN_OR_RETURN(table::RewriteResult r, table::DeleteWhere(*wh, *db, o->identifier, o->where, ro));
    if (r.snapshot_id == 0) {
      fmt::print("no row of {} matches the filter ({} scanned): nothing changed\n", o->identifier,
                 Plural(r.files_scanned, "file"));
      return Status::OK();
    }
    fmt::print("deleted {} from {}: {} rewritten, {} removed (of {} scanned)\n",
               Plural(r.rows_deleted, "row"), o->identifier, Plural(r.files_rewritten, "file"),
               r.files_removed, r.files_scanned);
    PrintCommitted(r);
    return Status::OK();
  });
}

void AddTableOverwrite(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier, where, sql, compression = "zstd";
    DbFlags db;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "overwrite",
      "Replace the rows for which a filter is TRUE by the rows of a query, in ONE snapshot\n"
      "(readers see the old rows or the new ones, never both): a copy-on-write delete by the\n"
      "filter plus an append of the query, e.g. to reload a day:\n"
      "  silt table overwrite logs.access \\\n"
      "      --where \"request_time >= '2024-03-01' AND request_time < '2024-03-02'\" \\\n"
      "      --sql \"SELECT * FROM read_log('raw/2024-03-01/', format => 's3_access')\"\n"
      "The query may read catalog tables (ns.t, at the snapshot current when it starts), e.g.\n"
      "to fix rows in place: --sql \"SELECT * REPLACE (lower(key) AS key) FROM logs.access WHERE ...\".\n"
      "Its columns are matched to the table's by name as in `silt table append`.");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_option("--where", o->where, "SQL filter over the table's columns; matching rows are replaced")
      ->required();
  cmd->add_option("--sql", o->sql, "The query whose rows are added (DuckDB SQL with read_log())")->required();
  cmd->add_option("--compression", o->compression, "Of the new files: zstd | snappy | gzip | lz4 | uncompressed")
      ->capture_default_str();
  AddDbFlags(cmd, &o->db);
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(auto db, OpenDb(o->db));
    SILT_ASSIGN_OR_RETURN(std::string sql, table::BindCatalogTables(*db, *wh, o->sql, {}, nullptr));
    table::RewriteOptions ro;
    ro.compression = o->compression;
    SILT_ASSIGN_OR_RETURN(table::RewriteResult r,
                          table::OverwriteWhere(*wh, *db, o->identifier, o->where, sql, ro));
    if (r.snapshot_id == 0) {
      fmt::print("no row of {} matches the filter and the query returned no rows: nothing changed\n",
                 o->identifier);
      return Status::OK();
    }
    fmt::print("overwrote {}: {} deleted, {} added ({} rewritten, {} removed, {} added)\n", o->identifier,
               Plural(r.rows_deleted, "row"), Plural(r.rows_added, "row"), Plural(r.files_rewritten, "file"),
               r.files_removed, r.files_added);
    PrintCommitted(r);
    return Status::OK();
  });
}

void AddTableCompact(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier, target = "512MiB", compression = "zstd";
    int min_files = 2;
    DbFlags db;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "compact",
      "Rewrite small data files into fewer, larger ones (e.g. after many small appends), per\n"
      "partition; the rows are unchanged (an Iceberg \"replace\" snapshot, which readers skip\n"
      "when reading changes incrementally):\n"
      "  silt table compact logs.access\n"
      "  silt table compact logs.access --target-file-size 128MiB\n"
      "Files smaller than 75% of the target are grouped (first fit, each group at most the\n"
      "target) and each group becomes one file. Prints files before/after per partition.\n"
      "Appends committed meanwhile are kept; older snapshots keep the old files until expired.");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_option("--target-file-size", o->target, "Size of the files to make, e.g. 512MiB, 128MB")
      ->capture_default_str();
  cmd->add_option("--min-files", o->min_files, "Compact a partition only with at least this many small files")
      ->capture_default_str();
  cmd->add_option("--compression", o->compression, "Of the new files: zstd | snappy | gzip | lz4 | uncompressed")
      ->capture_default_str();
  AddDbFlags(cmd, &o->db);
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    table::CompactOptions co;
    if (!ParseByteSize(o->target, &co.target_file_bytes) || co.target_file_bytes == 0) {
      return Status::InvalidArgument(
          fmt::format("--target-file-size '{}' is not a size (write e.g. 512MiB, 128MB, 1GiB)", o->target));
    }
    co.min_input_files = o->min_files;
    co.compression = o->compression;
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(auto db, OpenDb(o->db));
    SILT_ASSIGN_OR_RETURN(table::CompactResult r, table::Compact(*wh, *db, o->identifier, co));
    if (r.snapshot_id == 0) {
      fmt::print("nothing to compact in {} ({}; no partition has {} files under {})\n", o->identifier,
                 Plural(r.files_before, "data file"), std::max(2, co.min_input_files),
                 HumanBytes(static_cast<uint64_t>(static_cast<double>(co.target_file_bytes) * co.small_file_ratio)));
      return Status::OK();
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : r.partitions) {
      rows.push_back({p.partition.empty() ? "(unpartitioned)" : p.partition, std::to_string(p.files_before),
                      std::to_string(p.files_after), std::to_string(p.records),
                      HumanBytes(static_cast<uint64_t>(p.bytes_rewritten)),
                      HumanBytes(static_cast<uint64_t>(p.bytes_written))});
    }
    PrintTable({"partition", "files_before", "files_after", "records", "bytes_before", "bytes_after"}, rows);
    fmt::print("compacted {}: {} -> {} in {} ({} rewritten)\n", o->identifier,
               Plural(r.files_before, "file"), r.files_after, Plural(static_cast<int64_t>(r.partitions.size()), "partition"),
               Plural(r.records, "row"));
    fmt::print("  snapshot  {} (replace)\n", r.snapshot_id);
    fmt::print("  metadata  {}\n", r.metadata_location);
    return Status::OK();
  });
}

}  // namespace

void AddTableRewrite(CLI::App* table, int* exit_code) {
  AddTableDelete(table, exit_code);
  AddTableOverwrite(table, exit_code);
  AddTableCompact(table, exit_code);
}

}  // namespace silt::cli
