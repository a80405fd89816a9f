#include "silt/table/iceberg_writer.h"

#include "silt/table/data_files.h"

#include <duckdb.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "silt/common/interrupt.h"
#include "silt/common/strings.h"
#include "silt/formats/format.h"
#include "silt/iceberg/ids.h"
#include "silt/iceberg/literal.h"
#include "silt/iceberg/murmur3.h"
#include "silt/s3/crypto.h"
#include "silt/table/staging.h"

namespace silt::table {

namespace fs = std::filesystem;
using iceberg::Literal;
using iceberg::Type;
using iceberg::TypeId;
using iceberg::TypePtr;
using query::SqlIdent;
using query::SqlQuote;

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Collapses runs of blanks to one space: "TIMESTAMP  WITH TIME ZONE" -> "TIMESTAMP WITH TIME ZONE".
std::string NormalizeSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : Trim(s)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Splits at commas outside parentheses and double quotes.
std::vector<std::string> SplitTopLevel(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted) {
      if (c == '(') ++depth;
      if (c == ')') --depth;
      if (c == ',' && depth == 0) {
        out.push_back(cur);
        cur.clear();
        continue;
      }
    }
    cur += c;
  }
  out.push_back(cur);
  return out;
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Reads a column name at the start of `s` ("quoted" or bare); advances `s` past it.
Result<std::string> TakeName(std::string_view* s, std::string_view what) {
  std::string_view t = Trim(*s);
  std::string name;
  if (!t.empty() && t.front() == '"') {
    size_t i = 1;
    for (; i < t.size(); ++i) {
      if (t[i] == '"') {
        if (i + 1 < t.size() && t[i + 1] == '"') {
          name += '"';
          ++i;
          continue;
        }
        break;
      }
      name += t[i];
    }
    if (i >= t.size()) return Status::InvalidArgument(fmt::format("unclosed quote in {}", what));
    *s = t.substr(i + 1);
  } else {
    size_t i = 0;
    while (i < t.size() && (IsIdentChar(t[i]) || t[i] == '.')) ++i;
    name = std::string(t.substr(0, i));
    *s = t.substr(i);
  }
  if (name.empty()) return Status::InvalidArgument(fmt::format("no column name in {}", what));
  return name;
}

bool IsIntegerLike(TypeId id) {
  return id == TypeId::kInt || id == TypeId::kLong || id == TypeId::kDate ||
         id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
}

// A SQL expression turning `col` (of Iceberg type `t`) into the long Iceberg hashes and
// stores: days for dates, micros for timestamps, the value for ints.
std::string AsLongExpr(const std::string& col, TypeId t) {
  switch (t) {
    case TypeId::kDate: return fmt::format("({} - DATE '1970-01-01')", col);
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return fmt::format("epoch_us({})", col);
    default: return fmt::format("CAST({} AS BIGINT)", col);
  }
}

// floor(x / w) exactly, for BIGINT x.
std::string FloorDiv(const std::string& x, int64_t w) {
  return fmt::format("(({0} - ((({0} % {1}) + {1}) % {1})) // {1})", x, w);
}

// The derived partition column of one field: its value text in the folder name is what
// PartitionValueFromText reads back. Empty for void (always null).
Result<std::string> PartitionExpr(const iceberg::PartitionField& f, const iceberg::Schema& schema) {
  const iceberg::NestedField* src = schema.FindField(f.source_id);
  if (src == nullptr) return Status::InvalidArgument("partition source column missing");
  const std::string c = SqlIdent(src->name);
  const TypeId t = src->type->id;
  switch (f.transform.kind()) {
    case iceberg::TransformKind::kVoid: return std::string();
    case iceberg::TransformKind::kIdentity:
      if (IsIntegerLike(t)) return AsLongExpr(c, t);
      if (t == TypeId::kBoolean) return fmt::format("CAST({} AS INTEGER)", c);
      if (t == TypeId::kString) return fmt::format("hex({})", c);
      if (t == TypeId::kDouble || t == TypeId::kFloat) return fmt::format("CAST({} AS VARCHAR)", c);
      break;
    case iceberg::TransformKind::kYear:
    case iceberg::TransformKind::kMonth: {
      // Calendar fields of the UTC time, whatever the session's time zone.
      const std::string u = t == TypeId::kTimestampTz ? fmt::format("timezone('UTC', {})", c) : c;
      if (f.transform.kind() == iceberg::TransformKind::kYear) {
        return fmt::format("(date_part('year', {}) - 1970)", u);
      }
      return fmt::format("((date_part('year', {0}) - 1970) * 12 + date_part('month', {0}) - 1)", u);
    }
    case iceberg::TransformKind::kDay:
      if (t == TypeId::kDate) return AsLongExpr(c, t);
      return FloorDiv(AsLongExpr(c, t), 86'400'000'000LL);
    case iceberg::TransformKind::kHour: return FloorDiv(AsLongExpr(c, t), 3'600'000'000LL);
    case iceberg::TransformKind::kBucket:
      if (t == TypeId::kString) return fmt::format("__silt_bucket_string({}, {})", c, f.transform.param());
      if (IsIntegerLike(t)) {
        return fmt::format("__silt_bucket_long({}, {})", AsLongExpr(c, t), f.transform.param());
      }
      break;
    case iceberg::TransformKind::kTruncate: {
      const int64_t w = f.transform.param();
      if (t == TypeId::kString) return fmt::format("hex(substring({}, 1, {}))", c, w);
      if (t == TypeId::kInt || t == TypeId::kLong) {
        return fmt::format("(CAST({0} AS BIGINT) - (((CAST({0} AS BIGINT) % {1}) + {1}) % {1}))", c, w);
      }
      break;
    }
  }
  return Status::InvalidArgument(fmt::format("silt cannot write partition field {} ({} of {} {})",
                                             f.name, f.transform.ToString(), src->name,
                                             src->type->ToString()));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The partition value of a field from the text DuckDB wrote in the folder name.
Result<Literal> PartitionValueFromText(const iceberg::PartitionField& f, const TypePtr& source,
                                       const TypePtr& result, std::string_view text) {
  if (f.transform.kind() == iceberg::TransformKind::kVoid || text == "NULL") {
    return Literal::Null(result);
  }
  auto bad = [&] {
    return Status::Internal(fmt::format("unexpected partition folder value '{}' for {}", text, f.name));
  };
  std::string decoded;
  UrlDecode(text, &decoded);
  const TypeId r = result->id;
  if (IsIntegerLike(r)) {
    int64_t v;
    if (!ParseInt64(decoded, &v)) return bad();
    return Literal::OfInt64(result, v);
  }
  switch (r) {
    case TypeId::kBoolean: return Literal::Boolean(decoded != "0");
    case TypeId::kString: {
      if (decoded.size() % 2 != 0) return bad();
      std::string bytes;
      for (size_t i = 0; i < decoded.size(); i += 2) {
        const int hi = HexValue(decoded[i]), lo = HexValue(decoded[i + 1]);
        if (hi < 0 || lo < 0) return bad();
        bytes += static_cast<char>(hi * 16 + lo);
      }
      return Literal::String(std::move(bytes));
    }
    case TypeId::kDouble:
    case TypeId::kFloat: {
      char* end = nullptr;
      const double d = std::strtod(decoded.c_str(), &end);
      if (end == decoded.c_str() || *end != '\0') return bad();
      return r == TypeId::kDouble ? Literal::Double(d) : Literal::Float(static_cast<float>(d));
    }
    default: break;
  }
  (void)source;
  return bad();
}

// ---- the bucket functions ----

// Iceberg's bucket transform over a chunk of (value, N): (hash(value) & INT_MAX) % N, where
// hash_row(i) is the Murmur3 hash of row i's value; NULL for a NULL value or N, or N <= 0.
template <typename HashRow>
void BucketRows(duckdb_data_chunk input, duckdb_vector output, HashRow hash_row) {
  const idx_t n = duckdb_data_chunk_get_size(input);
  duckdb_vector nv = duckdb_data_chunk_get_vector(input, 1);
  const auto* ns = static_cast<const int32_t*>(duckdb_vector_get_data(nv));
  uint64_t* vvalid = duckdb_vector_get_validity(duckdb_data_chunk_get_vector(input, 0));
  uint64_t* nvalid = duckdb_vector_get_validity(nv);
  auto* out = static_cast<int32_t*>(duckdb_vector_get_data(output));
  for (idx_t i = 0; i < n; ++i) {
    if (!duckdb_validity_row_is_valid(vvalid, i) || !duckdb_validity_row_is_valid(nvalid, i) ||
        ns[i] <= 0) {
      duckdb_vector_ensure_validity_writable(output);
      duckdb_validity_set_row_invalid(duckdb_vector_get_validity(output), i);
      continue;
    }
    out[i] = (hash_row(i) & 0x7FFFFFFF) % ns[i];
  }
}

void BucketLong(duckdb_function_info, duckdb_data_chunk input, duckdb_vector output) {
  const auto* vals =
      static_cast<const int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 0)));
  BucketRows(input, output, [&](idx_t i) {
    const uint64_t x = static_cast<uint64_t>(vals[i]);
    char b[8];  // little-endian, as the spec hashes longs
    for (int k = 0; k < 8; ++k) b[k] = static_cast<char>((x >> (8 * k)) & 0xFF);
    return iceberg::Murmur3Hash32(std::string_view(b, 8));
  });
}

void BucketString(duckdb_function_info, duckdb_data_chunk input, duckdb_vector output) {
  auto* vals =
      static_cast<duckdb_string_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 0)));
  BucketRows(input, output, [&](idx_t i) {
    return iceberg::Murmur3Hash32(
        std::string_view(duckdb_string_t_data(&vals[i]), duckdb_string_t_length(vals[i])));
  });
}

Status RegisterOne(duckdb_connection conn, const char* name, duckdb_type arg,
                   duckdb_scalar_function_t fn) {
  duckdb_scalar_function f = duckdb_create_scalar_function();
  duckdb_scalar_function_set_name(f, name);
  duckdb_logical_type a = duckdb_create_logical_type(arg);
  duckdb_logical_type i = duckdb_create_logical_type(DUCKDB_TYPE_INTEGER);
  duckdb_scalar_function_add_parameter(f, a);
  duckdb_scalar_function_add_parameter(f, i);
  duckdb_scalar_function_set_return_type(f, i);
  duckdb_scalar_function_set_function(f, fn);
  const duckdb_state st = duckdb_register_scalar_function(conn, f);
  duckdb_destroy_logical_type(&a);
  duckdb_destroy_logical_type(&i);
  duckdb_destroy_scalar_function(&f);
  if (st != DuckDBSuccess) return Status::Internal(fmt::format("registering {} failed", name));
  return Status::OK();
}

std::string CodecOption(const std::string& compression, Status* error) {
  const std::string c = Lower(compression);
  static const std::set<std::string> kKnown = {"zstd", "snappy", "gzip", "lz4", "uncompressed"};
  if (kKnown.count(c) == 0) {
    *error = Status::InvalidArgument(fmt::format(
        "unknown compression '{}' (zstd, snappy, gzip, lz4, uncompressed)", compression));
    return {};
  }
  if (c == "zstd") return "COMPRESSION zstd, COMPRESSION_LEVEL 1";
  return "COMPRESSION " + c;
}

}  // namespace

// ---- types and schemas ----

Result<TypePtr> IcebergTypeFromSql(std::string_view sql_type) {
  const std::string t = Upper(NormalizeSpaces(sql_type));
  if (t == "BIGINT" || t == "INT8" || t == "LONG" || t == "INT64") return Type::Long();
  if (t == "INTEGER" || t == "INT" || t == "INT4" || t == "INT32" || t == "SMALLINT" ||
      t == "INT2" || t == "TINYINT" || t == "INT1" || t == "UTINYINT" || t == "USMALLINT") {
    return Type::Int();
  }
  if (t == "UINTEGER") return Type::Long();
  if (t == "DOUBLE" || t == "FLOAT8") return Type::Double();
  if (t == "FLOAT" || t == "REAL" || t == "FLOAT4") return Type::Float();
  if (t == "VARCHAR" || t == "TEXT" || t == "STRING" || t == "CHAR" || t == "BPCHAR") {
    return Type::String();
  }
  if (t == "BOOLEAN" || t == "BOOL") return Type::Boolean();
  if (t == "TIMESTAMPTZ" || t == "TIMESTAMP WITH TIME ZONE") return Type::TimestampTz();
  if (t == "TIMESTAMP" || t == "DATETIME" || t == "TIMESTAMP_S" || t == "TIMESTAMP_MS" ||
      t == "TIMESTAMP_NS" || t == "TIMESTAMP WITHOUT TIME ZONE") {
    return Type::Timestamp();
  }
  if (t == "DATE") return Type::Date();
  return Status::InvalidArgument(fmt::format(
      "column type '{}' cannot be stored in an Iceberg table by silt (use BIGINT, INTEGER, "
      "DOUBLE, FLOAT, VARCHAR, BOOLEAN, TIMESTAMPTZ, TIMESTAMP or DATE; CAST other types)",
      sql_type));
}

Result<std::string> SqlTypeForIceberg(const Type& type) {
  switch (type.id) {
    case TypeId::kBoolean: return std::string("BOOLEAN");
    case TypeId::kInt: return std::string("INTEGER");
    case TypeId::kLong: return std::string("BIGINT");
    case TypeId::kFloat: return std::string("FLOAT");
    case TypeId::kDouble: return std::string("DOUBLE");
    case TypeId::kDate: return std::string("DATE");
    case TypeId::kTimestamp: return std::string("TIMESTAMP");
    case TypeId::kTimestampTz: return std::string("TIMESTAMPTZ");
    case TypeId::kString: return std::string("VARCHAR");
    default:
      return Status::InvalidArgument(
          fmt::format("silt does not write Iceberg columns of type {}", type.ToString()));
  }
}

std::string TrinoTypeName(const Type& type) {
  switch (type.id) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt: return "integer";
    case TypeId::kLong: return "bigint";
    case TypeId::kFloat: return "real";
    case TypeId::kDouble: return "double";
    case TypeId::kDecimal: return fmt::format("decimal({}, {})", type.precision, type.scale);
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time(6)";
    case TypeId::kTimestamp: return "timestamp(6)";
    case TypeId::kTimestampTz: return "timestamp(6) with time zone";
    case TypeId::kString: return "varchar";
    case TypeId::kUuid: return "uuid";
    case TypeId::kFixed:
    case TypeId::kBinary: return "varbinary";
    case TypeId::kStruct: {
      std::string s = "row(";
      for (size_t i = 0; i < type.fields.size(); ++i) {
        if (i) s += ", ";
        s += type.fields[i].name + " " + TrinoTypeName(*type.fields[i].type);
      }
      return s + ")";
    }
    case TypeId::kList: return "array(" + TrinoTypeName(*type.element.type) + ")";
    case TypeId::kMap:
      return "map(" + TrinoTypeName(*type.key.type) + ", " + TrinoTypeName(*type.value.type) + ")";
  }
  return type.ToString();
}

Result<iceberg::Schema> SchemaFromColumns(const std::vector<ColumnDecl>& columns) {
  if (columns.empty()) return Status::InvalidArgument("a table needs at least one column");
  iceberg::Schema schema;
  std::set<std::string> seen;
  int id = 0;
  for (const auto& c : columns) {
    if (c.name.empty()) return Status::InvalidArgument("empty column name");
    if (!seen.insert(Lower(c.name)).second) {
      return Status::InvalidArgument(fmt::format("column '{}' is declared twice", c.name));
    }
    auto t = IcebergTypeFromSql(c.sql_type);
    if (!t.ok()) return t.status().WithContext(fmt::format("column '{}'", c.name));
    iceberg::NestedField f;
    f.id = ++id;
    f.name = c.name;
    f.required = false;
    f.type = *t;
    f.doc = c.doc;
    schema.fields.push_back(std::move(f));
  }
  SILT_RETURN_IF_ERROR(schema.Validate());
  return schema;
}

Result<std::vector<ColumnDecl>> ParseColumnList(std::string_view text) {
  std::vector<ColumnDecl> out;
  for (const std::string& part : SplitTopLevel(text)) {
    std::string_view rest = part;
    if (Trim(rest).empty()) {
      return Status::InvalidArgument(fmt::format("empty column declaration in '{}'", text));
    }
    SILT_ASSIGN_OR_RETURN(std::string name, TakeName(&rest, fmt::format("'{}'", Trim(part))));
    const std::string type = NormalizeSpaces(rest);
    if (type.empty()) {
      return Status::InvalidArgument(
          fmt::format("column '{}' has no type (write e.g. '{} BIGINT')", name, name));
    }
    SILT_RETURN_IF_ERROR(IcebergTypeFromSql(type).status().WithContext(fmt::format("column '{}'", name)));
    out.push_back({name, type, ""});
  }
  return out;
}

Result<std::vector<ColumnDecl>> ColumnsOfFormat(std::string_view format) {
  const formats::Format* f = formats::FindFormat(format);
  if (f == nullptr) {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (known formats: {})", format,
                                               formats::FormatNames()));
  }
  if (f->schema().empty()) {
    return Status::InvalidArgument(fmt::format(
        "format {0} takes its columns from options or the data: declare the table's columns "
        "(--columns 'name TYPE, ...') or take them from a query (--like \"SELECT * FROM "
        "read_log('<input>', format => '{0}', ...)\")",
        format));
  }
  std::vector<ColumnDecl> out;
  for (const auto& c : f->schema()) {
    out.push_back({c.name, std::string(formats::ColumnTypeSqlName(c.type)), c.doc});
  }
  return out;
}

namespace {

Result<std::string> SqlNameOfDuckType(duckdb_type t, const std::string& column) {
  switch (t) {
    case DUCKDB_TYPE_BOOLEAN: return std::string("BOOLEAN");
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT: return std::string("INTEGER");
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UINTEGER: return std::string("BIGINT");
    case DUCKDB_TYPE_FLOAT: return std::string("FLOAT");
    case DUCKDB_TYPE_DOUBLE: return std::string("DOUBLE");
    case DUCKDB_TYPE_VARCHAR: return std::string("VARCHAR");
    case DUCKDB_TYPE_DATE: return std::string("DATE");
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS: return std::string("TIMESTAMP");
    case DUCKDB_TYPE_TIMESTAMP_TZ: return std::string("TIMESTAMPTZ");
    default:
      return Status::InvalidArgument(fmt::format(
          "column '{}' has a type silt cannot store in an Iceberg table yet; CAST it to BIGINT, "
          "INTEGER, DOUBLE, VARCHAR, BOOLEAN, TIMESTAMPTZ, TIMESTAMP or DATE",
          column));
  }
}

}  // namespace

namespace {

// The names and DuckDB types of a query's result columns.
Result<std::vector<std::pair<std::string, duckdb_type>>> QueryColumns(query::Database& db,
                                                                      const std::string& select_sql) {
  auto r = db.Query("SELECT * FROM (" + select_sql + "\n) AS __silt_q LIMIT 0");
  if (!r.ok()) return r.status();
  std::vector<std::pair<std::string, duckdb_type>> out;
  for (size_t c = 0; c < r->column_count(); ++c) out.emplace_back(r->column_name(c), r->column_type(c));
  return out;
}

}  // namespace

Result<std::vector<ColumnDecl>> ColumnsOfQuery(query::Database& db, const std::string& select_sql) {
  SILT_ASSIGN_OR_RETURN(auto cols, QueryColumns(db, select_sql));
  std::vector<ColumnDecl> out;
  for (const auto& [name, t] : cols) {
    SILT_ASSIGN_OR_RETURN(std::string type, SqlNameOfDuckType(t, name));
    out.push_back({name, type, ""});
  }
  return out;
}

// ---- partitioning ----

Result<std::vector<iceberg::PartitionFieldRequest>> ParsePartitionBy(std::string_view text) {
  std::vector<iceberg::PartitionFieldRequest> out;
  if (Trim(text).empty()) return out;
  for (const std::string& raw : SplitTopLevel(text)) {
    const std::string_view part = Trim(raw);
    auto bad = [&](std::string_view why) {
      return Status::InvalidArgument(fmt::format(
          "partition field '{}': {} (write e.g. day(request_time), hour(ts), col, bucket(16, "
          "col), truncate(4, col), month(ts), year(ts))",
          part, why));
    };
    if (part.empty()) return bad("empty");
    const size_t open = part.find('(');
    iceberg::PartitionFieldRequest req;
    if (open == std::string_view::npos) {
      std::string_view rest = part;
      SILT_ASSIGN_OR_RETURN(req.source_name, TakeName(&rest, fmt::format("'{}'", part)));
      if (!Trim(rest).empty()) return bad("unexpected text after the column");
      req.transform = iceberg::Transform::Identity();
      out.push_back(std::move(req));
      continue;
    }
    if (part.back() != ')') return bad("missing ')'");
    const std::string fn = Lower(Trim(part.substr(0, open)));
    const std::vector<std::string> args = SplitTopLevel(part.substr(open + 1, part.size() - open - 2));
    auto is_number = [](std::string_view s) {
      s = Trim(s);
      return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    };
    std::string column;
    int param = 0;
    if (fn == "bucket" || fn == "truncate") {
      if (args.size() != 2) return bad(fn + " takes a number and a column");
      const int num = is_number(args[0]) ? 0 : is_number(args[1]) ? 1 : -1;
      if (num < 0) return bad(fn + " needs a number");
      int64_t v;
      if (!ParseInt64(Trim(args[num]), &v) || v < 1 || v > 1'000'000'000) return bad("bad number");
      param = static_cast<int>(v);
      column = args[1 - num];
    } else {
      if (args.size() != 1) return bad(fn + " takes one column");
      column = args[0];
    }
    std::string_view rest = column;
    SILT_ASSIGN_OR_RETURN(req.source_name, TakeName(&rest, fmt::format("'{}'", part)));
    if (!Trim(rest).empty()) return bad("unexpected text after the column");
    if (fn == "identity") req.transform = iceberg::Transform::Identity();
    else if (fn == "year" || fn == "years") req.transform = iceberg::Transform::Year();
    else if (fn == "month" || fn == "months") req.transform = iceberg::Transform::Month();
    else if (fn == "day" || fn == "days") req.transform = iceberg::Transform::Day();
    else if (fn == "hour" || fn == "hours") req.transform = iceberg::Transform::Hour();
    else if (fn == "bucket") req.transform = iceberg::Transform::Bucket(param);
    else if (fn == "truncate") req.transform = iceberg::Transform::Truncate(param);
    else if (fn == "void") req.transform = iceberg::Transform::Void();
    else return bad("unknown transform '" + fn + "'");
    out.push_back(std::move(req));
  }
  return out;
}

std::string TrinoPartitionField(const iceberg::PartitionField& field, const iceberg::Schema& schema) {
  const iceberg::NestedField* src = schema.FindField(field.source_id);
  const std::string col = src != nullptr ? src->name : fmt::format("<field {}>", field.source_id);
  switch (field.transform.kind()) {
    case iceberg::TransformKind::kIdentity: return col;
    case iceberg::TransformKind::kBucket: return fmt::format("bucket({}, {})", col, field.transform.param());
    case iceberg::TransformKind::kTruncate:
      return fmt::format("truncate({}, {})", col, field.transform.param());
    case iceberg::TransformKind::kYear: return fmt::format("year({})", col);
    case iceberg::TransformKind::kMonth: return fmt::format("month({})", col);
    case iceberg::TransformKind::kDay: return fmt::format("day({})", col);
    case iceberg::TransformKind::kHour: return fmt::format("hour({})", col);
    case iceberg::TransformKind::kVoid: return fmt::format("void({})", col);
  }
  return col;
}

// ---- create / load ----

Result<catalog::CommitResult> CreateIcebergTable(Warehouse& warehouse,
                                                 const CreateTableRequest& request) {
  SILT_ASSIGN_OR_RETURN(catalog::TableIdentifier id, catalog::ParseTableIdentifier(request.identifier));
  // A table's folder is <warehouse>/<ns parts>/<name>, and a table keeps data/, metadata/
  // and silt/ inside its own: table a.b.metadata would live in table a.b's metadata folder
  // (and remove-orphans of one would delete the other's files). From the third name part on,
  // those three names are refused.
  {
    const std::string whole = id.ToString();
    size_t part = 0;
    for (size_t b = 0; b <= whole.size(); ++part) {
      size_t e = whole.find('.', b);
      if (e == std::string::npos) e = whole.size();
      std::string seg = whole.substr(b, e - b);
      std::transform(seg.begin(), seg.end(), seg.begin(), ::tolower);
      if (part >= 2 && (seg == "data" || seg == "metadata" || seg == "silt")) {
        return Status::InvalidArgument(fmt::format(
            "table name {}: '{}' after two name parts would put the table inside the folder "
            "where table {} keeps its own {} files; choose another name",
            whole, whole.substr(b, e - b), whole.substr(0, b - 1), seg));
      }
      b = e + 1;
    }
  }
  iceberg::CreateTableOptions o;
  o.location = warehouse.TableLocation(id);
  o.schema = request.schema;
  o.partition_by = request.partition_by;
  o.properties = {{"write.format.default", "parquet"},
                  {"write.parquet.compression-codec", "zstd"},
                  {"created-by", "silt"}};
  for (const auto& [k, v] : request.properties) o.properties[k] = v;
  SILT_ASSIGN_OR_RETURN(iceberg::TableMetadata metadata, iceberg::NewTableMetadata(o));
  // Every partition field must be one silt can write.
  for (const auto& f : metadata.DefaultSpec()->fields) {
    SILT_RETURN_IF_ERROR(PartitionExpr(f, *metadata.CurrentSchema()).status());
  }
  for (const auto& f : metadata.CurrentSchema()->fields) {
    SILT_RETURN_IF_ERROR(SqlTypeForIceberg(*f.type).status());
  }
  SILT_ASSIGN_OR_RETURN(bool ns_exists, warehouse.catalog().NamespaceExists(id.ns));
  if (!ns_exists) {
    Status st = warehouse.catalog().CreateNamespace(id.ns);
    if (!st.ok() && !st.IsAlreadyExists()) return st;
  }
  auto created = catalog::CreateTable(warehouse.catalog(), warehouse.io(), id.ToString(), metadata);
  if (!created.ok() && created.status().IsAlreadyExists()) {
    return Status::AlreadyExists(fmt::format("table {} already exists in {}", id.ToString(),
                                             warehouse.catalog_path()));
  }
  return created;
}

Result<catalog::CommitResult> LoadIcebergTable(Warehouse& warehouse, std::string_view identifier) {
  SILT_ASSIGN_OR_RETURN(catalog::TableIdentifier id, catalog::ParseTableIdentifier(identifier));
  auto loaded = catalog::LoadTable(warehouse.catalog(), warehouse.io(), id.ToString());
  if (loaded.ok() || !loaded.status().IsNotFound()) return loaded;
  // Only a missing catalog entry gets the listing; a missing metadata file is reported as is.
  auto location = warehouse.catalog().LoadTable(id.ToString());
  if (location.ok()) return loaded;
  SILT_ASSIGN_OR_RETURN(std::vector<std::string> tables, warehouse.catalog().ListTables(id.ns));
  std::string known;
  for (const auto& t : tables) known += (known.empty() ? "" : ", ") + id.ns + "." + t;
  return Status::NotFound(fmt::format(
      "no table {} in warehouse {} ({})", id.ToString(), warehouse.uri(),
      known.empty() ? fmt::format("namespace {} has no tables", id.ns)
                    : fmt::format("tables in {}: {}", id.ns, known)));
}

// ---- append ----

Status RegisterIcebergFunctions(query::Database& db) {
  auto have = db.Query(
      "SELECT count(*) FROM duckdb_functions() WHERE function_name = '__silt_bucket_long'");
  if (have.ok() && have->row_count() == 1 && have->Int64(0, 0) > 0) return Status::OK();
  SILT_RETURN_IF_ERROR(RegisterOne(db.connection(), "__silt_bucket_long", DUCKDB_TYPE_BIGINT, BucketLong));
  return RegisterOne(db.connection(), "__silt_bucket_string", DUCKDB_TYPE_VARCHAR, BucketString);
}

// One try of AppendQuery. Sets *rewrite when the table's schema changed under it so that the
// files it wrote do not fit (they are deleted; writing again against the new schema may work).
static Result<AppendResult> AppendAttempt(Warehouse& warehouse, query::Database& db,
                                          const AppendRequest& request, bool* rewrite) {
  SILT_ASSIGN_OR_RETURN(catalog::CommitResult table, LoadIcebergTable(warehouse, request.identifier));
  const iceberg::TableMetadata& meta = table.metadata;
  const iceberg::Schema& current_schema = *meta.CurrentSchema();
  const iceberg::PartitionSpec& spec = *meta.DefaultSpec();
  Status codec_error;
  const std::string codec = CodecOption(request.compression, &codec_error);
  SILT_RETURN_IF_ERROR(codec_error);
  SILT_RETURN_IF_ERROR(RegisterIcebergFunctions(db));

  // Match the query's columns to the table's.
  // Only the names matter: every value is cast to the table's type (DuckDB reports values
  // that do not cast).
  SILT_ASSIGN_OR_RETURN(auto qcols, QueryColumns(db, request.select_sql));
  std::map<std::string, std::string> by_lower;  // lower-case name -> query column name
  for (const auto& [name, type] : qcols) {
    if (!by_lower.emplace(Lower(name), name).second) {
      return Status::InvalidArgument(fmt::format("the query returns column '{}' twice", name));
    }
  }
  for (const auto& f : current_schema.fields) {
    if (Lower(f.name).starts_with("__silt_p")) {
      return Status::InvalidArgument(fmt::format(
          "silt cannot append to a table with a column named {} (its partition columns use "
          "that name)", f.name));
    }
  }
  // New columns and wider types (schema_evolution.h): the files are written with the planned
  // schema, which becomes current in the same commit as they do. A caller that commits the
  // files itself gets no schema change.
  const SchemaMode mode = request.commit ? request.schema_mode : SchemaMode::kError;
  SILT_ASSIGN_OR_RETURN(SchemaPlan plan, PlanAppendSchema(current_schema, meta.last_column_id, spec,
                                                          qcols, mode, request.identifier));
  iceberg::TableMetadata planned = meta;
  if (plan.changed()) {
    SILT_ASSIGN_OR_RETURN(planned, iceberg::SetCurrentSchema(meta, plan.schema));
  }
  const iceberg::Schema& schema = *planned.CurrentSchema();
  std::string inner, outer, field_ids;
  for (const auto& f : schema.fields) {
    SILT_ASSIGN_OR_RETURN(std::string type, SqlTypeForIceberg(*f.type));
    auto it = by_lower.find(Lower(f.name));
    if (it == by_lower.end() && f.required) {
      return Status::InvalidArgument(fmt::format(
          "the query does not return column '{}', which table {} requires", f.name, request.identifier));
    }
    const std::string value = it == by_lower.end() ? "NULL" : "__silt_q." + SqlIdent(it->second);
    inner += fmt::format("{}CAST({} AS {}) AS {}", inner.empty() ? "" : ", ", value, type, SqlIdent(f.name));
    outer += fmt::format("{}{}", outer.empty() ? "" : ", ", SqlIdent(f.name));
    field_ids += fmt::format("{}{}: {}", field_ids.empty() ? "" : ", ", SqlIdent(f.name), f.id);
  }
  std::vector<int> derived_of_field(spec.fields.size(), -1);
  std::string partition_by;
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    SILT_ASSIGN_OR_RETURN(std::string expr, PartitionExpr(spec.fields[i], schema));
    if (expr.empty()) continue;
    const int k = static_cast<int>(i);
    derived_of_field[i] = k;
    outer += fmt::format(", {} AS __silt_p{}", expr, k);
    partition_by += fmt::format("{}__silt_p{}", partition_by.empty() ? "" : ", ", k);
  }

  // Staging: inside a local warehouse (publishing is a rename; no table or namespace can be
  // named ".silt-staging"), else in the temporary folder (publishing uploads).
  const std::string run_id = request.run_id.empty() ? iceberg::NewUuid() : request.run_id;
  // In the temporary folder, the folders of killed appends are removed here; a local
  // warehouse's .silt-staging is swept by `silt table remove-orphans`.
  if (!warehouse.is_local()) SweepAbandonedStaging(fs::temp_directory_path(), "silt-append-");
  const fs::path staging = warehouse.is_local()
                               ? fs::path(warehouse.local_root()) / ".silt-staging" / run_id
                               : fs::temp_directory_path() / StagingName("silt-append-", run_id);
  std::error_code ec;
  // A concurrent append's cleanup may remove an empty .silt-staging between our mkdirs.
  for (int attempt = 0; attempt < 5; ++attempt) {
    ec.clear();
    fs::create_directories(staging, ec);
    if (!ec && fs::is_directory(staging, ec)) break;
  }
  if (ec) return Status::IoError(fmt::format("creating {}: {}", staging.string(), ec.message()));
  struct Cleanup {
    fs::path dir;
    bool local;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
      if (local) fs::remove(dir.parent_path(), e);  // .silt-staging, when no other append uses it
    }
  } cleanup{staging, warehouse.is_local()};
  const fs::path out_dir = staging / "out";

  // Both cores write (DuckDB writes with one thread when it must keep the rows' order); the
  // caller's setting comes back afterwards.
  std::string order = "true";
  if (auto cur = db.Query("SELECT current_setting('preserve_insertion_order')::VARCHAR");
      cur.ok() && cur->row_count() == 1 && cur->Text(0, 0) == "false") {
    order = "false";
  }
  SILT_RETURN_IF_ERROR(db.Exec("SET preserve_insertion_order = false"));
  std::string flush = "524288";
  if (auto cur = db.Query("SELECT current_setting('partitioned_write_flush_threshold')::VARCHAR");
      cur.ok() && cur->row_count() == 1) {
    flush = cur->Text(0, 0);
  }
  // DuckDB buffers a partition's rows up to this many before writing them out: one row group
  // bounds an append's memory by the partitions open at once, not by their sizes.
  SILT_RETURN_IF_ERROR(db.Exec(fmt::format("SET partitioned_write_flush_threshold = {}",
                                           std::max<uint64_t>(request.row_group_size, 2048))));
  struct RestoreSettings {
    query::Database& db;
    std::string order, flush;
    ~RestoreSettings() {
      (void)db.Exec("SET preserve_insertion_order = " + order);
      (void)db.Exec("SET partitioned_write_flush_threshold = " + flush);
    }
  } restore_settings{db, order, flush};
  const std::string copy = fmt::format(
      "COPY (SELECT {} FROM (SELECT {} FROM ({}\n) AS __silt_q) AS __silt_t) TO {} (FORMAT parquet, "
      "{}, ROW_GROUP_SIZE {}, FIELD_IDS {{{}}}, KV_METADATA {{'iceberg.schema': {}}}, "
      "FILENAME_PATTERN 'data_{{uuid}}', RETURN_STATS true, {})",
      outer, inner, request.select_sql, SqlQuote(out_dir.string()), codec, request.row_group_size,
      field_ids, SqlQuote(iceberg::SchemaToJson(schema)),
      partition_by.empty() ? fmt::format("FILE_SIZE_BYTES {}", request.target_file_bytes)
                           : fmt::format("PARTITION_BY ({})", partition_by));
  auto stats = db.Query(copy);
  if (!stats.ok()) return stats.status().WithContext("writing Parquet");

  struct Staged {
    fs::path path;
    int64_t count = 0;
    iceberg::DataFile file;
  };
  std::vector<Staged> staged;
  {
    int c_file = -1, c_count = -1;
    for (size_t c = 0; c < stats->column_count(); ++c) {
      if (stats->column_name(c) == "filename") c_file = static_cast<int>(c);
      if (stats->column_name(c) == "count") c_count = static_cast<int>(c);
    }
    if (c_file < 0 || c_count < 0) {
      return Status::Internal("COPY ... RETURN_STATS returned no filename/count columns");
    }
    for (uint64_t r = 0; r < stats->row_count(); ++r) {
      Staged s;
      s.path = stats->Text(static_cast<size_t>(c_file), r);
      s.count = stats->Int64(static_cast<size_t>(c_count), r);
      if (s.count > 0) staged.push_back(std::move(s));
    }
  }
  AppendResult result;
  if (staged.empty()) return result;
  std::sort(staged.begin(), staged.end(), [](const Staged& a, const Staged& b) { return a.path < b.path; });

  // Partition values from the folders DuckDB wrote (__silt_p<k>=<value>).
  SILT_ASSIGN_OR_RETURN(std::vector<iceberg::NestedField> ptype, spec.PartitionType(schema));
  for (Staged& s : staged) {
    std::map<int, std::string> values;
    fs::path rel = fs::relative(s.path.parent_path(), out_dir, ec);
    if (ec) return Status::Internal("staged file outside the staging folder: " + s.path.string());
    for (const auto& seg : rel) {
      const std::string t = seg.string();
      if (t == "." || !t.starts_with("__silt_p")) continue;
      const size_t eq = t.find('=');
      if (eq == std::string::npos) continue;
      int64_t k;
      if (!ParseInt64(t.substr(8, eq - 8), &k)) continue;
      values[static_cast<int>(k)] = t.substr(eq + 1);
    }
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      const iceberg::NestedField* src = schema.FindField(spec.fields[i].source_id);
      std::string text = "NULL";
      if (derived_of_field[i] >= 0) {
        auto it = values.find(derived_of_field[i]);
        if (it == values.end()) {
          return Status::Internal(fmt::format("no partition folder for {} in {}",
                                              spec.fields[i].name, s.path.string()));
        }
        text = it->second;
      }
      SILT_ASSIGN_OR_RETURN(Literal v, PartitionValueFromText(spec.fields[i], src->type, ptype[i].type, text));
      s.file.partition.push_back(std::move(v));
    }
    s.file.record_count = s.count;
    s.file.file_size_in_bytes = static_cast<int64_t>(fs::file_size(s.path, ec));
    if (ec) return Status::IoError(fmt::format("{}: {}", s.path.string(), ec.message()));
  }

  // Metrics from the footers, then the files' places in the table (data_files.h).
  std::vector<LocalDataFile> local;
  std::vector<std::string> local_paths;
  for (const Staged& s : staged) {
    local.push_back({s.path.string(), s.file.partition});
    local_paths.push_back(s.path.string());
  }
  SILT_ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files,
                        DescribeParquetFiles(db, schema, local, request.identifier));
  SILT_RETURN_IF_ERROR(PlaceDataFiles(warehouse, meta, spec, local_paths, &files).WithContext("storing data files"));
  std::vector<std::string> placed;  // URIs
  auto remove_placed = [&] {
    interrupt::CleanupScope cleanup;  // after Ctrl-C too
    (void)warehouse.io().Delete(placed);
  };
  for (iceberg::DataFile& f : files) {
    placed.push_back(f.file_path);
    result.records += f.record_count;
    result.bytes += f.file_size_in_bytes;
    result.files.push_back(std::move(f));
  }

  result.schema_id = meta.current_schema_id;
  result.spec_id = spec.spec_id;
  if (!request.commit) return result;  // the caller commits the placed files or deletes them

  std::map<std::string, std::string> summary = request.summary;
  std::string inputs = request.inputs.empty() ? request.select_sql : request.inputs;
  if (inputs.size() > 512) inputs = "sha256:" + s3::HexLower(s3::Sha256(inputs));
  summary["silt.inputs"] = inputs;
  summary["silt.run"] = run_id;
  auto committed = catalog::CommitWithRetry(
      warehouse.catalog(), warehouse.io(), request.identifier,
      [&](const iceberg::TableMetadata& base) -> Result<iceberg::PendingCommit> {
        if (request.precondition) SILT_RETURN_IF_ERROR(request.precondition(base));
        const iceberg::PartitionSpec* now = base.DefaultSpec();
        if (now == nullptr || !(*now == spec)) {
          return Status::PreconditionFailed(fmt::format(
              "table {} changed its partitioning while appending; run again", request.identifier));
        }
        // The schema change this commit makes, planned against the schema current now (the
        // same plan unless another writer changed the schema since the files were written).
        const iceberg::Schema* base_schema = base.CurrentSchema();
        auto again = base_schema == nullptr
                         ? Result<SchemaPlan>(Status::Corruption("metadata without a schema"))
                         : PlanAppendSchema(*base_schema, base.last_column_id, spec, qcols, mode,
                                            request.identifier);
        if (!again.ok() || !FilesFitSchema(schema, again->schema)) {
          *rewrite = true;
          return Status::PreconditionFailed(fmt::format(
              "table {} changed its schema while appending, so that the files written do not fit "
              "it any more", request.identifier));
        }
        iceberg::TableMetadata next = base;
        if (again->changed()) {
          SILT_ASSIGN_OR_RETURN(next, iceberg::SetCurrentSchema(base, again->schema));
        }
        result.added_columns = again->added;
        result.widened_columns = again->widened;
        return iceberg::AppendFiles(warehouse.io(), next, result.files, summary);
      });
  if (!committed.ok()) {
    // Delete the data files unless the commit may have happened after all.
    interrupt::CleanupScope cleanup;  // after Ctrl-C too
    auto now = catalog::LoadTable(warehouse.catalog(), warehouse.io(), request.identifier);
    bool mine = false;
    if (now.ok()) {
      for (const auto& snap : now->metadata.snapshots) {
        auto it = snap.summary.find("silt.run");
        if (it != snap.summary.end() && it->second == run_id) mine = true;
      }
      if (!mine) remove_placed();
    }
    if (!now.ok() || !mine) return committed.status();
    // The commit landed despite the error.
    committed = std::move(now);
  }
  result.metadata_location = committed->metadata_location;
  result.attempts = committed->attempts;
  result.schema_id = committed->metadata.current_schema_id;
  for (const auto& snap : committed->metadata.snapshots) {
    auto it = snap.summary.find("silt.run");
    if (it != snap.summary.end() && it->second == run_id) result.snapshot_id = snap.snapshot_id;
  }
  return result;
}

Result<AppendResult> AppendQuery(Warehouse& warehouse, query::Database& db,
                                 const AppendRequest& request) {
  // Another writer's schema change that the written files do not fit: write them again
  // against the new schema. Each retry is a lost race to another writer's schema change (n
  // appends adding columns at once need up to n - 1), so the limit only stops a livelock.
  for (int attempt = 1;; ++attempt) {
    bool rewrite = false;
    auto r = AppendAttempt(warehouse, db, request, &rewrite);
    if (r.ok()) r->schema_rewrites = attempt - 1;
    if (r.ok() || !rewrite || attempt >= 10) return r;
  }
}

// ---- display ----

std::string ShowCreateTable(const std::string& catalog_name, const std::string& identifier,
                            const iceberg::TableMetadata& metadata) {
  const iceberg::Schema* schema = metadata.CurrentSchema();
  std::string out = fmt::format("CREATE TABLE {}.{} (\n", catalog_name, identifier);
  size_t width = 0;
  for (const auto& f : schema->fields) {
    width = std::max(width, f.name.size() + 1 + TrinoTypeName(*f.type).size() + (f.required ? 9 : 0));
  }
  for (size_t i = 0; i < schema->fields.size(); ++i) {
    const auto& f = schema->fields[i];
    std::string decl = f.name + " " + TrinoTypeName(*f.type) + (f.required ? " NOT NULL" : "");
    if (i + 1 < schema->fields.size()) decl += ",";
    std::string comment = fmt::format("-- id {}, {}", f.id, f.type->ToString());
    if (!f.doc.empty()) comment += ": " + f.doc;
    out += fmt::format("   {:<{}}  {}\n", decl, width + 1, comment);
  }
  out += ")\nWITH (\n";
  std::vector<std::string> with;
  with.push_back("format = 'PARQUET'");
  with.push_back(fmt::format("format_version = {}", metadata.format_version));
  with.push_back(fmt::format("location = '{}'", metadata.location));
  const iceberg::PartitionSpec* spec = metadata.DefaultSpec();
  if (spec != nullptr && !spec->is_unpartitioned()) {
    std::string p;
    for (const auto& f : spec->fields) {
      p += (p.empty() ? "" : ", ") + std::string("'") + TrinoPartitionField(f, *schema) + "'";
    }
    with.push_back("partitioning = ARRAY[" + p + "]");
  }
  for (size_t i = 0; i < with.size(); ++i) {
    out += "   " + with[i] + (i + 1 < with.size() ? ",\n" : "\n");
  }
  out += ")\n";
  return out;
}

}  // namespace silt::table
