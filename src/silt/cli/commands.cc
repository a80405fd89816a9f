#include "silt/cli/commands.h"

#include "silt/cli/table_cli.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <chrono>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "silt/common/interrupt.h"
#include "silt/common/parallel.h"
#include "silt/common/strings.h"
#include "silt/common/uri.h"
#include "silt/formats/detect.h"
#include "silt/formats/format.h"
#include "silt/query/log_scan.h"
#include "silt/gen/s3_access_gen.h"
#include "silt/gen/text_logs_gen.h"
#include "silt/query/database.h"
#include "silt/query/read_log.h"
#include "silt/query/result_printer.h"
#include "silt/s3/config.h"
#include "silt/store/store.h"
#include "silt/table/convert.h"
#include "silt/table/convert_table.h"
#include "silt/table/folder_sql.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/staging.h"
#include "silt/table/table_sql.h"
#include "silt/table/warehouse.h"

namespace silt::cli {

namespace {

// "silt: error: ..." and the exit code for `s` (table_cli.h).
int Fail(const Status& s) { return TableFail(s); }

std::string Thousands(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// A byte-size option value such as "1GiB", validated by CLI11.
struct ByteSizeValidator : public CLI::Validator {
  ByteSizeValidator() {
    name_ = "SIZE";
    func_ = [](const std::string& s) {
      uint64_t v;
      return ParseByteSize(s, &v) ? std::string() : "not a size like 64MiB, 1GiB or 1048576: " + s;
    };
  }
};

// Options every command that takes locations has, for s3:// ones.
struct S3Flags {
  std::string role, endpoint, region, profile;
  std::vector<std::string> settings;
};

void AddS3Flags(CLI::App* cmd, S3Flags* f) {
  const char* group = "S3 (for s3:// locations; see also AWS_* variables and ~/.config/silt/config)";
  cmd->add_option("--s3-role", f->role,
                  "Assume this IAM role (STS AssumeRole) for every s3:// request, e.g. to read a "
                  "bucket in another account")
      ->group(group);
  cmd->add_option("--s3-endpoint", f->endpoint,
                  "S3-compatible endpoint URL (MinIO, Ceph, R2...); default AWS_ENDPOINT_URL_S3, "
                  "AWS_ENDPOINT_URL or AWS")
      ->group(group);
  cmd->add_option("--s3-region", f->region, "Region (default AWS_REGION, the profile's, us-east-1)")
      ->group(group);
  cmd->add_option("--s3-profile", f->profile, "AWS profile for keys and settings")->group(group);
  cmd->add_option("--s3", f->settings,
                  "Any S3 setting as KEY=VALUE (repeatable): path_style, storage_class, "
                  "max_connections, part_size, multipart_threshold, read_ahead, anonymous, ...")
      ->group(group);
}

// Hands the flags to every s3:// store the command opens.
Status ApplyS3Flags(const S3Flags& f) {
  std::map<std::string, std::string> o;
  if (!f.role.empty()) o["role_arn"] = f.role;
  if (!f.endpoint.empty()) o["endpoint"] = f.endpoint;
  if (!f.region.empty()) o["region"] = f.region;
  if (!f.profile.empty()) o["profile"] = f.profile;
  for (const std::string& kv : f.settings) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument(fmt::format("--s3 '{}' is not KEY=VALUE", kv));
    }
    s3::S3Settings probe;
    SILT_RETURN_IF_ERROR(s3::ApplySetting(probe, kv.substr(0, eq), kv.substr(eq + 1)).WithContext("--s3"));
    o[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  s3::SetGlobalOverrides(std::move(o));
  return Status::OK();
}

}  // namespace

void AddConvert(CLI::App& app, int* exit_code) {
  struct Opts {
    table::ConvertOptions c;
    std::string partition = "day";
    std::string target = "512MiB";
    bool quiet = false;
    std::vector<std::string> format_options;
    S3Flags s3;
    std::string table, warehouse, catalog;
    std::string schema_mode = "evolve";
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "convert",
      "Convert raw log objects into a Parquet dataset (zstd, Hive-style day/hour folders).\n"
      "Lines that do not parse go to <output>/_rejects/<run>-g<generation>.jsonl with object,\n"
      "line, byte offset and reason. Running the same conversion again replaces its previous output.");
  cmd->add_option("--format,-f", o->c.format, "Input format: " + formats::FormatNames())->required();
  cmd->add_option("--input,-i", o->c.inputs,
                  "File, directory or glob to read (repeatable); gzip/zstd detected by content")
      ->required();
  auto* out_opt = cmd->add_option("--output,-o", o->c.output, "Output directory or s3:// prefix (Parquet files)");
  auto* table_opt = cmd->add_option(
      "--table,-t", o->table,
      "Append to this Iceberg table (namespace.table) instead, exactly once: inputs already "
      "committed are skipped; a missing table is created, partitioned by --partition-by");
  out_opt->excludes(table_opt);
  cmd->add_option("--warehouse", o->warehouse, "With --table: the warehouse (default SILT_WAREHOUSE, else ./warehouse)");
  cmd->add_option("--catalog", o->catalog, "With --table: the SQLite catalog file (default <warehouse>/catalog.db)");
  cmd->add_option("--schema-mode", o->schema_mode,
                  "With --table: evolve adds new columns (e.g. a new --key-pattern capture) and "
                  "widens types in the same commit; error refuses them")
      ->capture_default_str();
  cmd->add_option("--format-option,-O", o->format_options,
                  "A format option as KEY=VALUE (repeatable), e.g. -O delimiter=';' for csv; "
                  "`silt formats <format>` lists them");
  cmd->add_option("--key-pattern", o->c.key_pattern,
                  "Columns from object keys, e.g. '{customer}/audit/{date}.csv' ({name} = one "
                  "path segment's text, * within a segment, ** across segments)");
  cmd->add_flag("--with-source-columns", o->c.source_columns,
                "Add source_object and source_line columns");
  cmd->add_option("--partition-by", o->partition, "day | hour | none (by the format's event time)")
      ->capture_default_str();
  cmd->add_option("--compression", o->c.compression, "zstd | snappy | gzip | lz4 | uncompressed")
      ->capture_default_str();
  cmd->add_option("--compression-level", o->c.compression_level,
                  "Codec level (0 = silt's default: zstd 1)");
  cmd->add_option("--row-group-size", o->c.row_group_size, "Rows per Parquet row group")
      ->capture_default_str();
  cmd->add_option("--target-file-size", o->target, "With --partition-by none: start a new file past this size")
      ->capture_default_str()
      ->check(ByteSizeValidator());
  cmd->add_option("--threads", o->c.threads, "Worker threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--memory-limit", o->c.memory_limit, "DuckDB memory limit, e.g. 512MB (default 1GB)");
  cmd->add_flag("--quiet,-q", o->quiet, "No progress line");
  AddS3Flags(cmd, &o->s3);
  cmd->callback([o, exit_code]() {
    if (Status st = ApplyS3Flags(o->s3); !st.ok()) {
      *exit_code = Fail(st);
      return;
    }
    if (o->c.output.empty() && o->table.empty()) {
      *exit_code = Fail(Status::InvalidArgument("give --output <dir> (Parquet files) or --table <ns.name> (an Iceberg table); see silt convert --help"));
      return;
    }
    auto part = table::ParsePartitioning(o->partition);
    if (!part.ok()) {
      *exit_code = Fail(part.status());
      return;
    }
    o->c.partition = *part;
    for (const auto& kv : o->format_options) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        *exit_code = Fail(Status::InvalidArgument(
            fmt::format("--format-option '{}' is not KEY=VALUE", kv)));
        return;
      }
      o->c.format_options[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    ParseByteSize(o->target, &o->c.target_file_bytes);
    const bool tty = isatty(STDERR_FILENO) != 0 && !o->quiet;
    auto progress = [](const table::ConvertProgress& p) {
      double pct = p.bytes_total ? 100.0 * static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 100.0;
      double mbs = p.seconds > 0 ? static_cast<double>(p.bytes_done) / 1e6 / p.seconds : 0;
      fmt::print(stderr, "\r\033[K  converting {} / {} ({:.0f}%)  {:.0f} MB/s  {} rows  {} rejects",
                 HumanBytes(p.bytes_done), HumanBytes(p.bytes_total), pct, mbs, Thousands(p.rows),
                 Thousands(p.rejects));
    };
    if (!o->table.empty()) {
      table::WarehouseOptions wo;
      wo.location = o->warehouse;
      wo.catalog = o->catalog;
      auto wh = table::Warehouse::Open(wo);
      if (!wh.ok()) {
        *exit_code = Fail(wh.status());
        return;
      }
      auto mode = table::ParseSchemaMode(o->schema_mode);
      if (!mode.ok()) {
        *exit_code = Fail(mode.status());
        return;
      }
      auto t = table::ConvertToTable(o->c, o->table, **wh, *mode);
      if (!t.ok()) {
        *exit_code = Fail(t.status());
        return;
      }
      if (t->already_committed) {
        fmt::print("{} already holds these {} objects ({}): snapshot {}; nothing written\n", t->table,
                   Thousands(t->objects), HumanBytes(t->input_bytes), t->snapshot_id);
        *exit_code = 0;
        return;
      }
      double mbs = t->seconds > 0 ? static_cast<double>(t->input_bytes) / 1e6 / t->seconds : 0;
      fmt::print("appended {} object{} ({}) to {}{} in {:.2f} s, {:.1f} MB/s\n", Thousands(t->objects),
                 t->objects == 1 ? "" : "s", HumanBytes(t->input_bytes), t->table,
                 t->created ? " (created)" : "", t->seconds, mbs);
      fmt::print("  rows      {}\n", Thousands(t->rows));
      fmt::print("  rejects   {}{}\n", Thousands(t->rejects),
                 t->rejects ? fmt::format("  (see {})", t->rejects_file) : std::string());
      fmt::print("  files     {} ({})\n", t->files, HumanBytes(t->output_bytes));
      fmt::print("  snapshot  {}\n", t->snapshot_id);
      fmt::print("  inputs    {}\n", t->inputs);
      *exit_code = 0;
      return;
    }
    auto r = table::Convert(o->c, tty ? std::function<void(const table::ConvertProgress&)>(progress)
                                      : std::function<void(const table::ConvertProgress&)>());
    if (tty) fmt::print(stderr, "\r\033[K");
    if (!r.ok()) {
      *exit_code = Fail(r.status());
      return;
    }
    const auto& s = *r;
    double mbs = s.seconds > 0 ? static_cast<double>(s.input_bytes) / 1e6 / s.seconds : 0;
    fmt::print("converted {} object{} ({}) into {} Parquet file{} ({}) in {:.2f} s, {:.1f} MB/s\n",
               Thousands(s.objects), s.objects == 1 ? "" : "s", HumanBytes(s.input_bytes), s.files,
               s.files == 1 ? "" : "s", HumanBytes(s.output_bytes), s.seconds, mbs);
    fmt::print("  rows      {}\n", Thousands(s.rows));
    fmt::print("  rejects   {}{}\n", Thousands(s.rejects),
               s.rejects ? fmt::format("  (see {})", s.rejects_file) : std::string());
    if (s.replaced_files) {
      fmt::print("  replaced  {} file{} of the previous run\n", s.replaced_files,
                 s.replaced_files == 1 ? "" : "s");
    }
    fmt::print("  output    {}\n", o->c.output);
    fmt::print("  manifest  {}\n", s.manifest);
    *exit_code = 0;
  });
}

namespace {

std::string StripSemicolons(std::string q) {
  while (!q.empty() && (q.back() == ';' || isspace(static_cast<unsigned char>(q.back())))) q.pop_back();
  return q;
}

// Catalog tables for `silt sql` (null warehouse: none).
struct TableContext {
  table::Warehouse* warehouse = nullptr;
  table::BindOptions bind;
  bool show_files = false;
};
TableContext g_tables;

// The statement with the catalog tables it names bound to their (pruned) data files.
Result<std::string> BindTables(query::Database& db, const std::string& statement) {
  if (g_tables.warehouse == nullptr) return statement;
  std::vector<table::BoundTable> bound;
  SILT_ASSIGN_OR_RETURN(std::string sql, table::BindCatalogTables(db, *g_tables.warehouse, statement,
                                                                  g_tables.bind, &bound));
  if (g_tables.show_files) {
    for (const auto& b : bound) {
      fmt::print(stderr, "{}: snapshot {}, reading {} of {} data file{}\n", b.table,
                 b.snapshot_id ? std::to_string(*b.snapshot_id) : "(none)", b.files_scanned,
                 b.files_total, b.files_total == 1 ? "" : "s");
    }
  }
  return sql;
}

// `announce`: say "wrote <output>" for a Parquet file (not for the temporary file of an upload).
int RunQueryTo(query::Database& db, const std::string& sql, const query::PrintOptions& po,
               const std::string& output_format, const std::string& output, bool announce = true);

// DuckDB's error for `ns.name` when ns is a namespace of the warehouse but name is none of its
// tables ("Table with name name does not exist! Did you mean information_schema..."), told as
// silt tells it: the table and the namespace's tables. Other errors are returned as they are.
Status ExplainUnknownTable(const Status& failed, const std::string& statement) {
  if (g_tables.warehouse == nullptr) return failed;
  const std::string& m = failed.message();
  constexpr std::string_view kHead = "Table with name ";
  const size_t at = m.find(kHead);
  const size_t end = at == std::string::npos ? at : m.find(" does not exist", at);
  if (end == std::string::npos) return failed;
  const std::string name = m.substr(at + kHead.size(), end - at - kHead.size());
  auto lower = [](std::string t) {
    std::transform(t.begin(), t.end(), t.begin(), ::tolower);
    return t;
  };
  const std::string text = lower(statement);
  auto namespaces = g_tables.warehouse->catalog().ListNamespaces();
  if (!namespaces.ok()) return failed;
  for (const std::string& ns : *namespaces) {
    if (text.find(lower(ns + "." + name)) == std::string::npos) continue;
    auto tables = g_tables.warehouse->catalog().ListTables(ns);
    std::string list;
    for (const std::string& t : tables.ok() ? *tables : std::vector<std::string>{}) {
      list += (list.empty() ? "" : ", ") + (t.starts_with(ns + ".") ? t : ns + "." + t);
    }
    return Status::NotFound(fmt::format("table {}.{} does not exist in the warehouse {}; {} holds: {}",
                                        ns, name, g_tables.warehouse->uri(), ns,
                                        list.empty() ? "no tables" : list));
  }
  return failed;
}

// An s3:// output is written to a local temporary file, then uploaded (multipart when large):
// the object appears whole or not at all.
int RunQuery(query::Database& db, const std::string& sql, const query::PrintOptions& po,
             const std::string& output_format, const std::string& output) {
  if (!output.starts_with("s3://")) return RunQueryTo(db, sql, po, output_format, output);
  auto uri = ParseUri(output);
  if (!uri.ok()) return Fail(uri.status());
  size_t slash = uri->path.rfind('/');
  Uri parent = *uri;
  parent.path = slash == std::string::npos ? "" : uri->path.substr(0, slash);
  const std::string key = uri->path.substr(slash == std::string::npos ? 0 : slash + 1);
  if (key.empty()) return Fail(Status::InvalidArgument("--output " + output + " names no object"));
  auto store = store::OpenStore(parent);
  if (!store.ok()) return Fail(store.status());
  auto made = table::NewTempFile("silt-sql-out-");
  if (!made.ok()) return Fail(made.status());
  const std::string tmp = *made;
  int rc = RunQueryTo(db, sql, po, output_format, tmp, /*announce=*/false);
  if (rc == 0) {
    auto put = (*store)->PutFile(key, tmp);
    if (!put.ok()) rc = Fail(put.status());
    else fmt::print(stderr, "uploaded {} ({})\n", output, HumanBytes(put->size));
  }
  ::unlink(tmp.c_str());
  return rc;
}

// A file output (-o) is written under a temporary name beside it and renamed over it once
// complete: a failed or interrupted statement leaves the previous file, or none, never a
// truncated one. A symbolic link is followed (the file it names is replaced, the link stays);
// an existing file keeps its permissions. Where that cannot hold — not a regular file
// (/dev/stdout, a FIFO), a file with other hard links or another owner, a folder silt may not
// write in — the output is written in place, as named.
struct OutputFile {
  explicit OutputFile(const std::string& output) : final_path(output), path(output) {
    if (output.empty()) return;
    std::string target = output;
    struct stat sb;
    if (::lstat(output.c_str(), &sb) == 0) {
      if (S_ISLNK(sb.st_mode)) {
        char* resolved = ::realpath(output.c_str(), nullptr);
        if (resolved == nullptr) return;
        target = resolved;
        std::free(resolved);
      }
      if (::stat(target.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_nlink > 1 ||
          sb.st_uid != ::geteuid() || ::access(target.c_str(), W_OK) != 0) {
        return;
      }
      mode = sb.st_mode & 07777;
    }
    const std::filesystem::path p(target);
    const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
    if (::access(dir.c_str(), W_OK | X_OK) != 0) return;
    final_path = target;
    path = (p.parent_path() / fmt::format(".silt-tmp-{}-{}", p.filename().string(), ::getpid()))
               .string();
  }
  ~OutputFile() {
    if (path != final_path) ::unlink(path.c_str());  // not committed
  }
  Status Commit() {
    if (path == final_path) return Status::OK();
    if (mode >= 0) ::chmod(path.c_str(), static_cast<mode_t>(mode));
    if (::rename(path.c_str(), final_path.c_str()) != 0) return ErrnoStatus("renaming to", final_path, errno);
    path = final_path;
    return Status::OK();
  }
  std::string final_path;
  std::string path;  // where to write
  int mode = -1;     // the replaced file's permissions
};

int RunQueryTo(query::Database& db, const std::string& sql, const query::PrintOptions& po,
               const std::string& output_format, const std::string& output, bool announce) {
  const uint64_t rejects_before = query::ReadLogRejectsSeen();
  const std::vector<std::string> statements = query::SplitStatements(sql);
  if (statements.empty()) return Fail(Status::InvalidArgument("no SQL statement given"));
  OutputFile file(output);
  FILE* out = stdout;
  if (!output.empty() && output_format != "parquet") {
    out = std::fopen(file.path.c_str(), "w");
    if (out == nullptr) return Fail(ErrnoStatus("opening", output, errno));
  }
  int rc = 0;
  bool printed = false;
  for (size_t i = 0; i < statements.size() && rc == 0; ++i) {
    const bool last = i + 1 == statements.size();
    if (output_format == "parquet" && last) {
      if (output.empty()) {
        rc = Fail(Status::InvalidArgument("--format parquet needs --output <file.parquet>"));
        break;
      }
      auto bound = BindTables(db, statements[i]);
      Status s = bound.ok() ? db.Exec(fmt::format("COPY ({}\n) TO {} (FORMAT parquet, COMPRESSION zstd, "
                                                  "USE_TMP_FILE false)",
                                                  *bound, query::SqlQuote(file.path)))
                            : bound.status();
      if (!s.ok()) {
        rc = Fail(ExplainUnknownTable(s, statements[i]));
        break;
      }
      if (announce) fmt::print(stderr, "wrote {}\n", output);
      continue;
    }
    auto bound = BindTables(db, statements[i]);
    if (!bound.ok()) {
      rc = Fail(bound.status());
      break;
    }
    auto shown = db.QueryForDisplay(*bound);
    if (!shown.ok()) {
      rc = Fail(ExplainUnknownTable(shown.status(), statements[i]));
      break;
    }
    // A Parquet file holds one result, the last statement's: an earlier query's answer would
    // be lost without a word.
    if (output_format == "parquet" && shown->is_query && shown->result.column_count() > 0) {
      rc = Fail(Status::InvalidArgument(fmt::format(
          "--format parquet writes one result, the last statement's; statement {} of {} is a "
          "query too, whose answer would be lost: run it on its own",
          i + 1, statements.size())));
      break;
    }
    // Show every query's answer, and whatever the last statement returns (e.g. COPY's count).
    if (output_format == "parquet" || !(shown->is_query || last) ||
        shown->result.column_count() == 0) {
      continue;
    }
    if (printed && po.format == query::OutputFormat::kTable) std::fputc('\n', out);
    Status s = query::PrintResult(shown->result, po, out, &shown->types);
    printed = true;
    if (!s.ok()) rc = Fail(s);
  }
  if (out != stdout && std::fclose(out) != 0 && rc == 0) rc = Fail(ErrnoStatus("writing", output, errno));
  if (rc == 0) {
    Status committed = file.Commit();
    if (!committed.ok()) rc = Fail(committed);
  }
  const uint64_t rejected = query::ReadLogRejectsSeen() - rejects_before;
  if (rejected > 0) {
    fmt::print(stderr,
               "note: {} line{} did not parse and {} left out; read_log_rejects(<same arguments>) "
               "lists them with reasons\n",
               Thousands(rejected), rejected == 1 ? "" : "s", rejected == 1 ? "was" : "were");
  }
  return rc;
}

}  // namespace

namespace {

// All of standard input. Ctrl-C ends the wait (a read interrupted by a signal resumes, so a
// plain read of a pipe that stays open would never return).
Result<std::string> ReadStandardInput() {
  std::string all;
  char buf[1 << 16];
  for (;;) {
    if (interrupt::Stopping()) return interrupt::AsStatus();
    pollfd p{STDIN_FILENO, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) return ErrnoStatus("poll", "standard input", errno);
    if (ready <= 0) continue;
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return ErrnoStatus("read", "standard input", errno);
    }
    if (n == 0) return all;
    all.append(buf, static_cast<size_t>(n));
  }
}

// silt sql --into ns.name "SELECT ...": one snapshot with the query's rows.
int RunInto(query::Database& db, std::string sql, const std::string& table_name,
            const std::string& partition_by, const std::string& warehouse_dir,
            const std::string& catalog_file, const std::string& schema_mode) {
  auto mode = table::ParseSchemaMode(schema_mode);
  if (!mode.ok()) return Fail(mode.status());
  if (sql.empty()) {
    auto all = ReadStandardInput();
    if (!all.ok()) return Fail(all.status());
    sql = std::move(*all);
  }
  sql = StripSemicolons(sql);
  if (sql.empty()) return Fail(Status::InvalidArgument("--into needs a query (argument or standard input)"));
  table::Warehouse* wh = g_tables.warehouse;
  std::unique_ptr<table::Warehouse> opened;
  if (wh == nullptr) {
    table::WarehouseOptions wo;
    wo.location = warehouse_dir;
    wo.catalog = catalog_file;
    auto w = table::Warehouse::Open(wo);
    if (!w.ok()) return Fail(w.status());
    opened = std::move(*w);
    wh = opened.get();
  }
  // The query may read catalog tables itself.
  auto bound = table::BindCatalogTables(db, *wh, sql, g_tables.bind, nullptr);
  if (!bound.ok()) return Fail(bound.status());
  auto loaded = table::LoadIcebergTable(*wh, table_name);
  bool created = false;
  if (!loaded.ok()) {
    if (!loaded.status().IsNotFound()) return Fail(loaded.status());
    auto cols = table::ColumnsOfQuery(db, *bound);
    if (!cols.ok()) return Fail(ExplainUnknownTable(cols.status(), sql));
    table::CreateTableRequest create;
    create.identifier = table_name;
    auto schema = table::SchemaFromColumns(*cols);
    if (!schema.ok()) return Fail(schema.status());
    create.schema = *schema;
    auto spec = table::ParsePartitionBy(partition_by);
    if (!spec.ok()) return Fail(spec.status());
    create.partition_by = *spec;
    auto c = table::CreateIcebergTable(*wh, create);
    // Another writer creating it meanwhile is no error: the rows go into that table.
    if (!c.ok() && !c.status().IsAlreadyExists()) return Fail(c.status());
    created = c.ok();
  } else if (!partition_by.empty()) {
    fmt::print(stderr, "note: {} exists; its own partition spec applies (--partition-by ignored)\n", table_name);
  }
  table::AppendRequest append;
  append.identifier = table_name;
  append.select_sql = *bound;
  append.inputs = sql;
  append.schema_mode = *mode;
  auto r = table::AppendQuery(*wh, db, append);
  if (!r.ok()) return Fail(ExplainUnknownTable(r.status(), sql));
  if (r->snapshot_id == 0) {
    if (created) {
      fmt::print("the query returned no rows: created {} (empty)\n", table_name);
    } else {
      fmt::print("the query returned no rows: {} unchanged\n", table_name);
    }
    return 0;
  }
  fmt::print("appended {} rows in {} file{} ({}) to {}{}\n  snapshot  {}\n", Thousands(r->records),
             r->files.size(), r->files.size() == 1 ? "" : "s", HumanBytes(r->bytes), table_name,
             created ? " (created)" : "", r->snapshot_id);
  for (const auto& c : r->added_columns) fmt::print("  added column    {}\n", c);
  for (const auto& c : r->widened_columns) fmt::print("  widened column  {}\n", c);
  return 0;
}

}  // namespace

void AddSql(CLI::App& app, int* exit_code) {
  struct Opts {
    std::string query;
    std::string format = "table";
    std::string output;
    uint64_t max_rows = 1000;
    int threads = 0;
    S3Flags s3;
    std::string warehouse, catalog;
    int64_t snapshot = 0;
    bool show_files = false;
    std::string into, partition_by;
    std::string schema_mode = "evolve";
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "sql",
      "Run SQL (DuckDB dialect) over raw logs and Parquet alike. Raw logs:\n"
      "  read_log('<path, dir or glob>', format => 's3_access')\n"
      "    optional: key_pattern => '{customer}/audit/{date}.csv', source_columns => true\n"
      "  read_log_rejects('<path>', format => 's3_access')   -- lines that did not parse\n"
      "Converted output: FROM '<output>' (the files its run manifests name, with day/hour\n"
      "columns); any folder of Parquet: FROM '<folder>'. Catalog tables: FROM ns.table.\n"
      "s3:// Parquet/CSV/JSON is read through a local cache ($SILT_CACHE_DIR, else\n"
      "~/.cache/silt; at most $SILT_CACHE_MAX, default 10GiB).\n"
      "With no query: an interactive prompt, where Ctrl-C cancels the statement\n"
      "(or the statements on standard input when it is not a terminal).");
  cmd->add_option("query", o->query, "The SQL to run");
  cmd->add_option("--format", o->format, "table | csv | json | parquet")->capture_default_str();
  cmd->add_option("--output,-o", o->output, "Write the result to this file (required for parquet)");
  cmd->add_option("--max-rows", o->max_rows, "Rows shown in table format")->capture_default_str();
  cmd->add_option("--threads", o->threads, "DuckDB threads (0 = all cores)");
  cmd->add_option("--warehouse", o->warehouse,
                  "Warehouse whose catalog tables appear as ns.name (default SILT_WAREHOUSE, "
                  "else ./warehouse when it exists)");
  cmd->add_option("--catalog", o->catalog, "SQLite catalog file (default <warehouse>/catalog.db or SILT_CATALOG)");
  cmd->add_option("--snapshot", o->snapshot,
                  "Read every catalog table at this snapshot id (time travel; per table: "
                  "FROM ns.t AT (VERSION => id) or AT (TIMESTAMP => '2024-05-01 12:00'))");
  cmd->add_flag("--show-files", o->show_files,
                "Print, per catalog table read, its snapshot and how many data files remain after "
                "partition and min/max pruning");
  cmd->add_option("--into", o->into,
                  "Append the query's rows to this Iceberg table (namespace.table) as one "
                  "snapshot; a missing table is created from the query's columns");
  cmd->add_option("--partition-by", o->partition_by,
                  "With --into, for a table created now: e.g. 'day(ts)', 'bucket(16, user_id)'");
  cmd->add_option("--schema-mode", o->schema_mode,
                  "With --into: evolve adds the query's new columns and widens types in the same "
                  "commit; error refuses new columns")
      ->capture_default_str();
  AddS3Flags(cmd, &o->s3);
  cmd->callback([o, exit_code]() {
    if (Status st = ApplyS3Flags(o->s3); !st.ok()) {
      *exit_code = Fail(st);
      return;
    }
    query::PrintOptions po;
    po.max_rows = o->max_rows;
    if (o->format != "parquet") {
      auto f = query::ParseOutputFormat(o->format);
      if (!f.ok()) {
        *exit_code = Fail(f.status());
        return;
      }
      po.format = *f;
    }
    // Catalog tables: an explicit warehouse must open; the default one only when it exists.
    std::unique_ptr<table::Warehouse> warehouse;
    {
      table::WarehouseOptions wo;
      wo.location = o->warehouse;
      wo.catalog = o->catalog;
      wo.create = !o->into.empty();  // --into makes the table (and the warehouse) if need be
      // A warehouse named by flag or environment, or a catalog named on the command line, must
      // open: a typo is an error. (SILT_CATALOG alone leaves the default warehouse optional.)
      const bool explicit_wh = !o->warehouse.empty() || std::getenv("SILT_WAREHOUSE") != nullptr ||
                               !o->catalog.empty();
      auto wh = table::Warehouse::Open(wo);
      if (wh.ok()) {
        warehouse = std::move(*wh);
      } else if (explicit_wh) {
        *exit_code = Fail(wh.status());
        return;
      }
      g_tables.warehouse = warehouse.get();
      if (o->snapshot != 0) g_tables.bind.snapshot_id = o->snapshot;
      g_tables.show_files = o->show_files;
    }
    query::DatabaseOptions dbo;
    dbo.threads = o->threads;
    auto db = query::Database::Open(dbo);
    if (!db.ok()) {
      *exit_code = Fail(db.status());
      return;
    }
    if (Status st = table::AddFolderTables(**db); !st.ok()) {
      *exit_code = Fail(st);
      return;
    }
    if (!o->into.empty()) {
      *exit_code = RunInto(**db, o->query, o->into, o->partition_by, o->warehouse, o->catalog,
                           o->schema_mode);
      return;
    }
    if (!o->query.empty()) {
      *exit_code = RunQuery(**db, o->query, po, o->format, o->output);
      return;
    }
    const bool interactive = isatty(STDIN_FILENO) != 0;
    if (!interactive) {
      auto all = ReadStandardInput();
      if (!all.ok()) {
        *exit_code = Fail(all.status());
        return;
      }
      if (StripSemicolons(*all).empty()) {
        *exit_code = Fail(Status::InvalidArgument("no query given (argument or standard input)"));
        return;
      }
      *exit_code = RunQuery(**db, *all, po, o->format, o->output);
      return;
    }
    fmt::print("silt sql — DuckDB SQL with read_log(); end statements with ';', .quit to leave\n");
    // Ctrl-C cancels the statement running, or the one being typed; it does not leave.
    interrupt::InstallHandlers(interrupt::Mode::kInteractive);
    std::string buffer, line;
    while (true) {
      std::fputs(buffer.empty() ? "silt> " : "  ...> ", stdout);
      std::fflush(stdout);
      if (!std::getline(std::cin, line)) {
        if (!interrupt::Requested()) break;  // end of input
        if (interrupt::Signal() == SIGTERM) break;
        interrupt::Reset();
        std::cin.clear();
        clearerr(stdin);
        buffer.clear();
        std::fputs("\n", stdout);
        continue;
      }
      // A Ctrl-C between the prompt and the read (no read to end) cleared nothing typed yet.
      if (interrupt::Requested() && interrupt::Signal() != SIGTERM) interrupt::Reset();
      if (buffer.empty() && (line == ".quit" || line == ".exit" || line == "\\q")) break;
      buffer += line + "\n";
      if (StripSemicolons(buffer).empty()) {
        buffer.clear();
        continue;
      }
      std::string trimmed = buffer;
      while (!trimmed.empty() && isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
      if (!trimmed.empty() && trimmed.back() == ';') {
        RunQuery(**db, buffer, po, "table", "");
        buffer.clear();
        if (interrupt::Signal() == SIGTERM) break;
        interrupt::Reset();  // a cancelled statement has been reported
      }
    }
    fmt::print("\n");
    // SIGTERM ends the session (Ctrl-C only cancels).
    *exit_code = interrupt::Signal() == SIGTERM ? interrupt::ExitCode() : 0;
  });
}

void AddGen(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<gen::S3AccessGenOptions>();
  auto output = std::make_shared<std::string>();
  auto bytes = std::make_shared<std::string>("64MiB");
  CLI::App* gen = app.add_subcommand("gen", "Generate realistic sample logs (deterministic by seed)");
  gen->require_subcommand(1);
  CLI::App* cmd = gen->add_subcommand(
      "s3_access",
      "S3 server access log objects named as AWS names them (PREFIX/YYYY-MM-DD-HH-MM-SS-<hex>),\n"
      "mixing field layouts from the oldest (17 fields) to the newest (27).");
  cmd->add_option("--output,-o", *output, "Directory to write into")->required();
  cmd->add_option("--bytes", *bytes, "Approximate total size")->capture_default_str()->check(ByteSizeValidator());
  cmd->add_option("--objects", o->objects, "Number of objects (0 = one per ~8 MiB)")->capture_default_str();
  cmd->add_option("--days", o->days, "Spread request times over this many UTC days")->capture_default_str();
  cmd->add_option("--start-date", o->start_date, "First day (YYYY-MM-DD)")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  cmd->add_option("--prefix", o->prefix, "Key prefix inside the output")->capture_default_str();
  cmd->add_option("--old-layout-share", o->old_layout_share, "Share of 17/18/24-field lines")->capture_default_str();
  cmd->add_option("--newest-layout-share", o->newest_layout_share, "Share of 27-field lines")->capture_default_str();
  cmd->add_option("--quote-share", o->quote_share, "Share of lines with '\"' inside quoted fields")->capture_default_str();
  cmd->add_option("--compression", o->compression, "none | gzip | zstd")->capture_default_str();
  cmd->callback([o, output, bytes, exit_code]() {
    ParseByteSize(*bytes, &o->total_bytes);
    auto uri = ParseUri(*output);
    if (!uri.ok()) {
      *exit_code = Fail(uri.status());
      return;
    }
    auto st = store::OpenStore(*uri, true);
    if (!st.ok()) {
      *exit_code = Fail(st.status());
      return;
    }
    const bool tty = isatty(STDERR_FILENO) != 0;
    const uint64_t total = o->total_bytes;
    auto r = gen::GenerateS3Access(*o, **st, [tty, total](uint64_t done) {
      if (tty) fmt::print(stderr, "\r\033[K  generating {} / {}", HumanBytes(done), HumanBytes(total));
    });
    if (tty) fmt::print(stderr, "\r\033[K");
    if (!r.ok()) {
      *exit_code = Fail(r.status());
      return;
    }
    fmt::print("generated {} objects, {} lines, {} in {}\n", r->objects, Thousands(r->lines),
               HumanBytes(r->bytes), *output);
    *exit_code = 0;
  });

  for (const char* kind : {"combined", "csv", "jsonl"}) {
    auto t = std::make_shared<gen::TextLogGenOptions>();
    t->kind = kind;
    auto t_out = std::make_shared<std::string>();
    auto t_bytes = std::make_shared<std::string>("64MiB");
    const std::string what = t->kind == "combined"
                                 ? "Apache/nginx Combined Log Format lines (access-YYYY-MM-DD-NNNN.log)"
                             : t->kind == "csv"
                                 ? "per-customer audit CSVs with a header (<customer>/audit/YYYY-MM-DD-NNNN.csv)"
                                 : "web analytics JSON lines (events-YYYY-MM-DD-NNNN.jsonl)";
    CLI::App* k = gen->add_subcommand(kind, what);
    k->add_option("--output,-o", *t_out, "Directory to write into")->required();
    k->add_option("--bytes", *t_bytes, "Approximate total size")->capture_default_str()->check(ByteSizeValidator());
    k->add_option("--objects", t->objects, "Number of objects (0 = one per ~8 MiB and day)")->capture_default_str();
    k->add_option("--days", t->days, "Spread times over this many UTC days")->capture_default_str();
    k->add_option("--start-date", t->start_date, "First day (YYYY-MM-DD)")->capture_default_str();
    k->add_option("--seed", t->seed, "Random seed")->capture_default_str();
    k->add_option("--prefix", t->prefix, "Key prefix inside the output");
    k->callback([t, t_out, t_bytes, exit_code]() {
      ParseByteSize(*t_bytes, &t->total_bytes);
      auto uri = ParseUri(*t_out);
      if (!uri.ok()) {
        *exit_code = Fail(uri.status());
        return;
      }
      auto st = store::OpenStore(*uri, true);
      if (!st.ok()) {
        *exit_code = Fail(st.status());
        return;
      }
      auto r = gen::GenerateTextLogs(*t, **st);
      if (!r.ok()) {
        *exit_code = Fail(r.status());
        return;
      }
      fmt::print("generated {} objects, {} lines, {} in {}\n", r->objects, Thousands(r->lines),
                 HumanBytes(r->bytes), *t_out);
      *exit_code = 0;
    });
  }
}

void AddFormats(CLI::App& app, int* exit_code) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("formats", "List the log formats, or one format's columns");
  cmd->add_option("format", *name, "Show this format's columns");
  cmd->callback([name, exit_code]() {
    if (name->empty()) {
      for (const formats::Format* f : formats::AllFormats()) {
        fmt::print("{:<12} {}\n", f->name(), f->description());
      }
      fmt::print("\n`silt formats <name>` shows a format's columns.\n");
      *exit_code = 0;
      return;
    }
    const formats::Format* f = formats::FindFormat(*name);
    if (f == nullptr) {
      *exit_code = Fail(Status::InvalidArgument(
          fmt::format("unknown format '{}' (known formats: {})", *name, formats::FormatNames())));
      return;
    }
    fmt::print("{}: {}\n\n", f->name(), f->description());
    if (f->schema().empty()) {
      fmt::print("  (columns come from the options or are inferred from the data)\n");
    }
    for (const auto& c : f->schema()) {
      fmt::print("  {:<22} {:<12} {}\n", c.name, formats::ColumnTypeSqlName(c.type), c.doc);
    }
    if (!f->options().empty()) {
      fmt::print("\noptions (read_log(..., <option> => '<value>'), silt convert -O <option>=<value>):\n");
      for (const auto& opt : f->options()) fmt::print("  {:<22} {}\n", opt.name, opt.doc);
    }
    *exit_code = 0;
  });
}

void AddDetect(CLI::App& app, int* exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "detect",
      "Name the format of a log file, folder or glob from a sample of its first object, with\n"
      "a confidence (the share of sample lines that parse) and the format's columns.");
  cmd->add_option("path", *path, "File, folder or glob")->required();
  auto s3flags = std::make_shared<S3Flags>();
  AddS3Flags(cmd, s3flags.get());
  cmd->callback([path, exit_code, s3flags]() {
    if (Status st = ApplyS3Flags(*s3flags); !st.ok()) {
      *exit_code = Fail(st);
      return;
    }
    auto inputs = query::ResolveInputs({*path});
    if (!inputs.ok()) {
      *exit_code = Fail(inputs.status());
      return;
    }
    const query::InputObject& first = inputs->front();
    auto sample = query::ReadSample(first, 256 * 1024);
    if (!sample.ok()) {
      *exit_code = Fail(sample.status());
      return;
    }
    auto found = formats::DetectFormats(*sample);
    if (found.empty()) {
      fmt::print("no known format reads {} (formats: {})\n", first.name, formats::FormatNames());
      *exit_code = 1;
      return;
    }
    const auto& best = found.front();
    fmt::print("{}: {} (confidence {:.0f}%: {} of {} sample lines parse)\n", first.name,
               best.format->name(), 100 * best.confidence, best.rows, best.rows + best.rejects);
    for (size_t i = 1; i < found.size(); ++i) {
      fmt::print("  also possible: {} ({:.0f}%)\n", found[i].format->name(),
                 100 * found[i].confidence);
    }
    fmt::print("\ncolumns of {}:\n", best.format->name());
    for (const auto& c : best.format->schema()) {
      fmt::print("  {:<26} {:<12} {}\n", c.name, formats::ColumnTypeSqlName(c.type), c.doc);
    }
    fmt::print("\nread it with: silt sql \"SELECT * FROM read_log('{}', format => '{}') LIMIT 10\"\n",
               *path, best.format->name());
    *exit_code = 0;
  });
}

namespace {

struct Location {
  std::shared_ptr<store::Store> store;  // the folder or prefix holding the object
  std::string key;                      // the object's key in it ("" for a folder)
  std::string name;                     // as the user wrote it
};

// Splits "s3://b/a/b.log" or "/x/y.log" into the parent store and the last key segment.
Result<Location> OpenLocation(const std::string& text, bool create) {
  SILT_ASSIGN_OR_RETURN(Uri uri, ParseUri(text));
  Uri parent = uri;
  size_t slash = uri.path.rfind('/');
  std::string key;
  if (uri.is_local()) {
    parent.path = slash == 0 ? "/" : uri.path.substr(0, slash);
    key = uri.path.substr(slash + 1);
  } else {
    parent.path = slash == std::string::npos ? "" : uri.path.substr(0, slash);
    key = uri.path.substr(slash == std::string::npos ? 0 : slash + 1);
  }
  SILT_ASSIGN_OR_RETURN(auto st, store::OpenStore(parent, create));
  return Location{std::shared_ptr<store::Store>(std::move(st)), key, text};
}

// Copies one object version from `src` to `dst_key` in `dst`; returns the bytes copied.
Result<uint64_t> CopyOne(store::Store& src, const store::ObjectVersion& v, store::Store& dst,
                         const std::string& dst_key, const store::PutOptions& put) {
  std::string local = src.LocalPath(v.key);
  std::string tmp;
  // Remote source into a local folder: straight into a temporary file beside the destination,
  // then renamed over it (atomic, one write of the bytes).
  const std::string dest_path = dst.LocalPath(dst_key);
  const bool direct = local.empty() && !dest_path.empty() && !put.if_absent;
  if (local.empty()) {
    // Remote source: through a local temporary file (bounded memory, multipart upload).
    int fd = -1;
    if (direct) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(dest_path).parent_path(), ec);
      std::string pattern = dest_path + ".silt-cp-XXXXXX";
      fd = mkstemp(pattern.data());
      if (fd < 0) return ErrnoStatus("creating", pattern, errno);
      tmp = pattern;
    } else {
      // In TMPDIR, named so that the next copy removes it if this process is killed.
      SILT_ASSIGN_OR_RETURN(tmp, table::NewTempFile("silt-cp-"));
      fd = ::open(tmp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
      if (fd < 0) {
        Status st = ErrnoStatus("opening", tmp, errno);
        ::unlink(tmp.c_str());
        return st;
      }
    }
    auto opened = src.OpenReader(v, 0, v.size);
    if (!opened.ok()) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return opened.status();
    }
    auto reader = std::move(*opened);
    std::vector<char> buf(8 << 20);
    uint64_t done = 0;
    Status st;
    while (st.ok()) {
      auto n = reader->Read(buf.data(), buf.size());
      if (!n.ok()) {
        st = n.status();
        break;
      }
      if (*n == 0) break;
      if (::write(fd, buf.data(), *n) != static_cast<ssize_t>(*n)) st = ErrnoStatus("writing", tmp, errno);
      done += *n;
    }
    ::close(fd);
    if (st.ok() && done != v.size) {
      st = Status::Unavailable(fmt::format("{}: read {} of {} bytes", v.key, done, v.size));
    }
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
    if (direct) {
      ::chmod(tmp.c_str(), 0644);
      if (::rename(tmp.c_str(), dest_path.c_str()) != 0) {
        Status e = ErrnoStatus("renaming to", dest_path, errno);
        ::unlink(tmp.c_str());
        return e;
      }
      return v.size;
    }
    local = tmp;
  }
  auto r = dst.PutFile(dst_key, local, put);
  if (!tmp.empty()) ::unlink(tmp.c_str());
  if (!r.ok()) return r.status();
  return v.size;
}

}  // namespace

void AddCp(CLI::App& app, int* exit_code) {
  struct Opts {
    std::string src, dst, storage_class;
    bool recursive = false, if_absent = false, quiet = false;
    int parallel = 4;
    S3Flags s3;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "cp",
      "Copy objects between local folders and s3:// locations, like 'aws s3 cp':\n"
      "  silt cp logs/app.log s3://bucket/logs/           (upload; multipart when large)\n"
      "  silt cp s3://bucket/out/report.csv ./            (download)\n"
      "  silt cp --recursive demo/raw s3://bucket/raw     (every object below a folder/prefix)\n"
      "Objects appear whole or not at all; uploads carry checksums the server verifies.");
  cmd->add_option("source", o->src, "File, folder, s3://bucket/key or s3://bucket/prefix")->required();
  cmd->add_option("destination", o->dst, "File, folder, s3://bucket/key or prefix (ending in '/' keeps the name)")->required();
  cmd->add_flag("--recursive,-r", o->recursive, "Copy every object below the source folder or prefix");
  cmd->add_option("--storage-class", o->storage_class, "S3 storage class for uploads (e.g. GLACIER)");
  cmd->add_flag("--if-absent", o->if_absent, "Fail instead of replacing an existing object");
  cmd->add_option("--parallel", o->parallel, "Objects copied at once with --recursive")->capture_default_str();
  cmd->add_flag("--quiet,-q", o->quiet, "No summary");
  AddS3Flags(cmd, &o->s3);
  cmd->callback([o, exit_code]() {
    if (Status st = ApplyS3Flags(o->s3); !st.ok()) {
      *exit_code = Fail(st);
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    store::PutOptions put;
    put.if_absent = o->if_absent;
    put.storage_class = o->storage_class;
    // (source store, version, destination key) for every object.
    std::vector<std::pair<store::ObjectVersion, std::string>> jobs;
    std::shared_ptr<store::Store> src, dst;
    std::string dst_prefix = o->dst;
    if (o->recursive) {
      auto su = ParseUri(o->src);
      if (!su.ok()) {
        *exit_code = Fail(su.status());
        return;
      }
      auto ss = store::OpenStore(*su);
      auto du = ParseUri(o->dst);
      if (!ss.ok() || !du.ok()) {
        *exit_code = Fail(!ss.ok() ? ss.status() : du.status());
        return;
      }
      auto ds = store::OpenStore(*du, true);
      if (!ds.ok()) {
        *exit_code = Fail(ds.status());
        return;
      }
      src = std::move(*ss);
      dst = std::move(*ds);
      Status st = store::ListAll(*src, "", [&](const store::ObjectVersion& v) {
        if (!store::IsFolderMarker(v)) jobs.emplace_back(v, v.key);
        return Status::OK();
      });
      if (!st.ok()) {
        *exit_code = Fail(st);
        return;
      }
      if (jobs.empty()) {
        *exit_code = Fail(Status::NotFound(fmt::format("no objects below '{}'", o->src)));
        return;
      }
    } else {
      auto s = OpenLocation(o->src, false);
      if (!s.ok()) {
        *exit_code = Fail(s.status());
        return;
      }
      auto v = s->store->Head(s->key);
      if (!v.ok()) {
        *exit_code = Fail(v.status().IsNotFound()
                              ? Status::NotFound(fmt::format("'{}' does not exist (a folder or prefix needs --recursive)", o->src))
                              : v.status());
        return;
      }
      std::string dst_text = o->dst;
      struct stat sb {};
      bool into_dir = dst_text.ends_with("/") || dst_text == "." ||
                      (!dst_text.starts_with("s3://") && ::stat(dst_text.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode));
      if (into_dir) dst_text += (dst_text.ends_with("/") ? "" : "/") + s->key;
      auto d = OpenLocation(dst_text, true);
      if (!d.ok()) {
        *exit_code = Fail(d.status());
        return;
      }
      src = s->store;
      dst = d->store;
      jobs.emplace_back(*v, d->key);
    }
    std::atomic<uint64_t> bytes{0};
    const unsigned parallel = static_cast<unsigned>(std::max(1, o->parallel));
    Status copied = ParallelFor(jobs.size(), {parallel, 1}, [&](size_t i, unsigned) -> Status {
      // After Ctrl-C, the objects not yet started are left.
      if (interrupt::Stopping()) return interrupt::AsStatus();
      auto n = CopyOne(*src, jobs[i].first, *dst, jobs[i].second, put);
      if (!n.ok()) return n.status().WithContext(jobs[i].first.key);
      bytes += *n;
      return Status::OK();
    });
    if (!copied.ok()) {
      *exit_code = Fail(copied);
      return;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!o->quiet) {
      fmt::print("copied {} object{} ({}) to {} in {:.2f} s, {:.1f} MB/s\n", Thousands(jobs.size()),
                 jobs.size() == 1 ? "" : "s", HumanBytes(bytes.load()), o->dst, secs,
                 secs > 0 ? static_cast<double>(bytes.load()) / 1e6 / secs : 0.0);
    }
    *exit_code = 0;
  });
}

}  // namespace silt::cli
