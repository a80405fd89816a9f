#include "silt/iceberg/partition.h"

#include <set>

#include "silt/iceberg/json_internal.h"

namespace silt::iceberg {

using internal::Json;

Result<std::vector<NestedField>> PartitionSpec::PartitionType(const Schema& schema) const {
  std::vector<NestedField> out;
  for (const auto& f : fields) {
    const NestedField* source = schema.FindField(f.source_id);
    if (source == nullptr) {
      return Status::InvalidArgument("partition field \"" + f.name + "\" refers to column id " +
                                     std::to_string(f.source_id) + ", which is not in the schema");
    }
    auto result = f.transform.ResultType(source->type);
    if (!result.ok()) return result.status().WithContext("partition field \"" + f.name + "\"");
    out.push_back(NestedField{f.field_id, f.name, false, *result, ""});
  }
  return out;
}

Status PartitionSpec::Validate(const Schema& schema) const {
  SILT_ASSIGN_OR_RETURN(auto type, PartitionType(schema));
  std::set<std::string_view> names;
  std::set<int> ids;
  for (const auto& f : fields) {
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("two partition fields are named \"" + f.name + "\"");
    }
    if (!ids.insert(f.field_id).second) {
      return Status::InvalidArgument("partition field id " + std::to_string(f.field_id) +
                                     " is used twice");
    }
  }
  return Status::OK();
}

std::string PartitionSpec::PartitionPath(const std::vector<Literal>& values) const {
  std::string out;
  for (size_t i = 0; i < fields.size() && i < values.size(); ++i) {
    if (i) out += '/';
    out += UrlEncodeComponent(fields[i].name);
    out += '=';
    out += UrlEncodeComponent(fields[i].transform.ToHumanString(values[i]));
  }
  return out;
}

Result<PartitionSpec> BuildPartitionSpec(const Schema& schema,
                                         const std::vector<PartitionFieldRequest>& requests,
                                         int spec_id, int* last_partition_id) {
  PartitionSpec spec;
  spec.spec_id = spec_id;
  int next = std::max(*last_partition_id, kFirstPartitionFieldId - 1);
  for (const auto& r : requests) {
    const NestedField* source = schema.FindFieldByName(r.source_name);
    if (source == nullptr) {
      return Status::InvalidArgument("cannot partition by \"" + r.source_name +
                                     "\": no such column");
    }
    PartitionField f;
    f.source_id = source->id;
    f.field_id = ++next;
    f.transform = r.transform;
    f.name = r.name.empty() ? r.transform.DefaultName(r.source_name) : r.name;
    spec.fields.push_back(std::move(f));
  }
  SILT_RETURN_IF_ERROR(spec.Validate(schema));
  *last_partition_id = next;
  return spec;
}

namespace internal {

Json SpecFieldsToJsonValue(const PartitionSpec& spec) {
  Json fields = Json::array();
  for (const auto& f : spec.fields) {
    Json fj;
    fj["name"] = f.name;
    fj["transform"] = f.transform.ToString();
    fj["source-id"] = f.source_id;
    fj["field-id"] = f.field_id;
    fields.push_back(std::move(fj));
  }
  return fields;
}

Json SpecToJsonValue(const PartitionSpec& spec) {
  Json j;
  j["spec-id"] = spec.spec_id;
  j["fields"] = SpecFieldsToJsonValue(spec);
  return j;
}

Result<PartitionSpec> SpecFromJsonValue(const Json& j) {
  PartitionSpec spec;
  spec.spec_id = j.at("spec-id").get<int>();
  for (const Json& fj : j.at("fields")) {
    PartitionField f;
    f.source_id = fj.at("source-id").get<int>();
    f.field_id = fj.at("field-id").get<int>();
    f.name = fj.at("name").get<std::string>();
    auto t = Transform::Parse(fj.at("transform").get<std::string>());
    if (!t.ok()) return Status::ParseError(t.status().message());
    f.transform = *t;
    spec.fields.push_back(std::move(f));
  }
  return spec;
}

}  // namespace internal

std::string PartitionSpecToJson(const PartitionSpec& spec) {
  return internal::SpecToJsonValue(spec).dump();
}

Result<PartitionSpec> ParsePartitionSpecJson(std::string_view json) {
  return internal::CatchJson("bad partition spec JSON", [&]() -> Result<PartitionSpec> {
    return internal::SpecFromJsonValue(Json::parse(json));
  });
}

}  // namespace silt::iceberg
