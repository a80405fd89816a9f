// Internal to silt_iceberg: the nlohmann::json forms of schemas, partition specs and sort
// orders, shared by schema.cc, partition.cc, metadata.cc and manifest.cc. The *FromJson
// functions may throw nlohmann::json::exception on wrongly typed members; every public entry
// point catches them and returns ParseError.
#pragma once

#include <nlohmann/json.hpp>

#include "silt/iceberg/partition.h"
#include "silt/iceberg/schema.h"

namespace silt::iceberg::internal {

using Json = nlohmann::ordered_json;

Json SchemaToJsonValue(const Schema& schema);
Result<Schema> SchemaFromJsonValue(const Json& j);

// The spec object {"spec-id":N,"fields":[...]}, or only its fields array.
Json SpecToJsonValue(const PartitionSpec& spec);
Json SpecFieldsToJsonValue(const PartitionSpec& spec);
Result<PartitionSpec> SpecFromJsonValue(const Json& j);

// Wraps a parse that may throw: the exception becomes ParseError("<what>: ...").
template <typename F>
auto CatchJson(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const nlohmann::json::exception& e) {
    return Status::ParseError(std::string(what) + ": " + e.what());
  }
}

}  // namespace silt::iceberg::internal
