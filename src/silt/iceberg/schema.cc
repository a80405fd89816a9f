#include "silt/iceberg/schema.h"

#include <algorithm>
#include <set>

#include "silt/iceberg/json_internal.h"

namespace silt::iceberg {
namespace {

using internal::Json;

TypePtr MakePrimitive(TypeId id) {
  auto t = std::make_shared<Type>();
  t->id = id;
  return t;
}

std::string_view PrimitiveName(TypeId id) {
  switch (id) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt: return "int";
    case TypeId::kLong: return "long";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampTz: return "timestamptz";
    case TypeId::kString: return "string";
    case TypeId::kUuid: return "uuid";
    case TypeId::kBinary: return "binary";
    default: return "";
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool ParseSmallInt(std::string_view s, int* out) {
  s = Trim(s);
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

Json TypeToJson(const Type& t);

Json FieldToJson(const NestedField& f) {
  Json j;
  j["id"] = f.id;
  j["name"] = f.name;
  j["required"] = f.required;
  j["type"] = TypeToJson(*f.type);
  if (!f.doc.empty()) j["doc"] = f.doc;
  return j;
}

Json TypeToJson(const Type& t) {
  switch (t.id) {
    case TypeId::kStruct: {
      Json j;
      j["type"] = "struct";
      Json fields = Json::array();
      for (const auto& f : t.fields) fields.push_back(FieldToJson(f));
      j["fields"] = std::move(fields);
      return j;
    }
    case TypeId::kList: {
      Json j;
      j["type"] = "list";
      j["element-id"] = t.element.id;
      j["element-required"] = t.element.required;
      j["element"] = TypeToJson(*t.element.type);
      return j;
    }
    case TypeId::kMap: {
      Json j;
      j["type"] = "map";
      j["key-id"] = t.key.id;
      j["key"] = TypeToJson(*t.key.type);
      j["value-id"] = t.value.id;
      j["value-required"] = t.value.required;
      j["value"] = TypeToJson(*t.value.type);
      return j;
    }
    default:
      return t.ToString();
  }
}

// The field with `id` among the children of `t` (recursively); nullptr when there is none.
const NestedField* FindInType(const Type& t, int id) {
  auto check = [&](const NestedField& f) -> const NestedField* {
    if (f.id == id) return &f;
    return FindInType(*f.type, id);
  };
  switch (t.id) {
    case TypeId::kStruct:
      for (const auto& f : t.fields) {
        if (const NestedField* hit = check(f)) return hit;
      }
      return nullptr;
    case TypeId::kList:
      return check(t.element);
    case TypeId::kMap:
      if (const NestedField* hit = check(t.key)) return hit;
      return check(t.value);
    default:
      return nullptr;
  }
}

Result<TypePtr> TypeFromJson(const Json& j, int depth);

Result<NestedField> FieldFromJson(const Json& j, int depth) {
  NestedField f;
  f.id = j.at("id").get<int>();
  f.name = j.at("name").get<std::string>();
  f.required = j.at("required").get<bool>();
  SILT_ASSIGN_OR_RETURN(f.type, TypeFromJson(j.at("type"), depth + 1));
  if (auto it = j.find("doc"); it != j.end() && it->is_string()) f.doc = it->get<std::string>();
  return f;
}

Result<TypePtr> TypeFromJson(const Json& j, int depth) {
  if (depth > 64) return Status::ParseError("Iceberg type nested too deeply");
  if (j.is_string()) {
    auto r = ParsePrimitiveType(j.get<std::string>());
    if (!r.ok()) return Status::ParseError(r.status().message());
    return r;
  }
  const std::string type = j.at("type").get<std::string>();
  if (type == "struct") {
    std::vector<NestedField> fields;
    for (const Json& fj : j.at("fields")) {
      SILT_ASSIGN_OR_RETURN(NestedField f, FieldFromJson(fj, depth));
      fields.push_back(std::move(f));
    }
    return Type::Struct(std::move(fields));
  }
  if (type == "list") {
    SILT_ASSIGN_OR_RETURN(TypePtr element, TypeFromJson(j.at("element"), depth + 1));
    return Type::List(j.at("element-id").get<int>(), j.at("element-required").get<bool>(),
                      std::move(element));
  }
  if (type == "map") {
    SILT_ASSIGN_OR_RETURN(TypePtr key, TypeFromJson(j.at("key"), depth + 1));
    SILT_ASSIGN_OR_RETURN(TypePtr value, TypeFromJson(j.at("value"), depth + 1));
    return Type::Map(j.at("key-id").get<int>(), std::move(key), j.at("value-id").get<int>(),
                     j.at("value-required").get<bool>(), std::move(value));
  }
  return Status::ParseError("unknown Iceberg type \"" + type + "\"");
}

// Calls fn(field, inside_list_or_map, inside_optional_struct) for every field, depth first.
template <typename F>
void Walk(const std::vector<NestedField>& fields, bool in_collection, bool in_optional, F& fn) {
  for (const auto& f : fields) {
    fn(f, in_collection, in_optional);
    const Type& t = *f.type;
    if (t.id == TypeId::kStruct) {
      Walk(t.fields, in_collection, in_optional || !f.required, fn);
    } else if (t.id == TypeId::kList) {
      Walk(std::vector<NestedField>{t.element}, true, in_optional, fn);
    } else if (t.id == TypeId::kMap) {
      Walk(std::vector<NestedField>{t.key, t.value}, true, in_optional, fn);
    }
  }
}

// Gives every field inside `t` a fresh id from ++*next (siblings first, then their children).
TypePtr AssignFreshIds(const Type& t, int* next) {
  switch (t.id) {
    case TypeId::kStruct: {
      std::vector<NestedField> fields = t.fields;
      for (auto& f : fields) f.id = ++*next;
      for (auto& f : fields) f.type = AssignFreshIds(*f.type, next);
      return Type::Struct(std::move(fields));
    }
    case TypeId::kList: {
      const int id = ++*next;
      return Type::List(id, t.element.required, AssignFreshIds(*t.element.type, next));
    }
    case TypeId::kMap: {
      const int key_id = ++*next;
      const int value_id = ++*next;
      TypePtr key = AssignFreshIds(*t.key.type, next);
      TypePtr value = AssignFreshIds(*t.value.type, next);
      return Type::Map(key_id, std::move(key), value_id, t.value.required, std::move(value));
    }
    default:
      return std::make_shared<Type>(t);
  }
}

std::vector<std::string_view> SplitPath(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? name.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

// Applies `fn` to the field at `path` inside `fields` (through structs), rebuilding the
// structs on the way. fn gets the field and its siblings.
template <typename F>
Status UpdateAt(std::vector<NestedField>* fields, const std::vector<std::string_view>& path,
                size_t depth, std::string_view full_name, F& fn) {
  for (auto& f : *fields) {
    if (f.name != path[depth]) continue;
    if (depth + 1 == path.size()) return fn(f, *fields);
    if (f.type->id != TypeId::kStruct) break;
    std::vector<NestedField> children = f.type->fields;
    SILT_RETURN_IF_ERROR(UpdateAt(&children, path, depth + 1, full_name, fn));
    f.type = Type::Struct(std::move(children));
    return Status::OK();
  }
  return Status::InvalidArgument("no column \"" + std::string(full_name) + "\" in the schema");
}

}  // namespace

// ---- Type ----

std::string Type::ToString() const {
  switch (id) {
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeId::kFixed:
      return "fixed[" + std::to_string(length) + "]";
    case TypeId::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ", ";
        out += std::to_string(fields[i].id) + ": " + fields[i].name + ": " +
               (fields[i].required ? "required " : "optional ") + fields[i].type->ToString();
      }
      return out + ">";
    }
    case TypeId::kList:
      return "list<" + element.type->ToString() + ">";
    case TypeId::kMap:
      return "map<" + key.type->ToString() + ", " + value.type->ToString() + ">";
    default:
      return std::string(PrimitiveName(id));
  }
}

bool Type::Equals(const Type& o) const {
  if (id != o.id) return false;
  auto same_field = [](const NestedField& a, const NestedField& b) {
    return a.id == b.id && a.name == b.name && a.required == b.required && a.doc == b.doc &&
           a.type->Equals(*b.type);
  };
  switch (id) {
    case TypeId::kDecimal: return precision == o.precision && scale == o.scale;
    case TypeId::kFixed: return length == o.length;
    case TypeId::kStruct:
      if (fields.size() != o.fields.size()) return false;
      for (size_t i = 0; i < fields.size(); ++i) {
        if (!same_field(fields[i], o.fields[i])) return false;
      }
      return true;
    case TypeId::kList: return same_field(element, o.element);
    case TypeId::kMap: return same_field(key, o.key) && same_field(value, o.value);
    default: return true;
  }
}

TypePtr Type::Boolean() { static const TypePtr t = MakePrimitive(TypeId::kBoolean); return t; }
TypePtr Type::Int() { static const TypePtr t = MakePrimitive(TypeId::kInt); return t; }
TypePtr Type::Long() { static const TypePtr t = MakePrimitive(TypeId::kLong); return t; }
TypePtr Type::Float() { static const TypePtr t = MakePrimitive(TypeId::kFloat); return t; }
TypePtr Type::Double() { static const TypePtr t = MakePrimitive(TypeId::kDouble); return t; }
TypePtr Type::Date() { static const TypePtr t = MakePrimitive(TypeId::kDate); return t; }
TypePtr Type::Time() { static const TypePtr t = MakePrimitive(TypeId::kTime); return t; }
TypePtr Type::Timestamp() { static const TypePtr t = MakePrimitive(TypeId::kTimestamp); return t; }
TypePtr Type::TimestampTz() {
  static const TypePtr t = MakePrimitive(TypeId::kTimestampTz);
  return t;
}
TypePtr Type::String() { static const TypePtr t = MakePrimitive(TypeId::kString); return t; }
TypePtr Type::Uuid() { static const TypePtr t = MakePrimitive(TypeId::kUuid); return t; }
TypePtr Type::Binary() { static const TypePtr t = MakePrimitive(TypeId::kBinary); return t; }

TypePtr Type::Decimal(int precision, int scale) {
  auto t = std::make_shared<Type>();
  t->id = TypeId::kDecimal;
  t->precision = precision;
  t->scale = scale;
  return t;
}

TypePtr Type::Fixed(int length) {
  auto t = std::make_shared<Type>();
  t->id = TypeId::kFixed;
  t->length = length;
  return t;
}

TypePtr Type::Struct(std::vector<NestedField> fields) {
  auto t = std::make_shared<Type>();
  t->id = TypeId::kStruct;
  t->fields = std::move(fields);
  return t;
}

TypePtr Type::List(int element_id, bool element_required, TypePtr element) {
  auto t = std::make_shared<Type>();
  t->id = TypeId::kList;
  t->element = NestedField{element_id, "element", element_required, std::move(element), ""};
  return t;
}

TypePtr Type::Map(int key_id, TypePtr key, int value_id, bool value_required, TypePtr value) {
  auto t = std::make_shared<Type>();
  t->id = TypeId::kMap;
  t->key = NestedField{key_id, "key", true, std::move(key), ""};
  t->value = NestedField{value_id, "value", value_required, std::move(value), ""};
  return t;
}

Result<TypePtr> ParsePrimitiveType(std::string_view text) {
  const std::string_view s = Trim(text);
  static const std::pair<std::string_view, TypePtr (*)()> kSimple[] = {
      {"boolean", Type::Boolean}, {"int", Type::Int},       {"long", Type::Long},
      {"float", Type::Float},     {"double", Type::Double}, {"date", Type::Date},
      {"time", Type::Time},       {"timestamp", Type::Timestamp},
      {"timestamptz", Type::TimestampTz}, {"string", Type::String}, {"uuid", Type::Uuid},
      {"binary", Type::Binary}};
  for (const auto& [name, make] : kSimple) {
    if (s == name) return make();
  }
  if (s.starts_with("decimal(") && s.ends_with(")")) {
    const std::string_view inner = s.substr(8, s.size() - 9);
    const size_t comma = inner.find(',');
    int p = 0, sc = 0;
    if (comma != std::string_view::npos && ParseSmallInt(inner.substr(0, comma), &p) &&
        ParseSmallInt(inner.substr(comma + 1), &sc) && p >= 1 && p <= 38 && sc <= p) {
      return Type::Decimal(p, sc);
    }
  }
  if (s.starts_with("fixed[") && s.ends_with("]")) {
    int len = 0;
    if (ParseSmallInt(s.substr(6, s.size() - 7), &len) && len > 0) return Type::Fixed(len);
  }
  return Status::InvalidArgument("not an Iceberg primitive type: \"" + std::string(text) + "\"");
}

int DecimalRequiredBytes(int precision) {
  // The smallest n with 2^(8n-1) > 10^precision - 1, i.e. 8n-1 >= precision * log2(10).
  for (int n = 1; n <= 17; ++n) {
    long double max = 1;
    for (int i = 0; i < 8 * n - 1; ++i) max *= 2;
    long double need = 1;
    for (int i = 0; i < precision; ++i) need *= 10;
    if (max >= need) return n;
  }
  return 17;
}

// ---- Schema ----

const NestedField* Schema::FindField(int id) const {
  for (const auto& f : fields) {
    if (f.id == id) return &f;
    if (const NestedField* hit = FindInType(*f.type, id)) return hit;
  }
  return nullptr;
}

const NestedField* Schema::FindFieldByName(std::string_view name) const {
  const std::vector<NestedField>* level = &fields;
  const NestedField* found = nullptr;
  for (std::string_view part : SplitPath(name)) {
    if (level == nullptr) return nullptr;
    found = nullptr;
    for (const auto& f : *level) {
      if (f.name == part) {
        found = &f;
        break;
      }
    }
    if (found == nullptr) return nullptr;
    level = found->type->id == TypeId::kStruct ? &found->type->fields : nullptr;
  }
  return found;
}

int Schema::HighestFieldId() const {
  int highest = 0;
  auto fn = [&](const NestedField& f, bool, bool) { highest = std::max(highest, f.id); };
  Walk(fields, false, false, fn);
  return highest;
}

Status Schema::Validate() const {
  std::set<int> ids;
  Status st;
  auto fn = [&](const NestedField& f, bool, bool) {
    if (!st.ok()) return;
    if (f.id <= 0) {
      st = Status::InvalidArgument("field \"" + f.name + "\" has id " + std::to_string(f.id) +
                                   " (ids must be positive)");
    } else if (!ids.insert(f.id).second) {
      st = Status::InvalidArgument("field id " + std::to_string(f.id) + " is used twice");
    } else if (f.type->id == TypeId::kStruct) {
      std::set<std::string_view> names;
      for (const auto& c : f.type->fields) {
        if (!names.insert(c.name).second) {
          st = Status::InvalidArgument("struct \"" + f.name + "\" has two fields named \"" +
                                       c.name + "\"");
        }
      }
    }
  };
  Walk(fields, false, false, fn);
  SILT_RETURN_IF_ERROR(st);
  std::set<std::string_view> names;
  for (const auto& f : fields) {
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("schema has two columns named \"" + f.name + "\"");
    }
  }
  for (int id : identifier_field_ids) {
    bool found = false;
    auto check = [&](const NestedField& f, bool in_collection, bool in_optional) {
      if (f.id != id || !st.ok()) return;
      found = true;
      if (!f.required || !f.type->is_primitive() || f.type->id == TypeId::kFloat ||
          f.type->id == TypeId::kDouble || in_collection || in_optional) {
        st = Status::InvalidArgument(
            "identifier field \"" + f.name +
            "\" must be a required primitive (not float/double), outside lists, maps and "
            "optional structs");
      }
    };
    Walk(fields, false, false, check);
    SILT_RETURN_IF_ERROR(st);
    if (!found) {
      return Status::InvalidArgument("identifier field id " + std::to_string(id) +
                                     " is not in the schema");
    }
  }
  return Status::OK();
}

namespace internal {

Json SchemaToJsonValue(const Schema& schema) {
  Json j;
  j["type"] = "struct";
  j["schema-id"] = schema.schema_id;
  if (!schema.identifier_field_ids.empty()) j["identifier-field-ids"] = schema.identifier_field_ids;
  Json fields = Json::array();
  for (const auto& f : schema.fields) fields.push_back(FieldToJson(f));
  j["fields"] = std::move(fields);
  return j;
}

Result<Schema> SchemaFromJsonValue(const Json& j) {
  Schema s;
  if (j.at("type").get<std::string>() != "struct") {
    return Status::ParseError("a schema must have type \"struct\"");
  }
  if (auto it = j.find("schema-id"); it != j.end()) s.schema_id = it->get<int>();
  if (auto it = j.find("identifier-field-ids"); it != j.end() && !it->is_null()) {
    s.identifier_field_ids = it->get<std::vector<int>>();
  }
  for (const Json& fj : j.at("fields")) {
    SILT_ASSIGN_OR_RETURN(NestedField f, FieldFromJson(fj, 0));
    s.fields.push_back(std::move(f));
  }
  Status st = s.Validate();
  if (!st.ok()) return Status::ParseError("invalid schema: " + st.message());
  return s;
}

}  // namespace internal

std::string SchemaToJson(const Schema& schema) { return internal::SchemaToJsonValue(schema).dump(); }

Result<Schema> ParseSchemaJson(std::string_view json) {
  return internal::CatchJson("bad Iceberg schema JSON", [&]() -> Result<Schema> {
    return internal::SchemaFromJsonValue(Json::parse(json));
  });
}

// ---- evolution ----

bool CanPromote(const Type& from, const Type& to) {
  if (from.Equals(to)) return true;
  if (from.id == TypeId::kInt && to.id == TypeId::kLong) return true;
  if (from.id == TypeId::kFloat && to.id == TypeId::kDouble) return true;
  return from.id == TypeId::kDecimal && to.id == TypeId::kDecimal && from.scale == to.scale &&
         to.precision > from.precision && to.precision <= 38;
}

Result<Schema> AddColumn(const Schema& schema, int* last_column_id, std::string_view name,
                         TypePtr type, std::string doc, int new_schema_id) {
  if (name.empty() || name.find('.') != std::string_view::npos) {
    return Status::InvalidArgument("bad column name \"" + std::string(name) + "\"");
  }
  for (const auto& f : schema.fields) {
    if (f.name == name) {
      return Status::InvalidArgument("column \"" + std::string(name) + "\" already exists");
    }
  }
  int next = std::max(*last_column_id, schema.HighestFieldId());
  NestedField field;
  field.id = ++next;
  field.name = std::string(name);
  field.required = false;
  field.type = AssignFreshIds(*type, &next);
  field.doc = std::move(doc);
  Schema out = schema;
  out.schema_id = new_schema_id;
  out.fields.push_back(std::move(field));
  *last_column_id = next;
  return out;
}

Result<Schema> WidenColumn(const Schema& schema, std::string_view name, TypePtr new_type,
                           int new_schema_id) {
  Schema out = schema;
  out.schema_id = new_schema_id;
  auto fn = [&](NestedField& f, std::vector<NestedField>&) -> Status {
    if (!CanPromote(*f.type, *new_type) || f.type->is_nested()) {
      return Status::InvalidArgument("cannot change column \"" + std::string(name) + "\" from " +
                                     f.type->ToString() + " to " + new_type->ToString() +
                                     " (allowed: int->long, float->double, wider decimal "
                                     "precision)");
    }
    f.type = new_type;
    return Status::OK();
  };
  SILT_RETURN_IF_ERROR(UpdateAt(&out.fields, SplitPath(name), 0, name, fn));
  return out;
}

Result<Schema> RenameColumn(const Schema& schema, std::string_view name,
                            std::string_view new_name, int new_schema_id) {
  if (new_name.empty() || new_name.find('.') != std::string_view::npos) {
    return Status::InvalidArgument("bad new column name \"" + std::string(new_name) + "\"");
  }
  Schema out = schema;
  out.schema_id = new_schema_id;
  auto fn = [&](NestedField& f, std::vector<NestedField>& siblings) -> Status {
    for (const auto& s : siblings) {
      if (s.name == new_name && &s != &f) {
        return Status::InvalidArgument("cannot rename \"" + std::string(name) + "\" to \"" +
                                       std::string(new_name) + "\": the name is taken");
      }
    }
    f.name = std::string(new_name);
    return Status::OK();
  };
  SILT_RETURN_IF_ERROR(UpdateAt(&out.fields, SplitPath(name), 0, name, fn));
  return out;
}

}  // namespace silt::iceberg
