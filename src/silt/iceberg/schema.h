// Iceberg types and schemas (spec "Schemas and Data Types", Appendix C JSON serialization), and
// the schema evolution silt performs: add an optional column, widen a type, rename.
//
// Types are immutable and shared (TypePtr); schemas are value types. Thread safety: immutable
// values, safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"

namespace silt::iceberg {

enum class TypeId {
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kString,
  kUuid,
  kFixed,
  kBinary,
  kStruct,
  kList,
  kMap,
};

struct Type;
using TypePtr = std::shared_ptr<const Type>;

// A struct field, list element or map key/value: an id, a name, required or optional, a type.
struct NestedField {
  int id = 0;
  std::string name;
  bool required = false;
  TypePtr type;
  std::string doc;
};

struct Type {
  TypeId id = TypeId::kBoolean;
  int precision = 0;  // kDecimal
  int scale = 0;      // kDecimal
  int length = 0;     // kFixed
  std::vector<NestedField> fields;  // kStruct
  // kList: element (name "element"); kMap: key (always required) and value.
  NestedField element, key, value;

  bool is_primitive() const { return id < TypeId::kStruct; }
  bool is_nested() const { return !is_primitive(); }
  // "int", "decimal(9,2)", "fixed[16]", "struct<...>", "list<...>", "map<...>".
  std::string ToString() const;
  bool Equals(const Type& other) const;

  static TypePtr Boolean();
  static TypePtr Int();
  static TypePtr Long();
  static TypePtr Float();
  static TypePtr Double();
  static TypePtr Decimal(int precision, int scale);
  static TypePtr Date();
  static TypePtr Time();
  static TypePtr Timestamp();
  static TypePtr TimestampTz();
  static TypePtr String();
  static TypePtr Uuid();
  static TypePtr Fixed(int length);
  static TypePtr Binary();
  static TypePtr Struct(std::vector<NestedField> fields);
  static TypePtr List(int element_id, bool element_required, TypePtr element);
  static TypePtr Map(int key_id, TypePtr key, int value_id, bool value_required, TypePtr value);
};

// Parses a primitive type string ("long", "decimal(10, 2)", "fixed[16]"). InvalidArgument
// naming the text for anything else.
Result<TypePtr> ParsePrimitiveType(std::string_view text);

// The bytes an Iceberg decimal of this precision needs as a fixed (Java's decimalRequiredBytes).
int DecimalRequiredBytes(int precision);

struct Schema {
  int schema_id = 0;
  std::vector<NestedField> fields;
  std::vector<int> identifier_field_ids;

  // The field with `id` anywhere in the schema (struct fields, list elements, map keys and
  // values); nullptr when there is none. The pointer is valid while the schema is unchanged.
  const NestedField* FindField(int id) const;
  // A field by name: a top-level name, or a dotted path through structs ("req.host");
  // nullptr when there is none. Exact, case-sensitive match.
  const NestedField* FindFieldByName(std::string_view name) const;
  // The highest field id used anywhere in the schema (0 for an empty schema).
  int HighestFieldId() const;
  // OK when ids are unique and positive, names unique within each struct, identifier fields
  // valid (required, primitive, not float/double, not inside a list/map or optional struct).
  // InvalidArgument naming the problem otherwise.
  Status Validate() const;
};

// Schema JSON as in Appendix C ({"type":"struct","schema-id":0,"fields":[...]}), compact.
std::string SchemaToJson(const Schema& schema);
// Parses schema JSON (as written by any Iceberg implementation). ParseError for malformed
// JSON or types; the result is Validate()d.
Result<Schema> ParseSchemaJson(std::string_view json);

// ---- evolution ----
// Each returns a new schema with `new_schema_id`; the input is unchanged. Errors are
// InvalidArgument naming the column.

// Adds an optional top-level column. Its id is *last_column_id + 1; ids inside a nested type
// are reassigned after it; *last_column_id is advanced past every id used. Adding a required
// column is refused (v2 has no default values), as is a duplicate name.
Result<Schema> AddColumn(const Schema& schema, int* last_column_id, std::string_view name,
                         TypePtr type, std::string doc, int new_schema_id);

// Widens a column (top-level or dotted path): int -> long, float -> double, decimal(P,S) ->
// decimal(P',S) with P' > P. Anything else (narrowing, changing the kind) is refused.
Result<Schema> WidenColumn(const Schema& schema, std::string_view name, TypePtr new_type,
                           int new_schema_id);

// Renames a column (top-level or dotted path); the id stays, so data files need no rewrite.
// Refused when a sibling already has the new name or the new name is empty or has a '.'.
Result<Schema> RenameColumn(const Schema& schema, std::string_view name,
                            std::string_view new_name, int new_schema_id);

// True when a value of type `from` may be read as `to` (the promotions WidenColumn allows,
// or equal types).
bool CanPromote(const Type& from, const Type& to);

}  // namespace silt::iceberg
