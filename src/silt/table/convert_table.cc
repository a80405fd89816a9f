#include "silt/table/convert_table.h"

#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "silt/formats/format.h"
#include "silt/query/database.h"
#include "silt/query/log_scan.h"
#include "silt/query/read_log.h"
#include "silt/s3/crypto.h"
#include "silt/table/iceberg_writer.h"

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

// read_log(...) over the conversion's inputs, with its options.
std::string ReadLogCall(const ConvertOptions& o, std::string_view function = "read_log") {
  std::string list;
  for (const auto& in : o.inputs) list += (list.empty() ? "" : ", ") + query::SqlQuote(in);
  std::string call = fmt::format("{}([{}], format => {}", function, list, query::SqlQuote(o.format));
  if (!o.key_pattern.empty()) call += ", key_pattern => " + query::SqlQuote(o.key_pattern);
  if (o.source_columns) call += ", source_columns => true";
  for (const auto& [k, v] : o.format_options) {
    call += fmt::format(", {} => {}", query::SqlIdent(k), query::SqlQuote(v));
  }
  return call + ")";
}

}  // namespace

Result<TableConvertSummary> ConvertToTable(const ConvertOptions& options, const std::string& table,
                                           Warehouse& warehouse) {
  const auto t0 = std::chrono::steady_clock::now();
  TableConvertSummary s;
  s.table = table;
  const formats::Format* format = formats::FindFormat(options.format);
  if (format == nullptr) {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (known formats: {})",
                                               options.format, formats::FormatNames()));
  }
  SILT_ASSIGN_OR_RETURN(std::vector<query::InputObject> inputs, query::ResolveInputs(options.inputs));
  s.objects = inputs.size();
  for (const auto& o : inputs) s.input_bytes += o.version.size;
  s.inputs = InputsIdentity(options.format, inputs);

  query::DatabaseOptions dbo;
  dbo.threads = options.threads;
  dbo.memory_limit = options.memory_limit.empty() ? "1GB" : options.memory_limit;
  SILT_ASSIGN_OR_RETURN(std::unique_ptr<query::Database> db, query::Database::Open(dbo));
  const std::string select = "SELECT * FROM " + ReadLogCall(options);

  // The table: existing (and already holding these inputs?) or created now.
  auto loaded = LoadIcebergTable(warehouse, table);
  if (loaded.ok()) {
    for (const auto& snap : loaded->metadata.snapshots) {
      auto it = snap.summary.find("silt.inputs");
      if (it != snap.summary.end() && it->second == s.inputs) {
        s.already_committed = true;
        s.snapshot_id = snap.snapshot_id;
        s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return s;
      }
    }
  } else if (loaded.status().IsNotFound()) {
    SILT_ASSIGN_OR_RETURN(std::vector<ColumnDecl> columns, ColumnsOfQuery(*db, select));
    CreateTableRequest create;
    create.identifier = table;
    SILT_ASSIGN_OR_RETURN(create.schema, SchemaFromColumns(columns));
    if (options.partition != Partitioning::kNone) {
      if (format->time_column().empty()) {
        return Status::InvalidArgument(fmt::format(
            "format {} has no event time column to partition {} by; use --partition-by none",
            options.format, table));
      }
      SILT_ASSIGN_OR_RETURN(create.partition_by,
                            ParsePartitionBy(fmt::format("{}({})",
                                                         options.partition == Partitioning::kHour ? "hour" : "day",
                                                         format->time_column())));
    }
    SILT_RETURN_IF_ERROR(CreateIcebergTable(warehouse, create).status());
    s.created = true;
  } else {
    return loaded.status();
  }

  const uint64_t rejects_before = query::ReadLogRejectsSeen();
  AppendRequest append;
  append.identifier = table;
  append.select_sql = select;
  append.inputs = s.inputs;
  append.summary["silt.format"] = options.format;
  append.compression = options.compression;
  SILT_ASSIGN_OR_RETURN(AppendResult r, AppendQuery(warehouse, *db, append));
  s.snapshot_id = r.snapshot_id;
  s.rows = static_cast<uint64_t>(r.records);
  s.files = r.files.size();
  s.output_bytes = static_cast<uint64_t>(r.bytes);
  s.rejects = query::ReadLogRejectsSeen() - rejects_before;
  if (s.rejects > 0) {
    // Rejected lines are kept beside the table, named by the snapshot that skipped them.
    auto t = LoadIcebergTable(warehouse, table);
    if (t.ok()) {
      char tmpl[] = "/tmp/silt-rejects-XXXXXX";
      int fd = mkstemp(tmpl);
      if (fd >= 0) {
        ::close(fd);
        Status st = db->Exec(fmt::format("COPY (SELECT * FROM {}) TO {} (FORMAT json)",
                                         ReadLogCall(options, "read_log_rejects"), query::SqlQuote(tmpl)));
        auto key = warehouse.io().KeyOf(t->metadata.location + fmt::format("/rejects/{}.jsonl", r.snapshot_id));
        if (st.ok() && key.ok()) {
          auto put = warehouse.store().PutFile(*key, tmpl);
          if (put.ok()) s.rejects_file = t->metadata.location + fmt::format("/rejects/{}.jsonl", r.snapshot_id);
          else st = put.status();
        }
        ::unlink(tmpl);
        SILT_RETURN_IF_ERROR(st.WithContext("storing the rejected lines"));
      }
    }
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace silt::table
