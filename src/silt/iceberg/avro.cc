#include "silt/iceberg/avro.h"

#include <zlib.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "silt/iceberg/ids.h"

namespace silt::iceberg::avro {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kMagic("Obj\x01", 4);
constexpr size_t kSyncSize = 16;

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kNull: return "null";
    case Type::kBoolean: return "boolean";
    case Type::kInt: return "int";
    case Type::kLong: return "long";
    case Type::kFloat: return "float";
    case Type::kDouble: return "double";
    case Type::kBytes: return "bytes";
    case Type::kString: return "string";
    case Type::kRecord: return "record";
    case Type::kArray: return "array";
    case Type::kMap: return "map";
    case Type::kUnion: return "union";
    case Type::kFixed: return "fixed";
  }
  return "?";
}

bool PrimitiveFromName(std::string_view name, Type* out) {
  static const std::pair<std::string_view, Type> kNames[] = {
      {"null", Type::kNull},     {"boolean", Type::kBoolean}, {"int", Type::kInt},
      {"long", Type::kLong},     {"float", Type::kFloat},     {"double", Type::kDouble},
      {"bytes", Type::kBytes},   {"string", Type::kString}};
  for (const auto& [n, t] : kNames) {
    if (n == name) {
      *out = t;
      return true;
    }
  }
  return false;
}

bool HasAttributes(const Node& n) {
  return !n.logical_type.empty() || n.element_id || n.key_id || n.value_id || n.precision ||
         n.scale || n.adjust_to_utc;
}

Json ToJson(const Node& n) {
  switch (n.type) {
    case Type::kUnion: {
      Json arr = Json::array();
      for (const auto& b : n.branches) arr.push_back(ToJson(*b));
      return arr;
    }
    case Type::kRecord: {
      Json j;
      j["type"] = "record";
      j["name"] = n.name;
      Json fields = Json::array();
      for (const Field& f : n.fields) {
        Json fj;
        fj["name"] = f.name;
        fj["type"] = ToJson(*f.type);
        if (!f.doc.empty()) fj["doc"] = f.doc;
        if (f.default_null) fj["default"] = nullptr;
        if (f.field_id) fj["field-id"] = *f.field_id;
        fields.push_back(std::move(fj));
      }
      j["fields"] = std::move(fields);
      return j;
    }
    default:
      break;
  }
  const bool complex = n.type == Type::kArray || n.type == Type::kMap || n.type == Type::kFixed;
  if (!complex && !HasAttributes(n)) return std::string(TypeName(n.type));
  Json j;
  j["type"] = std::string(TypeName(n.type));
  if (n.type == Type::kFixed) {
    j["name"] = n.name;
    j["size"] = n.fixed_size;
  }
  if (n.type == Type::kArray) j["items"] = ToJson(*n.items);
  if (n.type == Type::kMap) j["values"] = ToJson(*n.values);
  if (!n.logical_type.empty()) j["logicalType"] = n.logical_type;
  if (n.precision) j["precision"] = *n.precision;
  if (n.scale) j["scale"] = *n.scale;
  if (n.adjust_to_utc) j["adjust-to-utc"] = *n.adjust_to_utc;
  if (n.element_id) j["element-id"] = *n.element_id;
  if (n.key_id) j["key-id"] = *n.key_id;
  if (n.value_id) j["value-id"] = *n.value_id;
  return j;
}

// ---- schema parsing ----

class SchemaParser {
 public:
  Result<NodePtr> Parse(const Json& j, const std::string& ns) {
    if (++depth_ > 64) return Status::ParseError("Avro schema nested too deeply");
    auto r = ParseInner(j, ns);
    --depth_;
    return r;
  }

 private:
  static std::optional<int> IntAttr(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int>();
  }

  std::string FullName(const Json& j, const std::string& ns) const {
    std::string name = j.at("name").get<std::string>();
    if (name.find('.') != std::string::npos) return name;
    std::string space = ns;
    if (auto it = j.find("namespace"); it != j.end() && it->is_string()) {
      space = it->get<std::string>();
    }
    return space.empty() ? name : space + "." + name;
  }

  Result<NodePtr> Named(const std::string& name, const std::string& ns) {
    if (auto it = named_.find(name); it != named_.end()) return it->second;
    if (!ns.empty()) {
      if (auto it = named_.find(ns + "." + name); it != named_.end()) return it->second;
    }
    return Status::ParseError("Avro schema refers to unknown type \"" + name + "\"");
  }

  Result<NodePtr> ParseInner(const Json& j, const std::string& ns) {
    if (j.is_string()) {
      const std::string name = j.get<std::string>();
      Type t;
      if (PrimitiveFromName(name, &t)) return Primitive(t);
      return Named(name, ns);
    }
    if (j.is_array()) {
      auto n = std::make_shared<Node>();
      n->type = Type::kUnion;
      for (const Json& b : j) {
        SILT_ASSIGN_OR_RETURN(NodePtr bn, Parse(b, ns));
        if (bn->type == Type::kUnion) return Status::ParseError("Avro union inside a union");
        n->branches.push_back(std::move(bn));
      }
      if (n->branches.empty()) return Status::ParseError("empty Avro union");
      return NodePtr(n);
    }
    if (!j.is_object()) return Status::ParseError("Avro schema must be a string, array or object");
    const Json& tj = j.at("type");
    if (!tj.is_string()) {
      // {"type": {...}} or {"type": [...]}: a wrapped schema.
      return Parse(tj, ns);
    }
    const std::string type = tj.get<std::string>();
    auto n = std::make_shared<Node>();
    if (auto it = j.find("logicalType"); it != j.end() && it->is_string()) {
      n->logical_type = it->get<std::string>();
    }
    n->element_id = IntAttr(j, "element-id");
    n->key_id = IntAttr(j, "key-id");
    n->value_id = IntAttr(j, "value-id");
    n->precision = IntAttr(j, "precision");
    n->scale = IntAttr(j, "scale");
    if (auto it = j.find("adjust-to-utc"); it != j.end() && it->is_boolean()) {
      n->adjust_to_utc = it->get<bool>();
    }
    Type prim;
    if (PrimitiveFromName(type, &prim)) {
      n->type = prim;
      return NodePtr(n);
    }
    if (type == "record" || type == "error") {
      n->type = Type::kRecord;
      n->name = FullName(j, ns);
      const std::string inner_ns = n->name.substr(0, n->name.rfind('.') == std::string::npos
                                                         ? 0
                                                         : n->name.rfind('.'));
      // Register before the fields so recursive references resolve (to this node).
      named_[n->name] = n;
      for (const Json& fj : j.at("fields")) {
        Field f;
        f.name = fj.at("name").get<std::string>();
        SILT_ASSIGN_OR_RETURN(f.type, Parse(fj.at("type"), inner_ns));
        f.field_id = IntAttr(fj, "field-id");
        if (auto it = fj.find("doc"); it != fj.end() && it->is_string()) f.doc = it->get<std::string>();
        if (auto it = fj.find("default"); it != fj.end() && it->is_null()) f.default_null = true;
        n->fields.push_back(std::move(f));
      }
      return NodePtr(n);
    }
    if (type == "fixed") {
      n->type = Type::kFixed;
      n->name = FullName(j, ns);
      n->fixed_size = j.at("size").get<size_t>();
      named_[n->name] = n;
      return NodePtr(n);
    }
    if (type == "array") {
      n->type = Type::kArray;
      SILT_ASSIGN_OR_RETURN(n->items, Parse(j.at("items"), ns));
      return NodePtr(n);
    }
    if (type == "map") {
      n->type = Type::kMap;
      SILT_ASSIGN_OR_RETURN(n->values, Parse(j.at("values"), ns));
      return NodePtr(n);
    }
    if (type == "enum") return Status::InvalidArgument("Avro enum types are not supported");
    // A named type used as {"type": "name"}.
    return Named(type, ns);
  }

  std::unordered_map<std::string, NodePtr> named_;
  int depth_ = 0;
};

// ---- encoding ----

bool Matches(const Node& schema, const Value& v) {
  using K = Value::Kind;
  switch (schema.type) {
    case Type::kNull: return v.kind() == K::kNull;
    case Type::kBoolean: return v.kind() == K::kBoolean;
    case Type::kInt: return v.kind() == K::kInt;
    case Type::kLong: return v.kind() == K::kLong;
    case Type::kFloat: return v.kind() == K::kFloat;
    case Type::kDouble: return v.kind() == K::kDouble;
    case Type::kBytes: return v.kind() == K::kBytes;
    case Type::kString: return v.kind() == K::kString;
    case Type::kFixed: return v.kind() == K::kFixed && v.as_bytes().size() == schema.fixed_size;
    case Type::kRecord: return v.kind() == K::kRecord;
    case Type::kArray: return v.kind() == K::kArray;
    case Type::kMap: return v.kind() == K::kMap;
    case Type::kUnion: return false;
  }
  return false;
}

Status Mismatch(const Node& schema, const Value& v, const std::string& path) {
  return Status::InvalidArgument("Avro value does not match schema type " +
                                 std::string(TypeName(schema.type)) +
                                 (path.empty() ? std::string() : " at " + path));
}

Status EncodeAt(const Node& schema, const Value& v, const std::string& path, std::string* out) {
  if (schema.type == Type::kUnion) {
    for (size_t i = 0; i < schema.branches.size(); ++i) {
      if (Matches(*schema.branches[i], v)) {
        EncodeLong(static_cast<int64_t>(i), out);
        return EncodeAt(*schema.branches[i], v, path, out);
      }
    }
    return Status::InvalidArgument("Avro value matches no union branch" +
                                   (path.empty() ? std::string() : " at " + path));
  }
  if (!Matches(schema, v)) return Mismatch(schema, v, path);
  switch (schema.type) {
    case Type::kNull: return Status::OK();
    case Type::kBoolean: out->push_back(v.as_bool() ? 1 : 0); return Status::OK();
    case Type::kInt: EncodeLong(v.as_int(), out); return Status::OK();
    case Type::kLong: EncodeLong(v.as_long(), out); return Status::OK();
    case Type::kFloat: EncodeFloat(v.as_float(), out); return Status::OK();
    case Type::kDouble: EncodeDouble(v.as_double(), out); return Status::OK();
    case Type::kBytes:
    case Type::kString: EncodeBytes(v.as_bytes(), out); return Status::OK();
    case Type::kFixed: out->append(v.as_bytes()); return Status::OK();
    case Type::kRecord: {
      if (v.items().size() != schema.fields.size()) {
        return Status::InvalidArgument("Avro record " + schema.name + " needs " +
                                       std::to_string(schema.fields.size()) + " fields, got " +
                                       std::to_string(v.items().size()) +
                                       (path.empty() ? std::string() : " at " + path));
      }
      for (size_t i = 0; i < schema.fields.size(); ++i) {
        const std::string sub = path.empty() ? schema.fields[i].name
                                             : path + "." + schema.fields[i].name;
        SILT_RETURN_IF_ERROR(EncodeAt(*schema.fields[i].type, v.items()[i], sub, out));
      }
      return Status::OK();
    }
    case Type::kArray:
    case Type::kMap: {
      const auto& items = v.items();
      if (!items.empty()) {
        EncodeLong(static_cast<int64_t>(items.size()), out);
        for (size_t i = 0; i < items.size(); ++i) {
          if (schema.type == Type::kMap) EncodeBytes(v.map_keys()[i], out);
          SILT_RETURN_IF_ERROR(EncodeAt(schema.type == Type::kMap ? *schema.values : *schema.items,
                                        items[i], path + "[]", out));
        }
      }
      EncodeLong(0, out);
      return Status::OK();
    }
    case Type::kUnion: break;
  }
  return Status::Internal("unreachable Avro type");
}

// True when a value of `n` may encode to zero bytes (null, empty records, zero-size fixed).
bool MayBeEmpty(const Node& n, int depth) {
  if (depth > 64) return true;
  switch (n.type) {
    case Type::kNull: return true;
    case Type::kFixed: return n.fixed_size == 0;
    case Type::kRecord:
      for (const Field& f : n.fields) {
        if (!MayBeEmpty(*f.type, depth + 1)) return false;
      }
      return true;
    default: return false;
  }
}

Result<Value> DecodeAt(const Node& schema, Decoder& in, int depth) {
  if (depth > 64) return Status::Corruption("Avro value nested too deeply");
  switch (schema.type) {
    case Type::kNull: return Value::Null();
    case Type::kBoolean: {
      SILT_ASSIGN_OR_RETURN(bool b, in.ReadBoolean());
      return Value::Boolean(b);
    }
    case Type::kInt: {
      SILT_ASSIGN_OR_RETURN(int32_t i, in.ReadInt());
      return Value::Int(i);
    }
    case Type::kLong: {
      SILT_ASSIGN_OR_RETURN(int64_t i, in.ReadLong());
      return Value::Long(i);
    }
    case Type::kFloat: {
      SILT_ASSIGN_OR_RETURN(float f, in.ReadFloat());
      return Value::Float(f);
    }
    case Type::kDouble: {
      SILT_ASSIGN_OR_RETURN(double d, in.ReadDouble());
      return Value::Double(d);
    }
    case Type::kBytes: {
      SILT_ASSIGN_OR_RETURN(std::string s, in.ReadBytes());
      return Value::Bytes(std::move(s));
    }
    case Type::kString: {
      SILT_ASSIGN_OR_RETURN(std::string s, in.ReadBytes());
      return Value::String(std::move(s));
    }
    case Type::kFixed: {
      SILT_ASSIGN_OR_RETURN(std::string s, in.ReadFixed(schema.fixed_size));
      return Value::Fixed(std::move(s));
    }
    case Type::kUnion: {
      SILT_ASSIGN_OR_RETURN(int64_t idx, in.ReadLong());
      if (idx < 0 || static_cast<size_t>(idx) >= schema.branches.size()) {
        return Status::Corruption("Avro union branch " + std::to_string(idx) + " out of range");
      }
      return DecodeAt(*schema.branches[static_cast<size_t>(idx)], in, depth + 1);
    }
    case Type::kRecord: {
      std::vector<Value> fields;
      fields.reserve(schema.fields.size());
      for (const Field& f : schema.fields) {
        SILT_ASSIGN_OR_RETURN(Value v, DecodeAt(*f.type, in, depth + 1));
        fields.push_back(std::move(v));
      }
      return Value::Record(std::move(fields));
    }
    case Type::kArray:
    case Type::kMap: {
      std::vector<Value> items;
      std::vector<std::string> keys;
      for (;;) {
        SILT_ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
        if (count == 0) break;
        if (count < 0) {
          if (count == INT64_MIN) return Status::Corruption("bad Avro block count");
          count = -count;
          SILT_ASSIGN_OR_RETURN(int64_t block_size, in.ReadLong());
          (void)block_size;
        }
        // Items that take at least one byte cannot outnumber the remaining bytes.
        const Node& item = schema.type == Type::kMap ? *schema.values : *schema.items;
        if (static_cast<uint64_t>(count) > in.remaining() &&
            (schema.type == Type::kMap || !MayBeEmpty(item, 0))) {
          return Status::Corruption("Avro block count " + std::to_string(count) +
                                    " exceeds the remaining data");
        }
        for (int64_t i = 0; i < count; ++i) {
          if (schema.type == Type::kMap) {
            SILT_ASSIGN_OR_RETURN(std::string k, in.ReadBytes());
            keys.push_back(std::move(k));
          }
          SILT_ASSIGN_OR_RETURN(
              Value v, DecodeAt(schema.type == Type::kMap ? *schema.values : *schema.items, in,
                                depth + 1));
          items.push_back(std::move(v));
        }
      }
      if (schema.type == Type::kMap) return Value::Map(std::move(keys), std::move(items));
      return Value::Array(std::move(items));
    }
  }
  return Status::Internal("unreachable Avro type");
}

Result<std::string> Deflate(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("deflate failed: " + std::to_string(rc));
  out.resize(produced);
  return out;
}

Result<std::string> Inflate(std::string_view in) {
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return Status::Internal("inflateInit2 failed");
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::Corruption("Avro deflate block does not inflate (zlib " +
                                std::to_string(rc) + ")");
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status::Corruption("Avro deflate block is truncated");
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace

// ---- Node helpers ----

int Node::FieldIndex(std::string_view n) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

int Node::FieldIndexById(int id) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].field_id && *fields[i].field_id == id) return static_cast<int>(i);
  }
  return -1;
}

NodePtr Node::NonNullBranch() const {
  if (type != Type::kUnion || branches.size() != 2) return nullptr;
  if (branches[0]->type == Type::kNull) return branches[1];
  if (branches[1]->type == Type::kNull) return branches[0];
  return nullptr;
}

NodePtr Primitive(Type type) {
  auto n = std::make_shared<Node>();
  n->type = type;
  return n;
}

NodePtr Logical(Type base, std::string logical_type) {
  auto n = std::make_shared<Node>();
  n->type = base;
  n->logical_type = std::move(logical_type);
  return n;
}

NodePtr Optional(NodePtr type) {
  auto n = std::make_shared<Node>();
  n->type = Type::kUnion;
  n->branches = {Primitive(Type::kNull), std::move(type)};
  return n;
}

NodePtr ArrayOf(NodePtr items, std::optional<int> element_id) {
  auto n = std::make_shared<Node>();
  n->type = Type::kArray;
  n->items = std::move(items);
  n->element_id = element_id;
  return n;
}

NodePtr MapOf(NodePtr values, std::optional<int> key_id, std::optional<int> value_id) {
  auto n = std::make_shared<Node>();
  n->type = Type::kMap;
  n->values = std::move(values);
  n->key_id = key_id;
  n->value_id = value_id;
  return n;
}

NodePtr FixedOf(std::string name, size_t size) {
  auto n = std::make_shared<Node>();
  n->type = Type::kFixed;
  n->name = std::move(name);
  n->fixed_size = size;
  return n;
}

NodePtr RecordOf(std::string name, std::vector<Field> fields) {
  auto n = std::make_shared<Node>();
  n->type = Type::kRecord;
  n->name = std::move(name);
  n->fields = std::move(fields);
  return n;
}

Field RequiredField(std::string name, NodePtr type, std::optional<int> field_id, std::string doc) {
  return Field{std::move(name), std::move(type), field_id, std::move(doc), false};
}

Field OptionalField(std::string name, NodePtr type, std::optional<int> field_id, std::string doc) {
  return Field{std::move(name), Optional(std::move(type)), field_id, std::move(doc), true};
}

std::string SchemaToJson(const Node& schema) { return ToJson(schema).dump(); }

Result<NodePtr> ParseSchema(std::string_view json) {
  try {
    const Json j = Json::parse(json);
    SchemaParser parser;
    return parser.Parse(j, "");
  } catch (const nlohmann::json::exception& e) {
    return Status::ParseError(std::string("bad Avro schema: ") + e.what());
  }
}

// ---- Value ----

Value Value::Boolean(bool v) {
  Value x;
  x.kind_ = Kind::kBoolean;
  x.i_ = v ? 1 : 0;
  return x;
}
Value Value::Int(int32_t v) {
  Value x;
  x.kind_ = Kind::kInt;
  x.i_ = v;
  return x;
}
Value Value::Long(int64_t v) {
  Value x;
  x.kind_ = Kind::kLong;
  x.i_ = v;
  return x;
}
Value Value::Float(float v) {
  Value x;
  x.kind_ = Kind::kFloat;
  x.d_ = v;
  return x;
}
Value Value::Double(double v) {
  Value x;
  x.kind_ = Kind::kDouble;
  x.d_ = v;
  return x;
}
Value Value::Bytes(std::string v) {
  Value x;
  x.kind_ = Kind::kBytes;
  x.s_ = std::move(v);
  return x;
}
Value Value::String(std::string v) {
  Value x;
  x.kind_ = Kind::kString;
  x.s_ = std::move(v);
  return x;
}
Value Value::Fixed(std::string v) {
  Value x;
  x.kind_ = Kind::kFixed;
  x.s_ = std::move(v);
  return x;
}
Value Value::Record(std::vector<Value> fields) {
  Value x;
  x.kind_ = Kind::kRecord;
  x.items_ = std::move(fields);
  return x;
}
Value Value::Array(std::vector<Value> items) {
  Value x;
  x.kind_ = Kind::kArray;
  x.items_ = std::move(items);
  return x;
}
Value Value::Map(std::vector<std::string> keys, std::vector<Value> values) {
  Value x;
  x.kind_ = Kind::kMap;
  x.keys_ = std::move(keys);
  x.items_ = std::move(values);
  x.keys_.resize(x.items_.size());
  return x;
}

// ---- binary encoding ----

void EncodeLong(int64_t v, std::string* out) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out->push_back(static_cast<char>((z & 0x7F) | 0x80));
    z >>= 7;
  }
  out->push_back(static_cast<char>(z));
}

void EncodeFloat(float v, std::string* out) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void EncodeDouble(double v, std::string* out) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void EncodeBytes(std::string_view v, std::string* out) {
  EncodeLong(static_cast<int64_t>(v.size()), out);
  out->append(v);
}

Result<int64_t> Decoder::ReadLong() {
  uint64_t z = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= data_.size()) return Status::Corruption("Avro data ends inside a varint");
    const uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    z |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
    }
    if (shift == 63) break;
  }
  return Status::Corruption("Avro varint longer than 10 bytes");
}

Result<int32_t> Decoder::ReadInt() {
  SILT_ASSIGN_OR_RETURN(int64_t v, ReadLong());
  if (v < INT32_MIN || v > INT32_MAX) return Status::Corruption("Avro int out of range");
  return static_cast<int32_t>(v);
}

Result<bool> Decoder::ReadBoolean() {
  if (pos_ >= data_.size()) return Status::Corruption("Avro data ends inside a boolean");
  const uint8_t b = static_cast<uint8_t>(data_[pos_++]);
  if (b > 1) return Status::Corruption("Avro boolean byte is " + std::to_string(b));
  return b == 1;
}

Result<float> Decoder::ReadFloat() {
  if (remaining() < 4) return Status::Corruption("Avro data ends inside a float");
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  pos_ += 4;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

Result<double> Decoder::ReadDouble() {
  if (remaining() < 8) return Status::Corruption("Avro data ends inside a double");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  pos_ += 8;
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

Result<std::string> Decoder::ReadBytes() {
  SILT_ASSIGN_OR_RETURN(int64_t n, ReadLong());
  if (n < 0 || static_cast<uint64_t>(n) > remaining()) {
    return Status::Corruption("Avro bytes length " + std::to_string(n) + " exceeds the data");
  }
  std::string s(data_.substr(pos_, static_cast<size_t>(n)));
  pos_ += static_cast<size_t>(n);
  return s;
}

Result<std::string> Decoder::ReadFixed(size_t n) {
  if (n > remaining()) return Status::Corruption("Avro data ends inside a fixed");
  std::string s(data_.substr(pos_, n));
  pos_ += n;
  return s;
}

Status Encode(const Node& schema, const Value& value, std::string* out) {
  const size_t mark = out->size();
  Status st = EncodeAt(schema, value, "", out);
  if (!st.ok()) out->resize(mark);
  return st;
}

Result<Value> Decode(const Node& schema, Decoder& in) { return DecodeAt(schema, in, 0); }

// ---- container files ----

ContainerWriter::ContainerWriter(NodePtr schema, ContainerOptions options)
    : schema_(std::move(schema)), options_(std::move(options)), sync_(RandomBytes(kSyncSize)) {
  out_.append(kMagic);
  std::vector<std::pair<std::string, std::string>> meta;
  meta.emplace_back("avro.schema", SchemaToJson(*schema_));
  meta.emplace_back("avro.codec", options_.codec == Codec::kDeflate ? "deflate" : "null");
  for (const auto& kv : options_.metadata) meta.push_back(kv);
  EncodeLong(static_cast<int64_t>(meta.size()), &out_);
  for (const auto& [k, v] : meta) {
    EncodeBytes(k, &out_);
    EncodeBytes(v, &out_);
  }
  EncodeLong(0, &out_);
  out_.append(sync_);
}

Status ContainerWriter::Append(const Value& value) {
  SILT_RETURN_IF_ERROR(Encode(*schema_, value, &block_));
  ++block_count_;
  if (block_.size() >= options_.block_bytes) return FlushBlock();
  return Status::OK();
}

Status ContainerWriter::FlushBlock() {
  if (block_count_ == 0) return Status::OK();
  std::string data;
  if (options_.codec == Codec::kDeflate) {
    SILT_ASSIGN_OR_RETURN(data, Deflate(block_));
  } else {
    data = std::move(block_);
  }
  EncodeLong(block_count_, &out_);
  EncodeBytes(data, &out_);
  out_.append(sync_);
  block_.clear();
  block_count_ = 0;
  return Status::OK();
}

Result<std::string> ContainerWriter::Finish() {
  SILT_RETURN_IF_ERROR(FlushBlock());
  return std::move(out_);
}

Result<ContainerFile> ReadContainer(std::string_view bytes) {
  if (bytes.substr(0, 4) != kMagic) return Status::Corruption("not an Avro container file (magic)");
  Decoder in(bytes.substr(4));
  ContainerFile file;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    if (count == 0) break;
    if (count < 0) {
      count = -count;
      SILT_ASSIGN_OR_RETURN(int64_t size, in.ReadLong());
      (void)size;
    }
    for (int64_t i = 0; i < count; ++i) {
      SILT_ASSIGN_OR_RETURN(std::string k, in.ReadBytes());
      SILT_ASSIGN_OR_RETURN(std::string v, in.ReadBytes());
      file.metadata[std::move(k)] = std::move(v);
    }
  }
  SILT_ASSIGN_OR_RETURN(std::string sync, in.ReadFixed(kSyncSize));
  auto schema_it = file.metadata.find("avro.schema");
  if (schema_it == file.metadata.end()) return Status::Corruption("Avro file has no avro.schema");
  SILT_ASSIGN_OR_RETURN(file.schema, ParseSchema(schema_it->second));
  Codec codec = Codec::kNull;
  if (auto it = file.metadata.find("avro.codec"); it != file.metadata.end()) {
    if (it->second == "deflate") {
      codec = Codec::kDeflate;
    } else if (it->second != "null" && !it->second.empty()) {
      return Status::InvalidArgument("unsupported Avro codec \"" + it->second +
                                     "\" (silt reads null and deflate)");
    }
  }
  while (in.remaining() > 0) {
    SILT_ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    SILT_ASSIGN_OR_RETURN(std::string data, in.ReadBytes());
    SILT_ASSIGN_OR_RETURN(std::string block_sync, in.ReadFixed(kSyncSize));
    if (block_sync != sync) return Status::Corruption("Avro block sync marker mismatch");
    if (count < 0) return Status::Corruption("negative Avro block count");
    if (codec == Codec::kDeflate) {
      SILT_ASSIGN_OR_RETURN(data, Inflate(data));
    }
    Decoder block(data);
    for (int64_t i = 0; i < count; ++i) {
      SILT_ASSIGN_OR_RETURN(Value v, Decode(*file.schema, block));
      file.records.push_back(std::move(v));
    }
    if (block.remaining() != 0) return Status::Corruption("Avro block has trailing bytes");
  }
  return file;
}

}  // namespace silt::iceberg::avro
