#include "silt/table/schema_evolution.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "silt/table/iceberg_writer.h"

namespace silt::table {

namespace {

using iceberg::NestedField;
using iceberg::Schema;
using iceberg::Type;
using iceberg::TypeId;
using iceberg::TypePtr;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What kind of value a DuckDB result type holds, for deciding casts and widenings.
enum class Kind { kNull, kBoolean, kInt, kLong, kBigInteger, kFloat, kDouble, kDecimal, kDate, kTimestamp, kString, kOther };

Kind KindOf(duckdb_type t) {
  switch (t) {
    case DUCKDB_TYPE_SQLNULL: return Kind::kNull;
    case DUCKDB_TYPE_BOOLEAN: return Kind::kBoolean;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT: return Kind::kInt;
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UINTEGER: return Kind::kLong;
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_BIGNUM: return Kind::kBigInteger;
    case DUCKDB_TYPE_FLOAT: return Kind::kFloat;
    case DUCKDB_TYPE_DOUBLE: return Kind::kDouble;
    case DUCKDB_TYPE_DECIMAL: return Kind::kDecimal;
    case DUCKDB_TYPE_DATE: return Kind::kDate;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_TIMESTAMP_TZ: return Kind::kTimestamp;
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_ENUM:
    case DUCKDB_TYPE_UUID: return Kind::kString;
    default: return Kind::kOther;
  }
}

// DuckDB's name of a result type, for messages.
std::string DuckName(duckdb_type t) {
  switch (t) {
    case DUCKDB_TYPE_SQLNULL: return "NULL";
    case DUCKDB_TYPE_BOOLEAN: return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT: return "TINYINT";
    case DUCKDB_TYPE_SMALLINT: return "SMALLINT";
    case DUCKDB_TYPE_INTEGER: return "INTEGER";
    case DUCKDB_TYPE_BIGINT: return "BIGINT";
    case DUCKDB_TYPE_UTINYINT: return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT: return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER: return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT: return "UBIGINT";
    case DUCKDB_TYPE_HUGEINT: return "HUGEINT";
    case DUCKDB_TYPE_UHUGEINT: return "UHUGEINT";
    case DUCKDB_TYPE_FLOAT: return "FLOAT";
    case DUCKDB_TYPE_DOUBLE: return "DOUBLE";
    case DUCKDB_TYPE_DECIMAL: return "DECIMAL";
    case DUCKDB_TYPE_DATE: return "DATE";
    case DUCKDB_TYPE_TIME: return "TIME";
    case DUCKDB_TYPE_TIMESTAMP: return "TIMESTAMP";
    case DUCKDB_TYPE_TIMESTAMP_S: return "TIMESTAMP_S";
    case DUCKDB_TYPE_TIMESTAMP_MS: return "TIMESTAMP_MS";
    case DUCKDB_TYPE_TIMESTAMP_NS: return "TIMESTAMP_NS";
    case DUCKDB_TYPE_TIMESTAMP_TZ: return "TIMESTAMPTZ";
    case DUCKDB_TYPE_VARCHAR: return "VARCHAR";
    case DUCKDB_TYPE_BLOB: return "BLOB";
    case DUCKDB_TYPE_UUID: return "UUID";
    case DUCKDB_TYPE_ENUM: return "ENUM";
    case DUCKDB_TYPE_INTERVAL: return "INTERVAL";
    case DUCKDB_TYPE_LIST: return "a LIST";
    case DUCKDB_TYPE_ARRAY: return "an ARRAY";
    case DUCKDB_TYPE_STRUCT: return "a STRUCT";
    case DUCKDB_TYPE_MAP: return "a MAP";
    default: return fmt::format("DuckDB type #{}", static_cast<int>(t));
  }
}

// The Iceberg type a new column of DuckDB type `t` gets; nullopt when silt does not write it.
std::optional<TypePtr> NewColumnType(duckdb_type t) {
  switch (KindOf(t)) {
    case Kind::kBoolean: return Type::Boolean();
    case Kind::kInt: return Type::Int();
    case Kind::kLong: return Type::Long();
    case Kind::kFloat: return Type::Float();
    case Kind::kDouble: return Type::Double();
    case Kind::kDate: return Type::Date();
    case Kind::kTimestamp: return t == DUCKDB_TYPE_TIMESTAMP_TZ ? Type::TimestampTz() : Type::Timestamp();
    case Kind::kString:
      if (t == DUCKDB_TYPE_UUID) return std::nullopt;  // Iceberg uuid: silt does not write it
      return Type::String();
    default: return std::nullopt;
  }
}

enum class Fit { kCast, kWiden, kIncompatible };

// How values of query kind `q` go into a column of Iceberg type `t`; `*wider` is the type
// to widen to when the answer is kWiden.
Fit FitOf(const Type& t, Kind q, TypePtr* wider) {
  if (q == Kind::kNull) return Fit::kCast;
  switch (t.id) {
    case TypeId::kString: return q == Kind::kOther ? Fit::kIncompatible : Fit::kCast;
    case TypeId::kInt:
      if (q == Kind::kInt) return Fit::kCast;
      if (q == Kind::kLong || q == Kind::kBigInteger) {
        *wider = Type::Long();
        return Fit::kWiden;
      }
      return Fit::kIncompatible;
    case TypeId::kLong:
      return q == Kind::kInt || q == Kind::kLong || q == Kind::kBigInteger ? Fit::kCast : Fit::kIncompatible;
    case TypeId::kFloat:
      if (q == Kind::kDouble) {
        *wider = Type::Double();
        return Fit::kWiden;
      }
      [[fallthrough]];
    case TypeId::kDouble:
      return q == Kind::kInt || q == Kind::kLong || q == Kind::kBigInteger || q == Kind::kFloat ||
                     q == Kind::kDouble || q == Kind::kDecimal
                 ? Fit::kCast
                 : Fit::kIncompatible;
    case TypeId::kDecimal:
      return q == Kind::kInt || q == Kind::kLong || q == Kind::kBigInteger || q == Kind::kDecimal
                 ? Fit::kCast
                 : Fit::kIncompatible;
    case TypeId::kBoolean: return q == Kind::kBoolean ? Fit::kCast : Fit::kIncompatible;
    case TypeId::kDate: return q == Kind::kDate ? Fit::kCast : Fit::kIncompatible;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return q == Kind::kDate || q == Kind::kTimestamp ? Fit::kCast : Fit::kIncompatible;
    default: return Fit::kIncompatible;
  }
}

// Whether a partition field keeps the source column's type in its values (identity,
// truncate): widening such a column would change the partition type of existing manifests.
bool PartitionKeepsType(const iceberg::PartitionSpec& spec, int field_id) {
  for (const auto& f : spec.fields) {
    if (f.source_id != field_id) continue;
    const auto k = f.transform.kind();
    if (k == iceberg::TransformKind::kIdentity || k == iceberg::TransformKind::kTruncate) return true;
  }
  return false;
}

std::string ColumnNames(const Schema& s) {
  std::string out;
  for (const auto& f : s.fields) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// The top-level field named `name` (case-insensitive), or nullptr.
const NestedField* FindCaseless(const Schema& s, std::string_view name) {
  const std::string l = Lower(name);
  for (const auto& f : s.fields) {
    if (Lower(f.name) == l) return &f;
  }
  return nullptr;
}

Status CheckNewName(const Schema& s, std::string_view name, std::string_view identifier) {
  if (name.empty()) return Status::InvalidArgument("a column name cannot be empty");
  if (name.find('.') != std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("column name '{}' has a '.' (silt's columns are top-level)", name));
  }
  if (Lower(name).starts_with("__silt_p")) {
    return Status::InvalidArgument(fmt::format("column name '{}' is reserved (silt's partition columns)", name));
  }
  if (const NestedField* f = FindCaseless(s, name)) {
    return Status::InvalidArgument(fmt::format("table {} already has a column '{}' (names are matched "
                                               "case-insensitively)", identifier, f->name));
  }
  return Status::OK();
}

}  // namespace

Result<SchemaMode> ParseSchemaMode(std::string_view text) {
  const std::string t = Lower(text);
  if (t == "evolve") return SchemaMode::kEvolve;
  if (t == "error") return SchemaMode::kError;
  return Status::InvalidArgument(fmt::format(
      "unknown schema mode '{}' (evolve: add new columns and widen types; error: refuse new "
      "columns)", text));
}

std::string_view SchemaModeName(SchemaMode mode) {
  return mode == SchemaMode::kEvolve ? "evolve" : "error";
}

Result<SchemaPlan> PlanAppendSchema(const Schema& current, int last_column_id,
                                    const iceberg::PartitionSpec& spec,
                                    const std::vector<QueryColumn>& columns, SchemaMode mode,
                                    std::string_view identifier) {
  SchemaPlan plan;
  plan.schema = current;
  std::vector<std::string> missing;
  for (const auto& [name, type] : columns) {
    const NestedField* f = FindCaseless(current, name);
    if (f == nullptr) {
      missing.push_back(name);
      continue;
    }
    if (mode == SchemaMode::kError || !f->type->is_primitive()) continue;  // cast as given
    TypePtr wider;
    switch (FitOf(*f->type, KindOf(type), &wider)) {
      case Fit::kCast: break;
      case Fit::kWiden: {
        if (PartitionKeepsType(spec, f->id)) break;  // cast into the column's type instead
        SILT_ASSIGN_OR_RETURN(plan.schema,
                              iceberg::WidenColumn(plan.schema, f->name, wider, current.schema_id));
        plan.widened.push_back(fmt::format("{}: {} -> {}", f->name, f->type->ToString(), wider->ToString()));
        break;
      }
      case Fit::kIncompatible:
        return Status::InvalidArgument(fmt::format(
            "column '{}' of table {} is {} ({}), but the query returns {}: Iceberg cannot change "
            "{} to that type, and the values would not keep their kind; CAST the column in the "
            "query, or give the values a new column name",
            f->name, identifier, f->type->ToString(), TrinoTypeName(*f->type), DuckName(type),
            f->type->ToString()));
    }
  }
  if (!missing.empty()) {
    if (mode == SchemaMode::kError) {
      std::string names;
      for (const auto& m : missing) names += (names.empty() ? "'" : ", '") + m + "'";
      return Status::InvalidArgument(fmt::format(
          "the query returns column{} {}, which table {} does not have (columns: {}); with "
          "--schema-mode evolve (the default) new columns are added to the table, or add them "
          "first with `silt table alter {} add-column NAME TYPE`, or leave them out of the query",
          missing.size() == 1 ? "" : "s", names, identifier, ColumnNames(current), identifier));
    }
    int last = std::max(last_column_id, current.HighestFieldId());
    for (const auto& [name, type] : columns) {
      if (std::find(missing.begin(), missing.end(), name) == missing.end()) continue;
      SILT_RETURN_IF_ERROR(CheckNewName(plan.schema, name, identifier));
      std::optional<TypePtr> t = NewColumnType(type);
      if (!t) {
        return Status::InvalidArgument(fmt::format(
            "the query returns a new column '{}' of type {}, which silt cannot add to table {}; "
            "CAST it to BIGINT, INTEGER, DOUBLE, FLOAT, VARCHAR, BOOLEAN, TIMESTAMPTZ, TIMESTAMP "
            "or DATE",
            name, DuckName(type), identifier));
      }
      SILT_ASSIGN_OR_RETURN(plan.schema,
                            iceberg::AddColumn(plan.schema, &last, name, *t, "", current.schema_id));
      plan.added.push_back(name);
    }
  }
  return plan;
}

bool FilesFitSchema(const Schema& written, const Schema& target) {
  for (const auto& w : written.fields) {
    const NestedField* t = target.FindField(w.id);
    if (t == nullptr || Lower(t->name) != Lower(w.name)) return false;
    if (!iceberg::CanPromote(*w.type, *t->type)) return false;
  }
  for (const auto& t : target.fields) {
    if (t.required && written.FindField(t.id) == nullptr) return false;
  }
  return true;
}

Result<AlterTableResult> AlterIcebergTable(Warehouse& warehouse, const AlterTableRequest& request) {
  // Load first: NotFound names the namespace's tables.
  SILT_ASSIGN_OR_RETURN(catalog::CommitResult loaded, LoadIcebergTable(warehouse, request.identifier));
  const std::string identifier = request.identifier;
  TypePtr type;
  if (request.kind == AlterKind::kAddColumn) {
    auto t = IcebergTypeFromSql(request.type);
    if (!t.ok()) return t.status().WithContext(fmt::format("column '{}'", request.column));
    type = *t;
  } else if (request.kind == AlterKind::kWidenColumn) {
    auto t = IcebergTypeFromSql(request.type);
    if (!t.ok()) {
      auto p = iceberg::ParsePrimitiveType(Lower(request.type));
      if (!p.ok()) return t.status().WithContext(fmt::format("column '{}'", request.column));
      t = p;
    }
    type = *t;
  }
  std::string change;
  // The change against whichever schema is current when the commit is built.
  auto apply = [&](const iceberg::TableMetadata& base) -> Result<iceberg::TableMetadata> {
    const Schema* cur = base.CurrentSchema();
    if (cur == nullptr) return Status::Corruption(fmt::format("{}: metadata without a schema", identifier));
    Schema next;
    switch (request.kind) {
      case AlterKind::kAddColumn: {
        SILT_RETURN_IF_ERROR(CheckNewName(*cur, request.column, identifier));
        int last = std::max(base.last_column_id, cur->HighestFieldId());
        SILT_ASSIGN_OR_RETURN(next, iceberg::AddColumn(*cur, &last, request.column, type, request.doc,
                                                       cur->schema_id));
        change = fmt::format("added column {} (id {}, {})", request.column, last, type->ToString());
        break;
      }
      case AlterKind::kRenameColumn:
      case AlterKind::kWidenColumn: {
        const NestedField* f = FindCaseless(*cur, request.column);
        if (f == nullptr) {
          return Status::NotFound(fmt::format("table {} has no column '{}' (columns: {})", identifier,
                                              request.column, ColumnNames(*cur)));
        }
        if (request.kind == AlterKind::kRenameColumn) {
          if (Lower(request.new_name) != Lower(f->name)) {
            SILT_RETURN_IF_ERROR(CheckNewName(*cur, request.new_name, identifier));
          } else if (request.new_name == f->name) {
            return Status::InvalidArgument(fmt::format("column '{}' already has that name", f->name));
          }
          SILT_ASSIGN_OR_RETURN(next, iceberg::RenameColumn(*cur, f->name, request.new_name, cur->schema_id));
          change = fmt::format("renamed column {} to {} (id {})", f->name, request.new_name, f->id);
        } else {
          if (f->type->Equals(*type)) {
            return Status::InvalidArgument(fmt::format("column '{}' is already {}", f->name, type->ToString()));
          }
          for (const auto& spec : base.partition_specs) {
            if (PartitionKeepsType(spec, f->id)) {
              return Status::InvalidArgument(fmt::format(
                  "column '{}' is the source of an identity or truncate partition field, whose "
                  "values have its type: silt does not widen it",
                  f->name));
            }
          }
          auto widened = iceberg::WidenColumn(*cur, f->name, type, cur->schema_id);
          if (!widened.ok()) return widened.status();
          next = std::move(*widened);
          change = fmt::format("widened column {} from {} to {}", f->name, f->type->ToString(), type->ToString());
        }
        break;
      }
    }
    return iceberg::SetCurrentSchema(base, std::move(next));
  };
  auto committed = catalog::CommitWithRetry(
      warehouse.catalog(), warehouse.io(), identifier,
      [&](const iceberg::TableMetadata& base) -> Result<iceberg::PendingCommit> {
        SILT_ASSIGN_OR_RETURN(iceberg::TableMetadata next, apply(base));
        iceberg::PendingCommit pc;
        pc.metadata = std::move(next);
        return pc;
      });
  if (!committed.ok()) return committed.status();
  AlterTableResult r;
  r.commit = std::move(*committed);
  r.change = change;
  return r;
}

}  // namespace silt::table
