#include "silt/table/convert_table.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>

#include <fmt/format.h>

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
  // The source: the format and the input locations as given (normalised).
  std::vector<std::string> canon;
  for (const auto& loc : options.inputs) {
    SILT_ASSIGN_OR_RETURN(Uri u, ParseUri(loc));
    canon.push_back(u.ToString());
  }
  std::sort(canon.begin(), canon.end());
  std::string source_text = "silt-source-v1\n" + options.format;
  for (const auto& c : canon) source_text += "\n" + c;
  const std::string source = s3::HexLower(s3::Sha256(source_text)).substr(0, 16);

  query::DatabaseOptions dbo;
  dbo.threads = options.threads;
  dbo.memory_limit = options.memory_limit.empty() ? "1GB" : options.memory_limit;
  SILT_ASSIGN_OR_RETURN(std::unique_ptr<query::Database> db, query::Database::Open(dbo));

  // What this source already committed: the bookmark of its newest snapshot.
  std::set<std::string> committed;  // "name\tsize\tetag"
  std::string bookmark_text;
  auto loaded = LoadIcebergTable(warehouse, table);
  if (loaded.ok()) {
    const auto& snaps = loaded->metadata.snapshots;
    const iceberg::Snapshot* newest = nullptr;
    for (const auto& snap : snaps) {
      auto it = snap.summary.find("silt.source");
      if (it != snap.summary.end() && it->second == source &&
          (newest == nullptr || snap.sequence_number > newest->sequence_number)) {
        newest = &snap;
      }
    }
    if (newest != nullptr) {
      auto it = newest->summary.find("silt.bookmark");
      if (it == newest->summary.end()) {
        return Status::Corruption(fmt::format("{}: snapshot {} of this source has no silt.bookmark",
                                              table, newest->snapshot_id));
      }
      SILT_ASSIGN_OR_RETURN(bookmark_text, warehouse.io().Read(it->second));
      size_t pos = 0;
      while (pos < bookmark_text.size()) {
        size_t nl = bookmark_text.find('\n', pos);
        if (nl == std::string::npos) nl = bookmark_text.size();
        if (nl > pos) committed.insert(bookmark_text.substr(pos, nl - pos));
        pos = nl + 1;
      }
      s.snapshot_id = newest->snapshot_id;
    }
  } else if (!loaded.status().IsNotFound()) {
    return loaded.status();
  }
  std::vector<query::InputObject> fresh;
  for (auto& o : inputs) {
    if (committed.count(fmt::format("{}\t{}\t{}", o.name, o.version.size, o.version.etag)) == 0) {
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
  char tmpl[] = "/tmp/silt-rejects-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) return ErrnoStatus("creating", tmpl, errno);
  ::close(fd);
  const std::string rejects_path = tmpl;
  struct Unlink {
    std::string p;
    ~Unlink() { ::unlink(p.c_str()); }
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
    SILT_ASSIGN_OR_RETURN(auto created, CreateIcebergTable(warehouse, create));
    s.created = true;
    loaded = std::move(created);
  }

  // The bookmark after this commit: everything the source has committed, this run included.
  for (const auto& o : fresh) {
    bookmark_text += fmt::format("{}\t{}\t{}\n", o.name, o.version.size, o.version.etag);
  }
  const std::string bookmark_uri =
      fmt::format("{}/silt/bookmarks/{}-{}.tsv", loaded->metadata.location, source, iceberg::NewUuid());
  SILT_RETURN_IF_ERROR(warehouse.io().WriteNew(bookmark_uri, bookmark_text));

  AppendRequest append;
  append.identifier = table;
  append.select_sql = select;
  append.inputs = s.inputs;
  append.summary["silt.format"] = options.format;
  append.summary["silt.source"] = source;
  append.summary["silt.bookmark"] = bookmark_uri;
  append.compression = options.compression;
  auto r = AppendQuery(warehouse, *db, append);
  if (!r.ok()) {
    (void)warehouse.io().Delete({bookmark_uri});  // never committed: nothing points at it
    return r.status();
  }
  SILT_RETURN_IF_ERROR(rejects.Close());
  s.snapshot_id = r->snapshot_id;
  s.rows = static_cast<uint64_t>(r->records);
  s.files = r->files.size();
  s.output_bytes = static_cast<uint64_t>(r->bytes);
  s.rejects = plan->counters().rejects.load();
  if (s.rejects > 0 && rejects.written()) {
    const std::string uri = fmt::format("{}/silt/rejects/{}.jsonl", loaded->metadata.location, r->snapshot_id);
    SILT_ASSIGN_OR_RETURN(std::string key, warehouse.io().KeyOf(uri));
    SILT_RETURN_IF_ERROR(warehouse.store().PutFile(key, rejects_path).status().WithContext("storing the rejected lines"));
    s.rejects_file = uri;
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace silt::table
