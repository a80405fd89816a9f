#include "silt/iceberg/metadata.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "silt/common/strings.h"
#include "silt/iceberg/json_internal.h"

namespace silt::iceberg {
namespace {

using internal::Json;

Json SortOrderToJson(const SortOrder& o) {
  Json j;
  j["order-id"] = o.order_id;
  Json fields = Json::array();
  for (const auto& f : o.fields) {
    Json fj;
    fj["transform"] = f.transform.ToString();
    fj["source-id"] = f.source_id;
    fj["direction"] = f.descending ? "desc" : "asc";
    fj["null-order"] = f.nulls_first ? "nulls-first" : "nulls-last";
    fields.push_back(std::move(fj));
  }
  j["fields"] = std::move(fields);
  return j;
}

Result<SortOrder> SortOrderFromJson(const Json& j) {
  SortOrder o;
  o.order_id = j.at("order-id").get<int>();
  for (const Json& fj : j.at("fields")) {
    SortField f;
    auto t = Transform::Parse(fj.at("transform").get<std::string>());
    if (!t.ok()) return Status::ParseError(t.status().message());
    f.transform = *t;
    f.source_id = fj.at("source-id").get<int>();
    const std::string dir = fj.at("direction").get<std::string>();
    const std::string nulls = fj.at("null-order").get<std::string>();
    if ((dir != "asc" && dir != "desc") || (nulls != "nulls-first" && nulls != "nulls-last")) {
      return Status::ParseError("bad sort field direction/null-order: " + dir + "/" + nulls);
    }
    f.descending = dir == "desc";
    f.nulls_first = nulls == "nulls-first";
    o.fields.push_back(std::move(f));
  }
  return o;
}

Json SnapshotToJson(const Snapshot& s) {
  Json j;
  j["sequence-number"] = s.sequence_number;
  j["snapshot-id"] = s.snapshot_id;
  if (s.parent_snapshot_id) j["parent-snapshot-id"] = *s.parent_snapshot_id;
  j["timestamp-ms"] = s.timestamp_ms;
  Json summary = Json::object();
  // "operation" first, as other writers do; the rest sorted.
  if (auto it = s.summary.find("operation"); it != s.summary.end()) summary["operation"] = it->second;
  for (const auto& [k, v] : s.summary) {
    if (k != "operation") summary[k] = v;
  }
  j["summary"] = std::move(summary);
  j["manifest-list"] = s.manifest_list;
  if (s.schema_id) j["schema-id"] = *s.schema_id;
  return j;
}

Result<Snapshot> SnapshotFromJson(const Json& j) {
  Snapshot s;
  s.snapshot_id = j.at("snapshot-id").get<int64_t>();
  if (auto it = j.find("parent-snapshot-id"); it != j.end() && !it->is_null()) {
    s.parent_snapshot_id = it->get<int64_t>();
  }
  s.sequence_number = j.at("sequence-number").get<int64_t>();
  s.timestamp_ms = j.at("timestamp-ms").get<int64_t>();
  s.manifest_list = j.at("manifest-list").get<std::string>();
  for (const auto& [k, v] : j.at("summary").items()) s.summary[k] = v.get<std::string>();
  if (!s.summary.contains("operation")) {
    return Status::ParseError("snapshot " + std::to_string(s.snapshot_id) +
                              " has no summary operation");
  }
  if (auto it = j.find("schema-id"); it != j.end() && !it->is_null()) s.schema_id = it->get<int>();
  return s;
}

Result<TableMetadata> MetadataFromJson(const Json& j) {
  TableMetadata m;
  m.format_version = j.at("format-version").get<int>();
  if (m.format_version != 2) {
    return Status::InvalidArgument("table format-version " + std::to_string(m.format_version) +
                                   " is not supported (silt reads and writes v2)");
  }
  m.table_uuid = j.at("table-uuid").get<std::string>();
  m.location = j.at("location").get<std::string>();
  m.last_sequence_number = j.at("last-sequence-number").get<int64_t>();
  m.last_updated_ms = j.at("last-updated-ms").get<int64_t>();
  m.last_column_id = j.at("last-column-id").get<int>();
  for (const Json& sj : j.at("schemas")) {
    SILT_ASSIGN_OR_RETURN(Schema s, internal::SchemaFromJsonValue(sj));
    m.schemas.push_back(std::move(s));
  }
  m.current_schema_id = j.at("current-schema-id").get<int>();
  for (const Json& pj : j.at("partition-specs")) {
    SILT_ASSIGN_OR_RETURN(PartitionSpec p, internal::SpecFromJsonValue(pj));
    m.partition_specs.push_back(std::move(p));
  }
  m.default_spec_id = j.at("default-spec-id").get<int>();
  m.last_partition_id = j.at("last-partition-id").get<int>();
  if (auto it = j.find("properties"); it != j.end() && !it->is_null()) {
    for (const auto& [k, v] : it->items()) m.properties[k] = v.get<std::string>();
  }
  if (auto it = j.find("current-snapshot-id"); it != j.end() && !it->is_null()) {
    const int64_t id = it->get<int64_t>();
    if (id != -1) m.current_snapshot_id = id;
  }
  if (auto it = j.find("snapshots"); it != j.end() && !it->is_null()) {
    for (const Json& sj : *it) {
      SILT_ASSIGN_OR_RETURN(Snapshot s, SnapshotFromJson(sj));
      m.snapshots.push_back(std::move(s));
    }
  }
  if (auto it = j.find("snapshot-log"); it != j.end() && !it->is_null()) {
    for (const Json& e : *it) {
      m.snapshot_log.push_back({e.at("snapshot-id").get<int64_t>(), e.at("timestamp-ms").get<int64_t>()});
    }
  }
  if (auto it = j.find("metadata-log"); it != j.end() && !it->is_null()) {
    for (const Json& e : *it) {
      m.metadata_log.push_back(
          {e.at("metadata-file").get<std::string>(), e.at("timestamp-ms").get<int64_t>()});
    }
  }
  for (const Json& oj : j.at("sort-orders")) {
    SILT_ASSIGN_OR_RETURN(SortOrder o, SortOrderFromJson(oj));
    m.sort_orders.push_back(std::move(o));
  }
  m.default_sort_order_id = j.at("default-sort-order-id").get<int>();
  if (auto it = j.find("refs"); it != j.end() && !it->is_null()) {
    for (const auto& [name, rj] : it->items()) {
      SnapshotRef ref;
      ref.snapshot_id = rj.at("snapshot-id").get<int64_t>();
      ref.type = rj.at("type").get<std::string>();
      m.refs[name] = ref;
    }
  } else if (m.current_snapshot_id) {
    // Spec: without refs, readers treat the current snapshot as the main branch.
    m.refs[std::string(kMainBranch)] = SnapshotRef{*m.current_snapshot_id, "branch"};
  }
  Status st = m.Validate();
  if (!st.ok()) return Status::InvalidArgument("invalid table metadata: " + st.message());
  return m;
}

}  // namespace

std::string Snapshot::operation() const {
  auto it = summary.find("operation");
  return it == summary.end() ? std::string() : it->second;
}

int64_t Snapshot::SummaryInt(std::string_view key, int64_t fallback) const {
  auto it = summary.find(std::string(key));
  if (it == summary.end()) return fallback;
  int64_t v = 0;
  return ParseInt64(it->second, &v) ? v : fallback;
}

const Schema* TableMetadata::SchemaById(int id) const {
  for (const auto& s : schemas) {
    if (s.schema_id == id) return &s;
  }
  return nullptr;
}

const Schema* TableMetadata::CurrentSchema() const { return SchemaById(current_schema_id); }

const PartitionSpec* TableMetadata::SpecById(int id) const {
  for (const auto& s : partition_specs) {
    if (s.spec_id == id) return &s;
  }
  return nullptr;
}

const PartitionSpec* TableMetadata::DefaultSpec() const { return SpecById(default_spec_id); }

const Snapshot* TableMetadata::SnapshotById(int64_t id) const {
  for (const auto& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  return current_snapshot_id ? SnapshotById(*current_snapshot_id) : nullptr;
}

Status TableMetadata::Validate() const {
  if (format_version != 2) return Status::InvalidArgument("format-version must be 2");
  if (table_uuid.empty()) return Status::InvalidArgument("table-uuid is empty");
  if (location.empty()) return Status::InvalidArgument("location is empty");
  if (CurrentSchema() == nullptr) {
    return Status::InvalidArgument("current-schema-id " + std::to_string(current_schema_id) +
                                   " is not among the schemas");
  }
  std::set<int> schema_ids;
  for (const auto& s : schemas) {
    if (!schema_ids.insert(s.schema_id).second) {
      return Status::InvalidArgument("schema id " + std::to_string(s.schema_id) + " is used twice");
    }
    if (s.HighestFieldId() > last_column_id) {
      return Status::InvalidArgument("schema " + std::to_string(s.schema_id) +
                                     " uses field ids above last-column-id");
    }
  }
  if (DefaultSpec() == nullptr) {
    return Status::InvalidArgument("default-spec-id " + std::to_string(default_spec_id) +
                                   " is not among the partition specs");
  }
  for (const auto& spec : partition_specs) {
    for (const auto& f : spec.fields) {
      if (f.field_id > last_partition_id) {
        return Status::InvalidArgument("partition field id " + std::to_string(f.field_id) +
                                       " is above last-partition-id");
      }
    }
  }
  bool has_sort_order = false;
  for (const auto& o : sort_orders) has_sort_order |= o.order_id == default_sort_order_id;
  if (!has_sort_order) {
    return Status::InvalidArgument("default-sort-order-id " +
                                   std::to_string(default_sort_order_id) +
                                   " is not among the sort orders");
  }
  std::set<int64_t> snapshot_ids;
  for (const auto& s : snapshots) {
    if (!snapshot_ids.insert(s.snapshot_id).second) {
      return Status::InvalidArgument("snapshot id " + std::to_string(s.snapshot_id) +
                                     " is used twice");
    }
    if (s.sequence_number > last_sequence_number) {
      return Status::InvalidArgument("snapshot " + std::to_string(s.snapshot_id) +
                                     " has a sequence number above last-sequence-number");
    }
  }
  if (current_snapshot_id && CurrentSnapshot() == nullptr) {
    return Status::InvalidArgument("current-snapshot-id " + std::to_string(*current_snapshot_id) +
                                   " is not among the snapshots");
  }
  for (const auto& [name, ref] : refs) {
    if (!snapshot_ids.contains(ref.snapshot_id)) {
      return Status::InvalidArgument("ref \"" + name + "\" points to a missing snapshot");
    }
    if (ref.type != "branch" && ref.type != "tag") {
      return Status::InvalidArgument("ref \"" + name + "\" has type \"" + ref.type + "\"");
    }
  }
  auto main = refs.find(std::string(kMainBranch));
  if (current_snapshot_id && (main == refs.end() || main->second.snapshot_id != *current_snapshot_id)) {
    return Status::InvalidArgument("refs.main must point to current-snapshot-id");
  }
  if (!current_snapshot_id && main != refs.end()) {
    return Status::InvalidArgument("refs.main is set but there is no current snapshot");
  }
  return Status::OK();
}

std::string MetadataToJson(const TableMetadata& m) {
  Json j;
  j["format-version"] = m.format_version;
  j["table-uuid"] = m.table_uuid;
  j["location"] = m.location;
  j["last-sequence-number"] = m.last_sequence_number;
  j["last-updated-ms"] = m.last_updated_ms;
  j["last-column-id"] = m.last_column_id;
  j["current-schema-id"] = m.current_schema_id;
  Json schemas = Json::array();
  for (const auto& s : m.schemas) schemas.push_back(internal::SchemaToJsonValue(s));
  j["schemas"] = std::move(schemas);
  j["default-spec-id"] = m.default_spec_id;
  Json specs = Json::array();
  for (const auto& s : m.partition_specs) specs.push_back(internal::SpecToJsonValue(s));
  j["partition-specs"] = std::move(specs);
  j["last-partition-id"] = m.last_partition_id;
  j["default-sort-order-id"] = m.default_sort_order_id;
  Json orders = Json::array();
  for (const auto& o : m.sort_orders) orders.push_back(SortOrderToJson(o));
  j["sort-orders"] = std::move(orders);
  Json props = Json::object();
  for (const auto& [k, v] : m.properties) props[k] = v;
  j["properties"] = std::move(props);
  j["current-snapshot-id"] = m.current_snapshot_id ? *m.current_snapshot_id : int64_t{-1};
  Json refs = Json::object();
  for (const auto& [name, ref] : m.refs) {
    Json rj;
    rj["snapshot-id"] = ref.snapshot_id;
    rj["type"] = ref.type;
    refs[name] = std::move(rj);
  }
  j["refs"] = std::move(refs);
  Json snapshots = Json::array();
  for (const auto& s : m.snapshots) snapshots.push_back(SnapshotToJson(s));
  j["snapshots"] = std::move(snapshots);
  Json slog = Json::array();
  for (const auto& e : m.snapshot_log) {
    Json ej;
    ej["timestamp-ms"] = e.timestamp_ms;
    ej["snapshot-id"] = e.snapshot_id;
    slog.push_back(std::move(ej));
  }
  j["snapshot-log"] = std::move(slog);
  Json mlog = Json::array();
  for (const auto& e : m.metadata_log) {
    Json ej;
    ej["timestamp-ms"] = e.timestamp_ms;
    ej["metadata-file"] = e.metadata_file;
    mlog.push_back(std::move(ej));
  }
  j["metadata-log"] = std::move(mlog);
  return j.dump();
}

Result<TableMetadata> ParseMetadataJson(std::string_view json) {
  return internal::CatchJson("bad table metadata JSON", [&]() -> Result<TableMetadata> {
    return MetadataFromJson(Json::parse(json));
  });
}

std::string MetadataFileName(int version, std::string_view uuid) {
  return fmt::format("{:05d}-{}.metadata.json", version, uuid);
}

int MetadataFileVersion(std::string_view path) {
  const size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (!name.ends_with(".metadata.json")) return -1;
  const size_t dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9) return -1;
  int v = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace silt::iceberg
