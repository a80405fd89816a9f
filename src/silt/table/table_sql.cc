#include "silt/table/table_sql.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/catalog/committer.h"
#include "silt/common/civil_time.h"
#include "silt/common/strings.h"
#include "silt/common/time_format.h"
#include "silt/iceberg/literal.h"
#include "silt/iceberg/partition.h"
#include "silt/iceberg/table_ops.h"
#include "silt/iceberg/transforms.h"
#include "silt/query/database.h"

namespace silt::table {

namespace {

using nlohmann::json;
namespace ice = silt::iceberg;

// A string member of a syntax-tree object, or "" (members change type from node to node:
// "type" is a string on expressions and an object on values).
std::string Str(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return {};
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A member, or null when absent (operator[] on a const json must not meet a missing key).
const nlohmann::json& At(const nlohmann::json& o, const char* key) {
  static const nlohmann::json kNull;
  if (!o.is_object()) return kNull;
  auto it = o.find(key);
  return it != o.end() ? *it : kNull;
}

size_t Loc(const nlohmann::json& o) {
  if (!o.is_object()) return 0;
  auto it = o.find("query_location");
  return it != o.end() && it->is_number_unsigned() ? it->get<size_t>() : 0;
}

bool Flag(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return false;
  auto it = o.find(key);
  return it != o.end() && it->is_boolean() && it->get<bool>();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

enum class Op { kEq, kLt, kLe, kGt, kGe };

// `column op constant`, from the WHERE clause.
struct Predicate {
  std::string column;  // lowercase
  Op op;
  json constant;       // DuckDB's serialized Value: {"type":{"id":..},"is_null":..,"value":..}
};

// One reference to a catalog table in the statement.
struct Ref {
  std::string identifier;  // as the catalog names it
  size_t location = 0;     // character offset of the reference in the statement
  json at_clause;          // null when absent
  std::vector<Predicate> predicates;
  bool prunable = false;   // the only table of its SELECT, so its WHERE filters it
};

Op Flip(Op op) {
  switch (op) {
    case Op::kLt: return Op::kGt;
    case Op::kLe: return Op::kGe;
    case Op::kGt: return Op::kLt;
    case Op::kGe: return Op::kLe;
    default: return op;
  }
}

std::optional<Op> ComparisonOp(const std::string& type) {
  if (type == "COMPARE_EQUAL") return Op::kEq;
  if (type == "COMPARE_LESSTHAN") return Op::kLt;
  if (type == "COMPARE_LESSTHANOREQUALTO") return Op::kLe;
  if (type == "COMPARE_GREATERTHAN") return Op::kGt;
  if (type == "COMPARE_GREATERTHANOREQUALTO") return Op::kGe;
  return std::nullopt;
}

// The constant of an expression (through casts), or null.
const json* ConstantOf(const json& e) {
  if (!e.is_object()) return nullptr;
  const std::string cls = Str(e, "class");
  if (cls == "CONSTANT" && e.contains("value")) return &At(e, "value");
  if (cls == "CAST" && e.contains("child")) return ConstantOf(At(e, "child"));
  return nullptr;
}

std::string ColumnOf(const json& e) {
  if (!e.is_object() || Str(e, "class") != "COLUMN_REF") return {};
  const json& names = At(e, "column_names");
  if (!names.is_array() || names.empty()) return {};
  return Lower(names.back().get<std::string>());
}

void CollectPredicates(const json& e, std::vector<Predicate>* out) {
  if (!e.is_object()) return;
  const std::string cls = Str(e, "class");
  const std::string type = Str(e, "type");
  if (cls == "CONJUNCTION" && type == "CONJUNCTION_AND") {
    for (const json& c : At(e, "children")) CollectPredicates(c, out);
    return;
  }
  if (cls == "COMPARISON") {
    auto op = ComparisonOp(type);
    if (!op) return;
    std::string col = ColumnOf(At(e, "left"));
    const json* k = ConstantOf(At(e, "right"));
    if (col.empty() || k == nullptr) {
      col = ColumnOf(At(e, "right"));
      k = ConstantOf(At(e, "left"));
      op = Flip(*op);
    }
    if (!col.empty() && k != nullptr) out->push_back({col, *op, *k});
    return;
  }
  if (cls == "BETWEEN") {
    std::string col = ColumnOf(At(e, "input"));
    const json* lo = ConstantOf(At(e, "lower"));
    const json* hi = ConstantOf(At(e, "upper"));
    if (col.empty() || lo == nullptr || hi == nullptr) return;
    out->push_back({col, Op::kGe, *lo});
    out->push_back({col, Op::kLe, *hi});
  }
}

// Walks the statement's syntax tree for base-table references to catalog tables.
void FindRefs(const json& node, const std::map<std::string, std::string>& tables,
              std::vector<Ref>* refs) {
  if (node.is_array()) {
    for (const json& c : node) FindRefs(c, tables, refs);
    return;
  }
  if (!node.is_object()) return;
  if (Str(node, "type") == "BASE_TABLE" && node.contains("table_name")) {
    std::string ns = Str(node, "schema_name");
    const std::string cat = Str(node, "catalog_name");
    if (!cat.empty()) ns = cat + "." + ns;
    auto it = tables.find(Lower(ns + "." + Str(node, "table_name")));
    if (!ns.empty() && it != tables.end()) {
      Ref r;
      r.identifier = it->second;
      r.location = Loc(node);
      r.at_clause = node.contains("at_clause") ? At(node, "at_clause") : json();
      refs->push_back(std::move(r));
    }
  }
  if (Str(node, "type") == "SELECT_NODE" && node.contains("from_table")) {
    const size_t before = refs->size();
    for (auto& [k, v] : node.items()) FindRefs(v, tables, refs);
    // A SELECT over one catalog table alone: its WHERE filters that table.
    const json& from = At(node, "from_table");
    if (from.is_object() && Str(from, "type") == "BASE_TABLE" && refs->size() > before) {
      for (size_t i = before; i < refs->size(); ++i) {
        if ((*refs)[i].location == Loc(from)) {
          (*refs)[i].prunable = true;
          if (node.contains("where_clause")) CollectPredicates(At(node, "where_clause"), &(*refs)[i].predicates);
        }
      }
    }
    return;
  }
  for (auto& [k, v] : node.items()) FindRefs(v, tables, refs);
}

// A DuckDB constant as an Iceberg literal of `type` (nullopt when it does not convert).
std::optional<ice::Literal> ToLiteral(const json& value, const ice::TypePtr& type) {
  if (!value.is_object() || Flag(value, "is_null") || !value.contains("value")) return std::nullopt;
  const json& v = At(value, "value");
  // A DECIMAL constant (DuckDB's type of 399.5 or 14.0) is serialized as its unscaled integer:
  // 3995 with scale 1. Wider ones (a 128-bit value as an object) prune nothing.
  const json& ctype = value.contains("type") ? At(value, "type") : value;
  int scale = 0;
  if (ctype.is_object() && Str(ctype, "id") == "DECIMAL") {
    const json& info = At(ctype, "type_info");
    if (!info.is_object() || !info.contains("scale") || !At(info, "scale").is_number_integer()) {
      return std::nullopt;
    }
    scale = At(info, "scale").get<int>();
    if (scale < 0 || scale > 18 || !v.is_number_integer()) return std::nullopt;
  }
  int64_t pow10 = 1;
  for (int i = 0; i < scale; ++i) pow10 *= 10;
  auto as_int = [&](int64_t* out) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return false;
    if (v.is_number_integer()) {
      const int64_t raw = v.get<int64_t>();
      if (raw % pow10 != 0) return false;  // 399.5 is no integer: prune nothing
      *out = raw / pow10;
      return true;
    }
    return scale == 0 && v.is_string() && ParseInt64(v.get<std::string>(), out);
  };
  auto as_double = [&](double* out) {
    if (!v.is_number()) return false;
    if (scale > 0) {  // as DuckDB casts a DECIMAL to DOUBLE
      *out = static_cast<double>(v.get<int64_t>()) / static_cast<double>(pow10);
    } else {
      *out = v.get<double>();
    }
    return std::isfinite(*out);
  };
  auto as_micros = [&](int64_t* out) {
    if (!v.is_string()) return false;
    std::string s = v.get<std::string>();
    if (s.size() == 10 && s[4] == '-' && s[7] == '-') s += "T00:00:00Z";
    else if (s.find('Z') == std::string::npos && s.find('+') == std::string::npos &&
             s.rfind('-') < 8) s += "Z";  // no zone: the session's, which silt sets to UTC
    return ParseIso8601(s, out);
  };
  switch (type->id) {
    case ice::TypeId::kInt:
    case ice::TypeId::kLong: {
      int64_t n;
      if (!as_int(&n)) return std::nullopt;
      if (type->id == ice::TypeId::kInt && (n < INT32_MIN || n > INT32_MAX)) return std::nullopt;
      return ice::Literal::OfInt64(type, n);
    }
    case ice::TypeId::kFloat:
    case ice::TypeId::kDouble: {
      double d;
      if (!as_double(&d)) return std::nullopt;
      if (type->id == ice::TypeId::kDouble) return ice::Literal::Double(d);
      // A FLOAT column against a value a float cannot hold exactly (16.3): whether the
      // comparison happens in FLOAT or DOUBLE decides its answer at the bounds; prune nothing.
      if (std::fabs(d) > std::numeric_limits<float>::max() ||
          static_cast<double>(static_cast<float>(d)) != d) {
        return std::nullopt;
      }
      return ice::Literal::Float(static_cast<float>(d));
    }
    case ice::TypeId::kString:
      if (!v.is_string() || scale > 0) return std::nullopt;
      return ice::Literal::String(v.get<std::string>());
    case ice::TypeId::kDate: {
      int64_t us;
      if (!as_micros(&us)) return std::nullopt;
      return ice::Literal::Date(static_cast<int32_t>(us >= 0 ? us / 86400000000LL : (us - 86399999999LL) / 86400000000LL));
    }
    case ice::TypeId::kTimestamp:
    case ice::TypeId::kTimestampTz: {
      int64_t us;
      if (!as_micros(&us)) return std::nullopt;
      return type->id == ice::TypeId::kTimestamp ? ice::Literal::Timestamp(us) : ice::Literal::TimestampTz(us);
    }
    default:
      return std::nullopt;
  }
}

// Could a file whose values of a column lie in [lo, hi] hold a row with `column op v`?
bool RangeMayMatch(const ice::Literal& lo, const ice::Literal& hi, Op op, const ice::Literal& v) {
  switch (op) {
    case Op::kEq: return ice::Compare(lo, v) <= 0 && ice::Compare(v, hi) <= 0;
    case Op::kLt: return ice::Compare(lo, v) < 0;
    case Op::kLe: return ice::Compare(lo, v) <= 0;
    case Op::kGt: return ice::Compare(hi, v) > 0;
    case Op::kGe: return ice::Compare(hi, v) >= 0;
  }
  return true;
}

// A predicate on one field, ready to test files.
struct FieldPredicate {
  int field_id;
  ice::TypePtr type;
  Op op;
  ice::Literal value;
};

// The predicates over `schema`'s primitive columns whose constant converts to the column's
// type; others prune nothing and are left out.
std::vector<FieldPredicate> FieldPredicates(const std::vector<Predicate>& raw,
                                            const ice::Schema& schema) {
  std::vector<FieldPredicate> out;
  for (const Predicate& p : raw) {
    for (const ice::NestedField& f : schema.fields) {
      if (Lower(f.name) != p.column || !f.type->is_primitive()) continue;
      if (auto lit = ToLiteral(p.constant, f.type)) out.push_back({f.id, f.type, p.op, *lit});
    }
  }
  return out;
}

bool FileMayMatch(const ice::PlannedFile& pf, const std::vector<FieldPredicate>& preds,
                  const ice::PartitionSpec* spec) {
  for (const FieldPredicate& p : preds) {
    // Column bounds.
    auto lo = pf.file.lower_bounds.find(p.field_id);
    auto hi = pf.file.upper_bounds.find(p.field_id);
    if (lo != pf.file.lower_bounds.end() && hi != pf.file.upper_bounds.end()) {
      auto l = ice::FromBytes(p.type, lo->second);
      auto h = ice::FromBytes(p.type, hi->second);
      if (l.ok() && h.ok() && !RangeMayMatch(*l, *h, p.op, p.value)) return false;
    }
    // Partition values of order-preserving transforms of the column.
    if (spec == nullptr) continue;
    for (size_t i = 0; i < spec->fields.size() && i < pf.file.partition.size(); ++i) {
      const ice::PartitionField& f = spec->fields[i];
      if (f.source_id != p.field_id || pf.file.partition[i].is_null()) continue;
      const auto kind = f.transform.kind();
      if (kind != ice::TransformKind::kIdentity && kind != ice::TransformKind::kYear &&
          kind != ice::TransformKind::kMonth && kind != ice::TransformKind::kDay &&
          kind != ice::TransformKind::kHour) {
        continue;
      }
      auto tv = f.transform.Apply(p.value);
      if (!tv.ok()) continue;
      const ice::Literal& part = pf.file.partition[i];
      // A transform that truncates time keeps order but not strictness: x < v only means
      // T(x) <= T(v).
      Op op = p.op;
      if (kind != ice::TransformKind::kIdentity) {
        if (op == Op::kLt) op = Op::kLe;
        if (op == Op::kGt) op = Op::kGe;
      }
      if (tv->type_id() != part.type_id()) continue;
      if (!RangeMayMatch(part, part, op, *tv)) return false;
    }
  }
  return true;
}

std::string DuckType(const ice::Type& t) {
  switch (t.id) {
    case ice::TypeId::kBoolean: return "BOOLEAN";
    case ice::TypeId::kInt: return "INTEGER";
    case ice::TypeId::kLong: return "BIGINT";
    case ice::TypeId::kFloat: return "FLOAT";
    case ice::TypeId::kDouble: return "DOUBLE";
    case ice::TypeId::kDecimal: return fmt::format("DECIMAL({},{})", t.precision, t.scale);
    case ice::TypeId::kDate: return "DATE";
    case ice::TypeId::kTime: return "TIME";
    case ice::TypeId::kTimestamp: return "TIMESTAMP";
    case ice::TypeId::kTimestampTz: return "TIMESTAMPTZ";
    case ice::TypeId::kString: return "VARCHAR";
    case ice::TypeId::kUuid: return "UUID";
    case ice::TypeId::kFixed:
    case ice::TypeId::kBinary: return "BLOB";
    default: return "";
  }
}

std::string LocalOrRemotePath(std::string_view uri) {
  if (uri.starts_with("file://")) {
    auto u = ParseUri(uri);
    if (u.ok()) return u->path;
  }
  return std::string(uri);
}

// The snapshot an AT clause names: VERSION => id, or TIMESTAMP => the snapshot current then.
Result<int64_t> SnapshotFromAt(const json& at, const ice::TableMetadata& md, const std::string& table) {
  const std::string unit = Lower(Str(at, "unit"));
  const json* k = at.contains("expr") ? ConstantOf(At(at, "expr")) : nullptr;
  if (k == nullptr) {
    return Status::InvalidArgument(fmt::format("{} AT (...): only a constant is supported", table));
  }
  if (unit == "version") {
    // A snapshot id is an integer; read like a BIGINT column's constant (a DECIMAL such as
    // 123.0 at its scale).
    auto lit = ToLiteral(*k, ice::Type::Long());
    if (!lit) return Status::InvalidArgument(fmt::format("{} AT (VERSION => ...): a snapshot id", table));
    return lit->as_long();
  }
  if (unit == "timestamp") {
    auto lit = ToLiteral(*k, ice::Type::TimestampTz());
    if (!lit) return Status::InvalidArgument(fmt::format("{} AT (TIMESTAMP => ...): a time stamp", table));
    const int64_t ms = lit->as_long() / 1000;
    std::optional<int64_t> best;
    for (const auto& e : md.snapshot_log) {
      if (e.timestamp_ms <= ms) best = e.snapshot_id;
    }
    if (!best) {
      return Status::NotFound(fmt::format("{} has no snapshot as of {}", table, At(*k, "value").dump()));
    }
    return *best;
  }
  return Status::InvalidArgument(fmt::format("{} AT ({} => ...): use VERSION or TIMESTAMP", table, unit));
}

// The end of "AT ( ... )" starting at or after `from`, or npos.
size_t AtClauseSpan(std::string_view sql, size_t from, size_t* at_begin) {
  size_t i = from;
  while (i + 1 < sql.size()) {
    if ((sql[i] == 'A' || sql[i] == 'a') && (sql[i + 1] == 'T' || sql[i + 1] == 't') &&
        (i == 0 || !std::isalnum(static_cast<unsigned char>(sql[i - 1]))) &&
        (i + 2 >= sql.size() || !std::isalnum(static_cast<unsigned char>(sql[i + 2])))) {
      size_t p = i + 2;
      while (p < sql.size() && std::isspace(static_cast<unsigned char>(sql[p]))) ++p;
      if (p < sql.size() && sql[p] == '(') {
        int depth = 0;
        for (size_t q = p; q < sql.size(); ++q) {
          if (sql[q] == '(') ++depth;
          if (sql[q] == ')' && --depth == 0) {
            *at_begin = i;
            return q + 1;
          }
        }
      }
      return std::string_view::npos;
    }
    ++i;
  }
  return std::string_view::npos;
}

// The end of a (possibly quoted, dotted) name starting at `from`.
size_t NameEnd(std::string_view sql, size_t from) {
  size_t i = from;
  while (i < sql.size()) {
    // One part: "quoted ""name""" or a bare identifier.
    if (sql[i] == '"') {
      size_t e = i + 1;
      while (e < sql.size() && !(sql[e] == '"' && (e + 1 >= sql.size() || sql[e + 1] != '"'))) {
        e += sql[e] == '"' ? 2 : 1;
      }
      i = std::min(e + 1, sql.size());
    } else {
      const size_t start = i;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) ++i;
      if (i == start) break;
    }
    if (i < sql.size() && sql[i] == '.') {
      ++i;  // another part follows
    } else {
      break;
    }
  }
  return i;
}

}  // namespace

Result<std::string> BindCatalogTables(query::Database& db, Warehouse& warehouse,
                                      std::string_view sql, const BindOptions& options,
                                      std::vector<BoundTable>* bound) {
  // The catalog's tables, by lowercase "ns.name".
  std::map<std::string, std::string> tables;
  SILT_ASSIGN_OR_RETURN(auto namespaces, warehouse.catalog().ListNamespaces());
  const std::string lower_sql = Lower(sql);
  for (const std::string& ns : namespaces) {
    SILT_ASSIGN_OR_RETURN(auto names, warehouse.catalog().ListTables(ns));
    for (const std::string& n : names) {
      // ListTables may answer "ns.name" or "name".
      std::string id = n.find('.') != std::string::npos && n.starts_with(ns + ".") ? n : ns + "." + n;
      tables[Lower(id)] = id;
    }
  }
  bool mentioned = false;
  for (const auto& [lower, id] : tables) {
    const std::string name = lower.substr(lower.rfind('.') + 1);
    if (lower_sql.find(name) != std::string::npos) mentioned = true;
  }
  if (!mentioned) return std::string(sql);

  // Parse with DuckDB itself.
  std::vector<Ref> refs;
  auto ser = db.Query("SELECT json_serialize_sql(" + query::SqlQuote(std::string(sql)) + ")");
  json tree;
  if (ser.ok() && ser->row_count() == 1) {
    tree = json::parse(ser->Text(0, 0), nullptr, false);
  }
  bool parsed = false;
  if (!tree.is_discarded() && tree.is_object() && !Flag(tree, "error")) {
    try {
      FindRefs(At(tree, "statements"), tables, &refs);
      parsed = true;
    } catch (const json::exception&) {
      refs.clear();  // a tree shape silt does not know: no pruning, every file
    }
  }
  if (!parsed) {
    // Not a SELECT (e.g. CREATE TABLE AS, COPY): every mentioned table over all its files.
    for (const auto& [lower, id] : tables) {
      if (lower_sql.find(lower) != std::string::npos) refs.push_back(Ref{id, 0, json(), {}, false});
    }
  }
  if (refs.empty()) return std::string(sql);

  // A table referenced more than once without AT reads one view: prune only for one reference.
  std::map<std::string, int> plain_refs;
  for (const Ref& r : refs) {
    if (r.at_clause.is_null()) ++plain_refs[r.identifier];
  }
  std::string out(sql);
  std::set<std::string> made;
  // Rewrite from the end, so earlier offsets stay valid.
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.location > b.location; });
  for (const Ref& r : refs) {
    SILT_ASSIGN_OR_RETURN(catalog::CommitResult loaded,
                          catalog::LoadTable(warehouse.catalog(), warehouse.io(), r.identifier));
    const ice::TableMetadata& md = loaded.metadata;
    std::optional<int64_t> snapshot = options.snapshot_id;
    if (!r.at_clause.is_null()) {
      SILT_ASSIGN_OR_RETURN(int64_t s, SnapshotFromAt(r.at_clause, md, r.identifier));
      snapshot = s;
    }
    if (snapshot && md.SnapshotById(*snapshot) == nullptr) {
      std::string known;
      for (const auto& s : md.snapshots) known += (known.empty() ? "" : ", ") + std::to_string(s.snapshot_id);
      return Status::NotFound(fmt::format("{} has no snapshot {} (snapshots: {})", r.identifier,
                                          *snapshot, known.empty() ? "none" : known));
    }
    const ice::Snapshot* snap = snapshot ? md.SnapshotById(*snapshot) : md.CurrentSnapshot();
    // The table's current schema for its current snapshot (a schema change without new data,
    // e.g. `silt table alter`, shows at once); an older snapshot's own schema for time travel.
    const ice::Schema* schema = snapshot && snap != nullptr && snap->schema_id
                                    ? md.SchemaById(*snap->schema_id)
                                    : nullptr;
    if (schema == nullptr) schema = md.CurrentSchema();
    if (schema == nullptr) return Status::Corruption(fmt::format("{}: metadata without a schema", r.identifier));

    // Predicates on this table's columns.
    const bool prune = r.prunable && (!r.at_clause.is_null() || plain_refs[r.identifier] == 1);
    const std::vector<FieldPredicate> preds =
        prune ? FieldPredicates(r.predicates, *schema) : std::vector<FieldPredicate>();
    BoundTable b;
    b.table = r.identifier;
    std::vector<std::string> files;
    if (snap != nullptr) {
      ice::PlanOptions po;
      po.snapshot_id = snap->snapshot_id;
      size_t total = 0;
      po.file_filter = [&](const ice::PlannedFile& pf) {
        ++total;
        return FileMayMatch(pf, preds, md.SpecById(pf.partition_spec_id));
      };
      SILT_ASSIGN_OR_RETURN(ice::FilePlan plan, ice::PlanFiles(warehouse.io(), md, po));
      if (!plan.delete_files.empty()) {
        return Status::InvalidArgument(fmt::format(
            "{} has row-level delete files (merge-on-read), which silt does not read yet",
            r.identifier));
      }
      for (const auto& pf : plan.data_files) files.push_back(LocalOrRemotePath(pf.file.file_path));
      b.snapshot_id = snap->snapshot_id;
      b.files_total = total;
      b.files_scanned = files.size();
    }
    // The view.
    const catalog::TableIdentifier id = *catalog::ParseTableIdentifier(r.identifier);
    const bool rewrite = !r.at_clause.is_null() || id.ns.find('.') != std::string::npos;
    const std::string view_schema = rewrite ? "silt_snapshots" : id.ns;
    const std::string view_name =
        rewrite ? fmt::format("{}@{}", r.identifier, b.snapshot_id ? std::to_string(*b.snapshot_id) : "empty")
                : id.name;
    std::string columns, select;
    bool nested = false;
    for (const ice::NestedField& f : schema->fields) {
      const std::string t = DuckType(*f.type);
      if (t.empty()) nested = true;
      if (!columns.empty()) columns += ", ";
      columns += fmt::format("{}: {{name: {}, type: {}, default_value: NULL}}", f.id,
                             query::SqlQuote(f.name), query::SqlQuote(t));
      if (!select.empty()) select += ", ";
      select += fmt::format("CAST(NULL AS {}) AS {}", t.empty() ? "VARCHAR" : t, query::SqlIdent(f.name));
    }
    std::string body;
    if (files.empty()) {
      body = fmt::format("SELECT {} WHERE false", select);
    } else {
      std::string list;
      for (const std::string& f : files) list += (list.empty() ? "" : ", ") + query::SqlQuote(f);
      body = nested ? fmt::format("SELECT * FROM read_parquet([{}], union_by_name => true)", list)
                    : fmt::format("SELECT * FROM read_parquet([{}], schema => MAP {{{}}})", list, columns);
    }
    const std::string qualified = query::SqlIdent(view_schema) + "." + query::SqlIdent(view_name);
    if (made.insert(qualified).second) {
      SILT_RETURN_IF_ERROR(db.Exec(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", query::SqlIdent(view_schema))));
      SILT_RETURN_IF_ERROR(db.Exec(fmt::format("CREATE OR REPLACE VIEW {} AS {}", qualified, body)));
    }
    b.view = qualified;
    if (rewrite && r.location < out.size()) {
      const size_t name_end = NameEnd(out, r.location);
      size_t at_begin = std::string::npos;
      size_t at_end = r.at_clause.is_null() ? std::string::npos : AtClauseSpan(out, name_end, &at_begin);
      if (at_end != std::string::npos) out.erase(at_begin, at_end - at_begin);
      // Keep the table's own name as the alias when the reference had none.
      std::string_view rest = std::string_view(out).substr(name_end);
      size_t k = 0;
      while (k < rest.size() && std::isspace(static_cast<unsigned char>(rest[k]))) ++k;
      std::string next_word;
      while (k < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[k])) || rest[k] == '_')) next_word += rest[k++];
      static const std::set<std::string> kNotAlias = {
          "", "where", "group", "order", "limit", "join", "left", "right", "inner", "full", "cross",
          "natural", "on", "using", "union", "except", "intersect", "having", "window", "qualify",
          "offset", "as", "at", "tablesample", "using", "positional", "asof", "anti", "semi"};
      const bool has_alias = !kNotAlias.count(Lower(next_word)) || Lower(next_word) == "as";
      std::string replacement = qualified;
      if (!has_alias) replacement += " AS " + query::SqlIdent(id.name);
      out.replace(r.location, name_end - r.location, replacement);
    }
    if (bound != nullptr) bound->push_back(std::move(b));
  }
  if (bound != nullptr) std::reverse(bound->begin(), bound->end());
  return out;
}

Result<std::function<bool(const iceberg::PlannedFile&)>> FilePrunerForFilter(
    query::Database& db, const iceberg::TableMetadata& metadata, std::string_view where_sql) {
  auto keep_all = std::function<bool(const iceberg::PlannedFile&)>([](const iceberg::PlannedFile&) { return true; });
  const ice::Schema* schema = metadata.CurrentSchema();
  if (schema == nullptr) return keep_all;
  const std::string probe = fmt::format("SELECT * FROM __silt_t WHERE (\n{}\n)", where_sql);
  auto ser = db.Query("SELECT json_serialize_sql(" + query::SqlQuote(probe) + ")");
  if (!ser.ok() || ser->row_count() != 1) return keep_all;
  json tree = json::parse(ser->Text(0, 0), nullptr, false);
  if (tree.is_discarded() || !tree.is_object() || Flag(tree, "error")) return keep_all;
  std::vector<Predicate> raw;
  try {
    const json& stmts = At(tree, "statements");
    if (!stmts.is_array() || stmts.size() != 1) return keep_all;
    const json& node = At(stmts[0], "node");
    if (Str(node, "type") != "SELECT_NODE") return keep_all;
    CollectPredicates(At(node, "where_clause"), &raw);
  } catch (const json::exception&) {
    return keep_all;
  }
  std::vector<FieldPredicate> preds = FieldPredicates(raw, *schema);
  if (preds.empty()) return keep_all;
  // The specs are copied: the pruner may outlive `metadata`.
  std::map<int, ice::PartitionSpec> specs;
  for (const auto& spec : metadata.partition_specs) specs[spec.spec_id] = spec;
  return std::function<bool(const iceberg::PlannedFile&)>(
      [preds = std::move(preds), specs = std::move(specs)](const iceberg::PlannedFile& pf) {
        auto it = specs.find(pf.partition_spec_id);
        return FileMayMatch(pf, preds, it == specs.end() ? nullptr : &it->second);
      });
}

}  // namespace silt::table
