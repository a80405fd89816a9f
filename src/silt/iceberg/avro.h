// silt's own small Avro implementation, enough for Iceberg manifests and manifest lists: the
// binary encoding, schemas that keep Iceberg's id attributes ("field-id", "element-id",
// "key-id", "value-id"), and Object Container Files with the "null" and "deflate" codecs.
// (Avro C drops unknown schema attributes, so it cannot write Iceberg's ids.)
//
// Values are a generic tree (Value) decoded with the writer schema stored in the file; there
// is no schema resolution against a reader schema: callers look fields up by id or name in the
// writer schema instead, which is how Iceberg projects anyway.
//
// Not supported (InvalidArgument when met in a schema): enum, and codecs other than null and
// deflate.
//
// Thread safety: everything here is a value type or a pure function; distinct objects may be
// used from different threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"

namespace silt::iceberg::avro {

// ---- schemas --------------------------------------------------------------------------------

enum class Type {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;

// A record field. `field_id` is Iceberg's "field-id" attribute.
struct Field {
  std::string name;
  NodePtr type;
  std::optional<int> field_id;
  std::string doc;
  bool default_null = false;  // writes "default": null (Iceberg's optional fields)
};

// One schema node. Which members matter depends on `type`.
struct Node {
  Type type = Type::kNull;
  std::string name;              // kRecord, kFixed: the (full) name
  std::vector<Field> fields;     // kRecord
  NodePtr items;                 // kArray
  NodePtr values;                // kMap
  std::vector<NodePtr> branches; // kUnion
  size_t fixed_size = 0;         // kFixed
  // Attributes Iceberg uses; empty/absent when not present.
  std::string logical_type;      // "date", "timestamp-micros", "decimal", "uuid", "map", ...
  std::optional<int> element_id; // kArray: "element-id"
  std::optional<int> key_id;     // kMap: "key-id"
  std::optional<int> value_id;   // kMap: "value-id"
  std::optional<int> precision;  // logical decimal
  std::optional<int> scale;      // logical decimal
  std::optional<bool> adjust_to_utc;  // "adjust-to-utc" on timestamps

  // The index of the record field named `name`; -1 when there is none.
  int FieldIndex(std::string_view name) const;
  // The index of the record field whose field-id is `id`; -1 when there is none.
  int FieldIndexById(int id) const;
  // For a union ["null", T] (either order): T. Otherwise nullptr.
  NodePtr NonNullBranch() const;
};

// Convenience constructors.
NodePtr Primitive(Type type);
NodePtr Logical(Type base, std::string logical_type);
NodePtr Optional(NodePtr type);  // ["null", type]
NodePtr ArrayOf(NodePtr items, std::optional<int> element_id = std::nullopt);
NodePtr MapOf(NodePtr values, std::optional<int> key_id = std::nullopt,
              std::optional<int> value_id = std::nullopt);
NodePtr FixedOf(std::string name, size_t size);
NodePtr RecordOf(std::string name, std::vector<Field> fields);
// A required field (optional_field: type is wrapped in ["null", T] with "default": null).
Field RequiredField(std::string name, NodePtr type, std::optional<int> field_id,
                    std::string doc = "");
Field OptionalField(std::string name, NodePtr type, std::optional<int> field_id,
                    std::string doc = "");

// The schema as compact JSON. Every named type is written inline where it is used (a schema
// must not use the same name twice); primitives without attributes are plain strings.
std::string SchemaToJson(const Node& schema);

// Parses a schema. References to previously defined named types are resolved. ParseError for
// malformed JSON or schemas, InvalidArgument for unsupported types (enum).
Result<NodePtr> ParseSchema(std::string_view json);

// ---- values ---------------------------------------------------------------------------------

// A decoded (or to-be-encoded) value. Unions are transparent: a value of a union type is the
// value of the chosen branch (the encoder picks the first branch whose type matches).
class Value {
 public:
  enum class Kind { kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString, kFixed,
                    kRecord, kArray, kMap };

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Boolean(bool v);
  static Value Int(int32_t v);
  static Value Long(int64_t v);
  static Value Float(float v);
  static Value Double(double v);
  static Value Bytes(std::string v);
  static Value String(std::string v);
  static Value Fixed(std::string v);
  static Value Record(std::vector<Value> fields);  // in schema field order
  static Value Array(std::vector<Value> items);
  static Value Map(std::vector<std::string> keys, std::vector<Value> values);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool as_bool() const { return i_ != 0; }
  int32_t as_int() const { return static_cast<int32_t>(i_); }
  int64_t as_long() const { return i_; }
  float as_float() const { return static_cast<float>(d_); }
  double as_double() const { return d_; }
  // kBytes, kString, kFixed.
  const std::string& as_bytes() const { return s_; }
  // kRecord: fields in schema order; kArray: items; kMap: values (keys in map_keys()).
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& mutable_items() { return items_; }
  const std::vector<std::string>& map_keys() const { return keys_; }

  bool operator==(const Value&) const = default;

 private:
  Kind kind_ = Kind::kNull;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  std::vector<Value> items_;
  std::vector<std::string> keys_;
};

// ---- binary encoding ------------------------------------------------------------------------

// Low-level primitives (Avro spec "Binary Encoding").
void EncodeLong(int64_t v, std::string* out);  // zigzag + varint; int uses the same encoding
void EncodeFloat(float v, std::string* out);
void EncodeDouble(double v, std::string* out);
void EncodeBytes(std::string_view v, std::string* out);  // length + bytes (also strings)

// A cursor over encoded bytes. Every read fails with Corruption (naming what was being read)
// when the input ends early or is malformed.
class Decoder {
 public:
  explicit Decoder(std::string_view data) : data_(data) {}
  Result<int64_t> ReadLong();
  Result<int32_t> ReadInt();
  Result<bool> ReadBoolean();
  Result<float> ReadFloat();
  Result<double> ReadDouble();
  Result<std::string> ReadBytes();
  Result<std::string> ReadFixed(size_t n);
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Encodes `value` as `schema`. InvalidArgument when the value does not match the schema (the
// message names the record field path).
Status Encode(const Node& schema, const Value& value, std::string* out);

// Decodes one value of `schema`.
Result<Value> Decode(const Node& schema, Decoder& in);

// ---- object container files -----------------------------------------------------------------

enum class Codec { kNull, kDeflate };

struct ContainerOptions {
  Codec codec = Codec::kDeflate;
  // Extra file metadata (Iceberg's "schema", "partition-spec", ...), written after
  // avro.schema and avro.codec in the given order.
  std::vector<std::pair<std::string, std::string>> metadata;
  size_t block_bytes = 64 * 1024;  // a block is flushed once its encoded data passes this
};

// Builds one container file in memory (manifests are small).
class ContainerWriter {
 public:
  ContainerWriter(NodePtr schema, ContainerOptions options);

  // Encodes one record. InvalidArgument when it does not match the schema (nothing appended).
  Status Append(const Value& value);

  // The whole file. The writer must not be used afterwards.
  Result<std::string> Finish();

 private:
  Status FlushBlock();

  NodePtr schema_;
  ContainerOptions options_;
  std::string out_;
  std::string block_;
  int64_t block_count_ = 0;
  std::string sync_;
};

struct ContainerFile {
  NodePtr schema;                             // the writer schema from avro.schema
  std::map<std::string, std::string> metadata;  // every header key, including avro.*
  std::vector<Value> records;
};

// Reads a whole container file. Corruption for a bad magic, sync marker or block; ParseError
// for a bad schema; InvalidArgument for an unsupported codec.
Result<ContainerFile> ReadContainer(std::string_view bytes);

}  // namespace silt::iceberg::avro
