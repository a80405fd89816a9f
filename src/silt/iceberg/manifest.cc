#include "silt/iceberg/manifest.h"

#include <cmath>
#include <set>

#include "silt/common/strings.h"
#include "silt/iceberg/json_internal.h"

namespace silt::iceberg {
namespace {

using avro::Field;
using avro::NodePtr;
using AT = avro::Type;
using avro::Value;

NodePtr Int() { return avro::Primitive(AT::kInt); }
NodePtr Long() { return avro::Primitive(AT::kLong); }
NodePtr Str() { return avro::Primitive(AT::kString); }
NodePtr Bytes() { return avro::Primitive(AT::kBytes); }
NodePtr Bool() { return avro::Primitive(AT::kBoolean); }

// Java's AvroSchemaUtil.createMap: an array of k<key>_v<value> records, logicalType map.
NodePtr IntKeyMap(int key_id, NodePtr value_type, int value_id) {
  auto record = avro::RecordOf(
      "k" + std::to_string(key_id) + "_v" + std::to_string(value_id),
      {avro::RequiredField("key", Int(), key_id), avro::RequiredField("value", value_type, value_id)});
  auto array = std::make_shared<avro::Node>(*avro::ArrayOf(record));
  array->logical_type = "map";
  return array;
}

// ---- Literal <-> Avro value ----

Result<Value> LiteralToAvro(const Literal& v, const iceberg::Type& type) {
  if (v.is_null()) return Value::Null();
  switch (type.id) {
    case TypeId::kBoolean: return Value::Boolean(v.as_bool());
    case TypeId::kInt:
    case TypeId::kDate: return Value::Int(v.as_int());
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Value::Long(v.as_long());
    case TypeId::kFloat: return Value::Float(v.as_float());
    case TypeId::kDouble: return Value::Double(v.as_double());
    case TypeId::kString: return Value::String(v.as_bytes());
    case TypeId::kBinary: return Value::Bytes(v.as_bytes());
    case TypeId::kUuid:
    case TypeId::kFixed: return Value::Fixed(v.as_bytes());
    case TypeId::kDecimal: {
      std::string minimal = DecimalToBytes(v.as_unscaled());
      const size_t size = static_cast<size_t>(DecimalRequiredBytes(type.precision));
      if (minimal.size() > size) {
        return Status::InvalidArgument("decimal value does not fit " + type.ToString());
      }
      const char fill = (static_cast<uint8_t>(minimal[0]) & 0x80) ? '\xff' : '\0';
      return Value::Fixed(std::string(size - minimal.size(), fill) + minimal);
    }
    default: return Status::InvalidArgument("nested partition values are not supported");
  }
}

Result<Literal> LiteralFromAvro(const Value& v, const TypePtr& type) {
  using K = Value::Kind;
  if (v.is_null()) return Literal::Null(type);
  auto bad = [&]() {
    return Status::Corruption("partition value does not match its type " + type->ToString());
  };
  switch (type->id) {
    case TypeId::kBoolean:
      if (v.kind() != K::kBoolean) return bad();
      return Literal::Boolean(v.as_bool());
    case TypeId::kInt:
    case TypeId::kDate:
      if (v.kind() != K::kInt) return bad();
      return Literal::OfInt64(type, v.as_int());
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (v.kind() != K::kLong) return bad();
      return Literal::OfInt64(type, v.as_long());
    case TypeId::kFloat:
      if (v.kind() != K::kFloat) return bad();
      return Literal::Float(v.as_float());
    case TypeId::kDouble:
      if (v.kind() != K::kDouble) return bad();
      return Literal::Double(v.as_double());
    case TypeId::kString:
      if (v.kind() != K::kString) return bad();
      return Literal::String(v.as_bytes());
    case TypeId::kBinary:
      if (v.kind() != K::kBytes) return bad();
      return Literal::Binary(v.as_bytes());
    case TypeId::kUuid:
      if (v.kind() == K::kString) {  // the string/uuid form
        SILT_ASSIGN_OR_RETURN(std::string b, UuidFromString(v.as_bytes()));
        return Literal::Uuid(std::move(b));
      }
      if (v.kind() != K::kFixed || v.as_bytes().size() != 16) return bad();
      return Literal::Uuid(v.as_bytes());
    case TypeId::kFixed:
      if (v.kind() != K::kFixed) return bad();
      return Literal::Fixed(v.as_bytes());
    case TypeId::kDecimal:
      if ((v.kind() != K::kFixed && v.kind() != K::kBytes) || v.as_bytes().empty() ||
          v.as_bytes().size() > 16) {
        return bad();
      }
      return Literal::Decimal(DecimalFromBytes(v.as_bytes()), type->precision, type->scale);
    default: return bad();
  }
}

// ---- reading records by field id ----

// A decoded record with its writer schema.
class RecordView {
 public:
  RecordView(const avro::Node& schema, const Value& value, std::string what)
      : schema_(schema), value_(value), what_(std::move(what)) {}

  // The field's value (null for a null union branch) and its non-null type; nullptr value
  // when the writer schema has no such field.
  const Value* Find(int id, const avro::Node** type = nullptr) const {
    const int idx = schema_.FieldIndexById(id);
    if (idx < 0 || static_cast<size_t>(idx) >= value_.items().size()) return nullptr;
    if (type) {
      const avro::Node& t = *schema_.fields[static_cast<size_t>(idx)].type;
      NodePtr nn = t.NonNullBranch();
      *type = nn ? nn.get() : &t;
    }
    return &value_.items()[static_cast<size_t>(idx)];
  }

  Result<const Value*> Require(int id, const char* name, Value::Kind kind,
                               const avro::Node** type = nullptr) const {
    const Value* v = Find(id, type);
    if (v == nullptr || v->is_null()) {
      return Status::Corruption(what_ + " has no " + name + " (field id " + std::to_string(id) + ")");
    }
    if (v->kind() != kind) {
      return Status::Corruption(what_ + " field " + name + " has the wrong type");
    }
    return v;
  }

  Result<int64_t> RequireLong(int id, const char* name) const {
    SILT_ASSIGN_OR_RETURN(const Value* v, Require(id, name, Value::Kind::kLong));
    return v->as_long();
  }
  Result<int32_t> RequireInt(int id, const char* name) const {
    SILT_ASSIGN_OR_RETURN(const Value* v, Require(id, name, Value::Kind::kInt));
    return v->as_int();
  }
  Result<std::string> RequireString(int id, const char* name) const {
    SILT_ASSIGN_OR_RETURN(const Value* v, Require(id, name, Value::Kind::kString));
    return v->as_bytes();
  }
  // Optional scalar fields: nullopt when absent or null; Corruption when mistyped.
  Result<std::optional<int64_t>> OptionalInteger(int id) const {
    const Value* v = Find(id);
    if (v == nullptr || v->is_null()) return std::optional<int64_t>();
    if (v->kind() != Value::Kind::kLong && v->kind() != Value::Kind::kInt) {
      return Status::Corruption(what_ + " field " + std::to_string(id) + " has the wrong type");
    }
    return std::optional<int64_t>(v->as_long());
  }
  Result<std::optional<std::string>> OptionalBytes(int id) const {
    const Value* v = Find(id);
    if (v == nullptr || v->is_null()) return std::optional<std::string>();
    if (v->kind() != Value::Kind::kBytes && v->kind() != Value::Kind::kString &&
        v->kind() != Value::Kind::kFixed) {
      return Status::Corruption(what_ + " field " + std::to_string(id) + " has the wrong type");
    }
    return std::optional<std::string>(v->as_bytes());
  }

  const std::string& what() const { return what_; }

 private:
  const avro::Node& schema_;
  const Value& value_;
  std::string what_;
};

// Reads an int-keyed metric map (array of key/value records; an Avro map with numeric string
// keys is accepted too).
template <typename V, typename Convert>
Status ReadIntMap(const RecordView& rec, int id, std::map<int, V>* out, Convert convert) {
  const avro::Node* type = nullptr;
  const Value* v = rec.Find(id, &type);
  if (v == nullptr || v->is_null()) return Status::OK();
  if (v->kind() == Value::Kind::kArray && type->items && type->items->type == AT::kRecord) {
    const avro::Node& kv = *type->items;
    const int ki = kv.FieldIndex("key"), vi = kv.FieldIndex("value");
    if (ki < 0 || vi < 0) return Status::Corruption(rec.what() + " map has no key/value");
    for (const Value& item : v->items()) {
      const Value& key = item.items()[static_cast<size_t>(ki)];
      const Value& val = item.items()[static_cast<size_t>(vi)];
      if (key.kind() != Value::Kind::kInt) return Status::Corruption(rec.what() + " map key is not an int");
      SILT_ASSIGN_OR_RETURN(V converted, convert(val));
      (*out)[key.as_int()] = std::move(converted);
    }
    return Status::OK();
  }
  if (v->kind() == Value::Kind::kMap) {
    for (size_t i = 0; i < v->items().size(); ++i) {
      SILT_ASSIGN_OR_RETURN(V converted, convert(v->items()[i]));
      int64_t key = 0;
      if (!ParseInt64(v->map_keys()[i], &key) || key < INT32_MIN || key > INT32_MAX) {
        return Status::Corruption(rec.what() + " map key is not a field id: " + v->map_keys()[i]);
      }
      (*out)[static_cast<int>(key)] = std::move(converted);
    }
    return Status::OK();
  }
  return Status::Corruption(rec.what() + " field " + std::to_string(id) + " is not a map");
}

Result<int64_t> LongOf(const Value& v) {
  if (v.kind() != Value::Kind::kLong && v.kind() != Value::Kind::kInt) {
    return Status::Corruption("metric value is not a long");
  }
  return v.as_long();
}

Result<std::string> BytesOf(const Value& v) {
  if (v.kind() != Value::Kind::kBytes) return Status::Corruption("bound is not bytes");
  return v.as_bytes();
}

template <typename T>
Status ReadList(const RecordView& rec, int id, std::vector<T>* out) {
  const Value* v = rec.Find(id);
  if (v == nullptr || v->is_null()) return Status::OK();
  if (v->kind() != Value::Kind::kArray) return Status::Corruption(rec.what() + " list is not an array");
  for (const Value& item : v->items()) {
    if (item.kind() != Value::Kind::kLong && item.kind() != Value::Kind::kInt) {
      return Status::Corruption(rec.what() + " list item is not an integer");
    }
    out->push_back(static_cast<T>(item.as_long()));
  }
  return Status::OK();
}

Value IntLongMapValue(const std::map<int, int64_t>& m) {
  if (m.empty()) return Value::Null();
  std::vector<Value> items;
  for (const auto& [k, v] : m) items.push_back(Value::Record({Value::Int(k), Value::Long(v)}));
  return Value::Array(std::move(items));
}

Value IntBytesMapValue(const std::map<int, std::string>& m) {
  if (m.empty()) return Value::Null();
  std::vector<Value> items;
  for (const auto& [k, v] : m) items.push_back(Value::Record({Value::Int(k), Value::Bytes(v)}));
  return Value::Array(std::move(items));
}

template <typename T>
Value OptionalLong(const std::optional<T>& v) {
  return v ? Value::Long(*v) : Value::Null();
}

std::string ContentName(ManifestContent c) { return c == ManifestContent::kData ? "data" : "deletes"; }

}  // namespace

// ---- schemas ----

Result<avro::NodePtr> AvroTypeFor(const iceberg::Type& type, std::string fixed_name) {
  switch (type.id) {
    case TypeId::kBoolean: return Bool();
    case TypeId::kInt: return Int();
    case TypeId::kLong: return Long();
    case TypeId::kFloat: return avro::Primitive(AT::kFloat);
    case TypeId::kDouble: return avro::Primitive(AT::kDouble);
    case TypeId::kString: return Str();
    case TypeId::kBinary: return Bytes();
    case TypeId::kDate: return avro::Logical(AT::kInt, "date");
    case TypeId::kTime: return avro::Logical(AT::kLong, "time-micros");
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      auto n = std::make_shared<avro::Node>(*avro::Logical(AT::kLong, "timestamp-micros"));
      n->adjust_to_utc = type.id == TypeId::kTimestampTz;
      return NodePtr(n);
    }
    case TypeId::kDecimal: {
      auto n = std::make_shared<avro::Node>(
          *avro::FixedOf(std::move(fixed_name), static_cast<size_t>(DecimalRequiredBytes(type.precision))));
      n->logical_type = "decimal";
      n->precision = type.precision;
      n->scale = type.scale;
      return NodePtr(n);
    }
    case TypeId::kUuid: {
      auto n = std::make_shared<avro::Node>(*avro::FixedOf(std::move(fixed_name), 16));
      n->logical_type = "uuid";
      return NodePtr(n);
    }
    case TypeId::kFixed:
      return avro::FixedOf(std::move(fixed_name), static_cast<size_t>(type.length));
    default:
      return Status::InvalidArgument("no Avro partition type for " + type.ToString());
  }
}

Result<TypePtr> IcebergTypeFromAvro(const avro::Node& n) {
  const std::string& lt = n.logical_type;
  switch (n.type) {
    case AT::kBoolean: return iceberg::Type::Boolean();
    case AT::kInt: return lt == "date" ? iceberg::Type::Date() : iceberg::Type::Int();
    case AT::kLong:
      if (lt == "time-micros") return iceberg::Type::Time();
      if (lt == "timestamp-micros") {
        return n.adjust_to_utc.value_or(false) ? iceberg::Type::TimestampTz()
                                               : iceberg::Type::Timestamp();
      }
      return iceberg::Type::Long();
    case AT::kFloat: return iceberg::Type::Float();
    case AT::kDouble: return iceberg::Type::Double();
    case AT::kString: return lt == "uuid" ? iceberg::Type::Uuid() : iceberg::Type::String();
    case AT::kBytes:
      if (lt == "decimal" && n.precision) {
        return iceberg::Type::Decimal(*n.precision, n.scale.value_or(0));
      }
      return iceberg::Type::Binary();
    case AT::kFixed:
      if (lt == "decimal" && n.precision) {
        return iceberg::Type::Decimal(*n.precision, n.scale.value_or(0));
      }
      if (lt == "uuid" && n.fixed_size == 16) return iceberg::Type::Uuid();
      return iceberg::Type::Fixed(static_cast<int>(n.fixed_size));
    default:
      return Status::InvalidArgument("Avro type has no Iceberg primitive");
  }
}

Result<avro::NodePtr> ManifestEntryAvroSchema(const std::vector<NestedField>& partition_type) {
  std::vector<Field> partition_fields;
  std::set<std::string> fixed_names;
  for (const auto& f : partition_type) {
    // Java's names for fixed types; a name used twice gets the field id appended (a schema
    // must define each name once, and readers such as icebird resolve no references).
    std::string name;
    if (f.type->id == TypeId::kDecimal) {
      name = "decimal_" + std::to_string(f.type->precision) + "_" + std::to_string(f.type->scale);
    } else if (f.type->id == TypeId::kUuid) {
      name = "uuid_fixed";
    } else if (f.type->id == TypeId::kFixed) {
      name = "fixed_" + std::to_string(f.type->length);
    }
    if (!name.empty() && !fixed_names.insert(name).second) name += "_" + std::to_string(f.id);
    SILT_ASSIGN_OR_RETURN(NodePtr t, AvroTypeFor(*f.type, name));
    partition_fields.push_back(avro::OptionalField(f.name, t, f.id));
  }
  auto data_file = avro::RecordOf(
      "r2",
      {avro::RequiredField("content", Int(), 134,
                           "Contents of the file: 0=data, 1=position deletes, 2=equality deletes"),
       avro::RequiredField("file_path", Str(), 100, "Location URI with FS scheme"),
       avro::RequiredField("file_format", Str(), 101, "File format name: avro, orc, or parquet"),
       avro::RequiredField("partition", avro::RecordOf("r102", std::move(partition_fields)), 102,
                           "Partition data tuple, schema based on the partition spec"),
       avro::RequiredField("record_count", Long(), 103, "Number of records in the file"),
       avro::RequiredField("file_size_in_bytes", Long(), 104, "Total file size in bytes"),
       avro::OptionalField("column_sizes", IntKeyMap(117, Long(), 118), 108,
                           "Map of column id to total size on disk"),
       avro::OptionalField("value_counts", IntKeyMap(119, Long(), 120), 109,
                           "Map of column id to total count, including null and NaN"),
       avro::OptionalField("null_value_counts", IntKeyMap(121, Long(), 122), 110,
                           "Map of column id to null value count"),
       avro::OptionalField("nan_value_counts", IntKeyMap(138, Long(), 139), 137,
                           "Map of column id to number of NaN values in the column"),
       avro::OptionalField("lower_bounds", IntKeyMap(126, Bytes(), 127), 125,
                           "Map of column id to lower bound"),
       avro::OptionalField("upper_bounds", IntKeyMap(129, Bytes(), 130), 128,
                           "Map of column id to upper bound"),
       avro::OptionalField("key_metadata", Bytes(), 131, "Encryption key metadata blob"),
       avro::OptionalField("split_offsets", avro::ArrayOf(Long(), 133), 132, "Splittable offsets"),
       avro::OptionalField("equality_ids", avro::ArrayOf(Int(), 136), 135,
                           "Equality comparison field IDs"),
       avro::OptionalField("sort_order_id", Int(), 140, "Sort order ID"),
       avro::OptionalField("referenced_data_file", Str(), 143,
                           "Fully qualified location (URI with FS scheme) of a data file that all "
                           "deletes reference")});
  return avro::RecordOf("manifest_entry",
                        {avro::RequiredField("status", Int(), 0),
                         avro::OptionalField("snapshot_id", Long(), 1),
                         avro::OptionalField("sequence_number", Long(), 3),
                         avro::OptionalField("file_sequence_number", Long(), 4),
                         avro::RequiredField("data_file", data_file, 2)});
}

avro::NodePtr ManifestListAvroSchema() {
  auto summary = avro::RecordOf(
      "r508",
      {avro::RequiredField("contains_null", Bool(), 509,
                           "True if any file has a null partition value"),
       avro::OptionalField("contains_nan", Bool(), 518, "True if any file has a nan partition value"),
       avro::OptionalField("lower_bound", Bytes(), 510, "Partition lower bound for all files"),
       avro::OptionalField("upper_bound", Bytes(), 511, "Partition upper bound for all files")});
  return avro::RecordOf(
      "manifest_file",
      {avro::RequiredField("manifest_path", Str(), 500, "Location URI with FS scheme"),
       avro::RequiredField("manifest_length", Long(), 501, "Total file size in bytes"),
       avro::RequiredField("partition_spec_id", Int(), 502, "Spec ID used to write"),
       avro::RequiredField("content", Int(), 517, "Contents of the manifest: 0=data, 1=deletes"),
       avro::RequiredField("sequence_number", Long(), 515,
                           "Sequence number when the manifest was added"),
       avro::RequiredField("min_sequence_number", Long(), 516,
                           "Lowest sequence number in the manifest"),
       avro::RequiredField("added_snapshot_id", Long(), 503, "Snapshot ID that added the manifest"),
       avro::RequiredField("added_files_count", Int(), 504, "Added entry count"),
       avro::RequiredField("existing_files_count", Int(), 505, "Existing entry count"),
       avro::RequiredField("deleted_files_count", Int(), 506, "Deleted entry count"),
       avro::RequiredField("added_rows_count", Long(), 512, "Added rows count"),
       avro::RequiredField("existing_rows_count", Long(), 513, "Existing rows count"),
       avro::RequiredField("deleted_rows_count", Long(), 514, "Deleted rows count"),
       avro::OptionalField("partitions", avro::ArrayOf(summary, 508), 507,
                           "Summary for each partition"),
       avro::OptionalField("key_metadata", Bytes(), 519, "Encryption key metadata blob")});
}

// ---- manifest writing ----

Result<ManifestWriter> ManifestWriter::Make(const Schema& schema, const PartitionSpec& spec,
                                            ManifestContent content, int64_t snapshot_id,
                                            int64_t sequence_number, avro::Codec codec) {
  ManifestWriter w;
  SILT_ASSIGN_OR_RETURN(w.partition_type_, spec.PartitionType(schema));
  SILT_ASSIGN_OR_RETURN(w.avro_schema_, ManifestEntryAvroSchema(w.partition_type_));
  avro::ContainerOptions options;
  options.codec = codec;
  options.metadata = {{"schema", SchemaToJson(schema)},
                      {"schema-id", std::to_string(schema.schema_id)},
                      {"partition-spec", internal::SpecFieldsToJsonValue(spec).dump()},
                      {"partition-spec-id", std::to_string(spec.spec_id)},
                      {"format-version", "2"},
                      {"content", ContentName(content)}};
  w.writer_ = std::make_unique<avro::ContainerWriter>(w.avro_schema_, std::move(options));
  w.info_.partition_spec_id = spec.spec_id;
  w.info_.content = content;
  w.info_.sequence_number = sequence_number;
  w.info_.added_snapshot_id = snapshot_id;
  w.summaries_.resize(w.partition_type_.size());
  return w;
}

Status ManifestWriter::Add(const ManifestEntry& in) {
  if (!writer_) return Status::Internal("ManifestWriter used after Finish");
  ManifestEntry e = in;
  const DataFile& f = e.data_file;
  const std::string what = "manifest entry for " + f.file_path;
  const bool is_data = f.content == FileContent::kData;
  if (is_data != (info_.content == ManifestContent::kData)) {
    return Status::InvalidArgument(what + ": data and delete files go to separate manifests");
  }
  if (e.status == EntryStatus::kAdded) {
    if (!e.snapshot_id) e.snapshot_id = info_.added_snapshot_id;
  } else if (!e.snapshot_id || !e.sequence_number || !e.file_sequence_number) {
    return Status::InvalidArgument(what +
                                   ": existing and deleted entries need snapshot_id, "
                                   "sequence_number and file_sequence_number");
  }
  if (f.partition.size() != partition_type_.size()) {
    return Status::InvalidArgument(what + ": partition tuple has " +
                                   std::to_string(f.partition.size()) + " values, the spec " +
                                   std::to_string(partition_type_.size()));
  }
  std::vector<Value> partition;
  for (size_t i = 0; i < partition_type_.size(); ++i) {
    const Literal& p = f.partition[i];
    const iceberg::Type& t = *partition_type_[i].type;
    if (!p.is_null() && !p.type()->Equals(t)) {
      return Status::InvalidArgument(what + ": partition value " + partition_type_[i].name +
                                     " has type " + p.type()->ToString() + ", the spec needs " +
                                     t.ToString());
    }
    SILT_ASSIGN_OR_RETURN(Value v, LiteralToAvro(p, t));
    partition.push_back(std::move(v));
  }
  std::vector<Value> ints;
  Value equality_ids = Value::Null();
  if (!f.equality_ids.empty()) {
    for (int id : f.equality_ids) ints.push_back(Value::Int(id));
    equality_ids = Value::Array(std::move(ints));
  }
  Value split_offsets = Value::Null();
  if (!f.split_offsets.empty()) {
    std::vector<Value> longs;
    for (int64_t o : f.split_offsets) longs.push_back(Value::Long(o));
    split_offsets = Value::Array(std::move(longs));
  }
  Value data_file = Value::Record({
      Value::Int(static_cast<int32_t>(f.content)),
      Value::String(f.file_path),
      Value::String(f.file_format),
      Value::Record(std::move(partition)),
      Value::Long(f.record_count),
      Value::Long(f.file_size_in_bytes),
      IntLongMapValue(f.column_sizes),
      IntLongMapValue(f.value_counts),
      IntLongMapValue(f.null_value_counts),
      IntLongMapValue(f.nan_value_counts),
      IntBytesMapValue(f.lower_bounds),
      IntBytesMapValue(f.upper_bounds),
      f.key_metadata ? Value::Bytes(*f.key_metadata) : Value::Null(),
      std::move(split_offsets),
      std::move(equality_ids),
      f.sort_order_id ? Value::Int(*f.sort_order_id) : Value::Null(),
      f.referenced_data_file ? Value::String(*f.referenced_data_file) : Value::Null(),
  });
  Value record = Value::Record({Value::Int(static_cast<int32_t>(e.status)), OptionalLong(e.snapshot_id),
                                OptionalLong(e.sequence_number),
                                OptionalLong(e.file_sequence_number), std::move(data_file)});
  SILT_RETURN_IF_ERROR(writer_->Append(record).WithContext(what));

  ++entries_;
  switch (e.status) {
    case EntryStatus::kAdded:
      ++info_.added_files_count;
      info_.added_rows_count += f.record_count;
      break;
    case EntryStatus::kExisting:
      ++info_.existing_files_count;
      info_.existing_rows_count += f.record_count;
      break;
    case EntryStatus::kDeleted:
      ++info_.deleted_files_count;
      info_.deleted_rows_count += f.record_count;
      break;
  }
  if (e.is_live()) {
    const int64_t seq = e.sequence_number.value_or(info_.sequence_number);
    min_sequence_number_ = std::min(min_sequence_number_.value_or(seq), seq);
  }
  for (size_t i = 0; i < summaries_.size(); ++i) {
    const Literal& p = f.partition[i];
    Summary& s = summaries_[i];
    if (p.is_null()) {
      s.contains_null = true;
      continue;
    }
    if ((p.type_id() == TypeId::kFloat && std::isnan(p.as_float())) ||
        (p.type_id() == TypeId::kDouble && std::isnan(p.as_double()))) {
      s.contains_nan = true;
      continue;
    }
    if (!s.lower || Compare(p, *s.lower) < 0) s.lower = p;
    if (!s.upper || Compare(p, *s.upper) > 0) s.upper = p;
  }
  return Status::OK();
}

Result<std::pair<std::string, ManifestFile>> ManifestWriter::Finish(std::string path) {
  if (!writer_) return Status::Internal("ManifestWriter used after Finish");
  SILT_ASSIGN_OR_RETURN(std::string bytes, writer_->Finish());
  writer_.reset();
  ManifestFile info = info_;
  info.manifest_path = std::move(path);
  info.manifest_length = static_cast<int64_t>(bytes.size());
  info.min_sequence_number = min_sequence_number_.value_or(info.sequence_number);
  for (const Summary& s : summaries_) {
    FieldSummary fs;
    fs.contains_null = s.contains_null;
    fs.contains_nan = s.contains_nan;
    if (s.lower) {
      SILT_ASSIGN_OR_RETURN(std::string lo, ToBytes(*s.lower));
      SILT_ASSIGN_OR_RETURN(std::string hi, ToBytes(*s.upper));
      fs.lower_bound = std::move(lo);
      fs.upper_bound = std::move(hi);
    }
    info.partitions.push_back(std::move(fs));
  }
  return std::make_pair(std::move(bytes), std::move(info));
}

// ---- manifest reading ----

Result<Manifest> ReadManifest(std::string_view bytes, const ManifestFile* list_entry) {
  SILT_ASSIGN_OR_RETURN(avro::ContainerFile file, avro::ReadContainer(bytes));
  Manifest m;
  m.metadata = std::move(file.metadata);
  if (auto it = m.metadata.find("partition-spec-id"); it != m.metadata.end()) {
    int64_t id = 0;
    if (!ParseInt64(it->second, &id) || id < 0 || id > INT32_MAX) {
      return Status::Corruption("manifest partition-spec-id is not a number: " + it->second);
    }
    m.partition_spec_id = static_cast<int>(id);
  }
  if (auto it = m.metadata.find("content"); it != m.metadata.end()) {
    m.content = it->second == "deletes" ? ManifestContent::kDeletes : ManifestContent::kData;
  }
  if (list_entry) {
    m.partition_spec_id = list_entry->partition_spec_id;
    m.content = list_entry->content;
  }
  const avro::Node& schema = *file.schema;
  if (schema.type != AT::kRecord) return Status::Corruption("manifest schema is not a record");
  const int df_index = schema.FieldIndexById(2);
  if (df_index < 0) return Status::Corruption("manifest schema has no data_file (field id 2)");
  const avro::Node& df_schema = *schema.fields[static_cast<size_t>(df_index)].type;
  if (df_schema.type != AT::kRecord) return Status::Corruption("data_file is not a record");
  const int part_index = df_schema.FieldIndexById(102);
  if (part_index < 0) return Status::Corruption("data_file has no partition (field id 102)");
  const avro::Node& part_schema = *df_schema.fields[static_cast<size_t>(part_index)].type;
  if (part_schema.type != AT::kRecord) return Status::Corruption("partition is not a record");
  std::vector<TypePtr> part_types;
  for (const Field& f : part_schema.fields) {
    NodePtr nn = f.type->NonNullBranch();
    auto t = IcebergTypeFromAvro(nn ? *nn : *f.type);
    if (!t.ok()) return Status::Corruption("partition field " + f.name + ": " + t.status().message());
    part_types.push_back(*t);
  }

  for (const Value& record : file.records) {
    RecordView entry(schema, record, "manifest entry");
    ManifestEntry e;
    SILT_ASSIGN_OR_RETURN(int32_t status, entry.RequireInt(0, "status"));
    if (status < 0 || status > 2) return Status::Corruption("manifest entry status " + std::to_string(status));
    e.status = static_cast<EntryStatus>(status);
    SILT_ASSIGN_OR_RETURN(e.snapshot_id, entry.OptionalInteger(1));
    SILT_ASSIGN_OR_RETURN(e.sequence_number, entry.OptionalInteger(3));
    SILT_ASSIGN_OR_RETURN(e.file_sequence_number, entry.OptionalInteger(4));
    SILT_ASSIGN_OR_RETURN(const Value* df_value, entry.Require(2, "data_file", Value::Kind::kRecord));
    RecordView df(df_schema, *df_value, "data_file");
    DataFile& f = e.data_file;
    SILT_ASSIGN_OR_RETURN(std::optional<int64_t> content, df.OptionalInteger(134));
    if (content.value_or(0) < 0 || content.value_or(0) > 2) {
      return Status::Corruption("data_file content " + std::to_string(*content));
    }
    f.content = static_cast<FileContent>(content.value_or(0));
    SILT_ASSIGN_OR_RETURN(f.file_path, df.RequireString(100, "file_path"));
    SILT_ASSIGN_OR_RETURN(f.file_format, df.RequireString(101, "file_format"));
    SILT_ASSIGN_OR_RETURN(const Value* pv, df.Require(102, "partition", Value::Kind::kRecord));
    if (pv->items().size() != part_types.size()) return Status::Corruption("partition record size");
    for (size_t i = 0; i < part_types.size(); ++i) {
      SILT_ASSIGN_OR_RETURN(Literal lit, LiteralFromAvro(pv->items()[i], part_types[i]));
      f.partition.push_back(std::move(lit));
    }
    SILT_ASSIGN_OR_RETURN(f.record_count, df.RequireLong(103, "record_count"));
    SILT_ASSIGN_OR_RETURN(f.file_size_in_bytes, df.RequireLong(104, "file_size_in_bytes"));
    SILT_RETURN_IF_ERROR(ReadIntMap(df, 108, &f.column_sizes, LongOf));
    SILT_RETURN_IF_ERROR(ReadIntMap(df, 109, &f.value_counts, LongOf));
    SILT_RETURN_IF_ERROR(ReadIntMap(df, 110, &f.null_value_counts, LongOf));
    SILT_RETURN_IF_ERROR(ReadIntMap(df, 137, &f.nan_value_counts, LongOf));
    SILT_RETURN_IF_ERROR(ReadIntMap(df, 125, &f.lower_bounds, BytesOf));
    SILT_RETURN_IF_ERROR(ReadIntMap(df, 128, &f.upper_bounds, BytesOf));
    SILT_ASSIGN_OR_RETURN(f.key_metadata, df.OptionalBytes(131));
    SILT_RETURN_IF_ERROR(ReadList(df, 132, &f.split_offsets));
    SILT_RETURN_IF_ERROR(ReadList(df, 135, &f.equality_ids));
    SILT_ASSIGN_OR_RETURN(std::optional<int64_t> sort_order, df.OptionalInteger(140));
    if (sort_order) f.sort_order_id = static_cast<int>(*sort_order);
    SILT_ASSIGN_OR_RETURN(f.referenced_data_file, df.OptionalBytes(143));

    if (list_entry) {
      if (!e.snapshot_id) e.snapshot_id = list_entry->added_snapshot_id;
      if (e.status == EntryStatus::kAdded) {
        if (!e.sequence_number) e.sequence_number = list_entry->sequence_number;
        if (!e.file_sequence_number) e.file_sequence_number = list_entry->sequence_number;
      }
    }
    m.entries.push_back(std::move(e));
  }
  return m;
}

// ---- manifest lists ----

Result<std::string> WriteManifestList(int64_t snapshot_id, std::optional<int64_t> parent,
                                      int64_t sequence_number,
                                      const std::vector<ManifestFile>& manifests,
                                      avro::Codec codec) {
  avro::ContainerOptions options;
  options.codec = codec;
  options.metadata = {{"snapshot-id", std::to_string(snapshot_id)},
                      {"parent-snapshot-id", parent ? std::to_string(*parent) : "null"},
                      {"sequence-number", std::to_string(sequence_number)},
                      {"format-version", "2"}};
  avro::ContainerWriter writer(ManifestListAvroSchema(), std::move(options));
  for (const ManifestFile& m : manifests) {
    std::vector<Value> summaries;
    for (const FieldSummary& s : m.partitions) {
      summaries.push_back(Value::Record(
          {Value::Boolean(s.contains_null),
           s.contains_nan ? Value::Boolean(*s.contains_nan) : Value::Null(),
           s.lower_bound ? Value::Bytes(*s.lower_bound) : Value::Null(),
           s.upper_bound ? Value::Bytes(*s.upper_bound) : Value::Null()}));
    }
    Value record = Value::Record(
        {Value::String(m.manifest_path), Value::Long(m.manifest_length),
         Value::Int(m.partition_spec_id), Value::Int(static_cast<int32_t>(m.content)),
         Value::Long(m.sequence_number), Value::Long(m.min_sequence_number),
         Value::Long(m.added_snapshot_id), Value::Int(m.added_files_count),
         Value::Int(m.existing_files_count), Value::Int(m.deleted_files_count),
         Value::Long(m.added_rows_count), Value::Long(m.existing_rows_count),
         Value::Long(m.deleted_rows_count), Value::Array(std::move(summaries)),
         m.key_metadata ? Value::Bytes(*m.key_metadata) : Value::Null()});
    SILT_RETURN_IF_ERROR(writer.Append(record).WithContext("manifest list entry " + m.manifest_path));
  }
  return writer.Finish();
}

Result<std::vector<ManifestFile>> ReadManifestList(std::string_view bytes) {
  SILT_ASSIGN_OR_RETURN(avro::ContainerFile file, avro::ReadContainer(bytes));
  const avro::Node& schema = *file.schema;
  if (schema.type != AT::kRecord) return Status::Corruption("manifest list schema is not a record");
  std::vector<ManifestFile> out;
  for (const Value& record : file.records) {
    RecordView r(schema, record, "manifest list entry");
    ManifestFile m;
    SILT_ASSIGN_OR_RETURN(m.manifest_path, r.RequireString(500, "manifest_path"));
    SILT_ASSIGN_OR_RETURN(m.manifest_length, r.RequireLong(501, "manifest_length"));
    SILT_ASSIGN_OR_RETURN(m.partition_spec_id, r.RequireInt(502, "partition_spec_id"));
    SILT_ASSIGN_OR_RETURN(std::optional<int64_t> content, r.OptionalInteger(517));
    if (content.value_or(0) < 0 || content.value_or(0) > 1) {
      return Status::Corruption("manifest content " + std::to_string(*content));
    }
    m.content = static_cast<ManifestContent>(content.value_or(0));
    SILT_ASSIGN_OR_RETURN(m.sequence_number, r.RequireLong(515, "sequence_number"));
    SILT_ASSIGN_OR_RETURN(m.min_sequence_number, r.RequireLong(516, "min_sequence_number"));
    SILT_ASSIGN_OR_RETURN(m.added_snapshot_id, r.RequireLong(503, "added_snapshot_id"));
    SILT_ASSIGN_OR_RETURN(m.added_files_count, r.RequireInt(504, "added_files_count"));
    SILT_ASSIGN_OR_RETURN(m.existing_files_count, r.RequireInt(505, "existing_files_count"));
    SILT_ASSIGN_OR_RETURN(m.deleted_files_count, r.RequireInt(506, "deleted_files_count"));
    SILT_ASSIGN_OR_RETURN(m.added_rows_count, r.RequireLong(512, "added_rows_count"));
    SILT_ASSIGN_OR_RETURN(m.existing_rows_count, r.RequireLong(513, "existing_rows_count"));
    SILT_ASSIGN_OR_RETURN(m.deleted_rows_count, r.RequireLong(514, "deleted_rows_count"));
    const avro::Node* parts_type = nullptr;
    const Value* parts = r.Find(507, &parts_type);
    if (parts && !parts->is_null()) {
      if (parts->kind() != Value::Kind::kArray || !parts_type->items) {
        return Status::Corruption("manifest list partitions is not an array");
      }
      for (const Value& sv : parts->items()) {
        RecordView s(*parts_type->items, sv, "partition field summary");
        FieldSummary fs;
        SILT_ASSIGN_OR_RETURN(const Value* cn, s.Require(509, "contains_null", Value::Kind::kBoolean));
        fs.contains_null = cn->as_bool();
        if (const Value* nan = s.Find(518); nan && !nan->is_null()) {
          if (nan->kind() != Value::Kind::kBoolean) return Status::Corruption("contains_nan type");
          fs.contains_nan = nan->as_bool();
        }
        SILT_ASSIGN_OR_RETURN(fs.lower_bound, s.OptionalBytes(510));
        SILT_ASSIGN_OR_RETURN(fs.upper_bound, s.OptionalBytes(511));
        m.partitions.push_back(std::move(fs));
      }
    }
    SILT_ASSIGN_OR_RETURN(m.key_metadata, r.OptionalBytes(519));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace silt::iceberg
