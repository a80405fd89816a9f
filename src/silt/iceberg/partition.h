// Partition specs (spec "Partitioning", Appendix C JSON) and partition paths.
//
// Thread safety: value types and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/iceberg/literal.h"
#include "silt/iceberg/schema.h"
#include "silt/iceberg/transforms.h"

namespace silt::iceberg {

// Partition field ids start at 1000; an unpartitioned table's last-partition-id is 999.
inline constexpr int kFirstPartitionFieldId = 1000;

struct PartitionField {
  int source_id = 0;
  int field_id = 0;
  std::string name;
  Transform transform;

  bool operator==(const PartitionField&) const = default;
};

struct PartitionSpec {
  int spec_id = 0;
  std::vector<PartitionField> fields;

  bool is_unpartitioned() const { return fields.empty(); }
  bool operator==(const PartitionSpec&) const = default;

  // The partition tuple type: per partition field, an optional field with the partition
  // field id, its name and the transform's result type. InvalidArgument when a source id is
  // missing from `schema` or the transform does not apply to it.
  Result<std::vector<NestedField>> PartitionType(const Schema& schema) const;

  // OK when PartitionType succeeds and names and field ids are unique.
  Status Validate(const Schema& schema) const;

  // The partition tuple of a row whose source values are given by `source_value(source_id)`.
  template <typename F>
  Result<std::vector<Literal>> Partition(F&& source_value) const {
    std::vector<Literal> out;
    for (const auto& f : fields) {
      SILT_ASSIGN_OR_RETURN(Literal p, f.transform.Apply(source_value(f.source_id)));
      out.push_back(std::move(p));
    }
    return out;
  }

  // "ts_day=2017-11-16/event=click": name=human value per field, both URL-escaped; "" when
  // unpartitioned. REQUIRES values.size() == fields.size().
  std::string PartitionPath(const std::vector<Literal>& values) const;
};

// One requested partition field: a source column (top-level or dotted name), a transform
// and optionally a name (default: Transform::DefaultName).
struct PartitionFieldRequest {
  std::string source_name;
  Transform transform;
  std::string name;
};

// Builds a spec with id `spec_id`; new field ids continue from *last_partition_id (which
// starts at kFirstPartitionFieldId - 1 for a new table) and *last_partition_id is advanced.
// InvalidArgument for an unknown source column, a transform that does not apply, or a
// duplicate name.
Result<PartitionSpec> BuildPartitionSpec(const Schema& schema,
                                         const std::vector<PartitionFieldRequest>& fields,
                                         int spec_id, int* last_partition_id);

// Spec JSON ({"spec-id":0,"fields":[{"source-id":3,"field-id":1000,"name":"ts_day",
// "transform":"day"}]}) and back. ParseError for malformed JSON or unknown transforms.
std::string PartitionSpecToJson(const PartitionSpec& spec);
Result<PartitionSpec> ParsePartitionSpecJson(std::string_view json);

}  // namespace silt::iceberg
