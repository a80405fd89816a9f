#include "silt/table/data_files.h"

#include <duckdb.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "silt/common/interrupt.h"
#include "silt/common/strings.h"
#include "silt/iceberg/ids.h"
#include "silt/iceberg/literal.h"

namespace silt::table {

namespace fs = std::filesystem;
using iceberg::Literal;
using iceberg::Type;
using iceberg::TypeId;
using iceberg::TypePtr;
using query::SqlQuote;

namespace {

// Bytes of a bound of `type` from the footer statistics, or nullopt when none can be given.
std::optional<std::string> BoundBytes(const Type& type, bool upper, std::optional<int64_t> i,
                                      std::optional<double> d, std::optional<std::string> s) {
  auto bytes = [](const Literal& l) -> std::optional<std::string> {
    auto b = iceberg::ToBytes(l);
    if (!b.ok()) return std::nullopt;
    return *b;
  };
  switch (type.id) {
    case TypeId::kBoolean:
      if (!i) return std::nullopt;
      return bytes(Literal::Boolean(*i != 0));
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      if (!i) return std::nullopt;
      TypePtr t = type.id == TypeId::kInt ? Type::Int()
                  : type.id == TypeId::kLong ? Type::Long()
                  : type.id == TypeId::kDate ? Type::Date()
                  : type.id == TypeId::kTimestamp ? Type::Timestamp()
                                                  : Type::TimestampTz();
      return bytes(Literal::OfInt64(t, *i));
    }
    case TypeId::kDouble:
    case TypeId::kFloat: {
      if (!d || std::isnan(*d)) return std::nullopt;
      double v = *d;
      // Parquet readers must treat a min of +0 as -0 and a max of -0 as +0.
      if (v == 0.0) v = upper ? 0.0 : -0.0;
      return type.id == TypeId::kDouble ? bytes(Literal::Double(v))
                                        : bytes(Literal::Float(static_cast<float>(v)));
    }
    case TypeId::kString: {
      if (!s) return std::nullopt;
      std::string v = *s;
      // DuckDB cuts long statistics at a byte count: drop a split trailing character.
      size_t bad = 0;
      if (!IsValidUtf8(v, &bad)) v.resize(bad);
      if (!upper) return iceberg::TruncateStringLower(v, 16);
      if (v.size() < s->size()) return std::nullopt;  // cut max: not an upper bound any more
      std::string out;
      if (!iceberg::TruncateStringUpper(v, 16, &out)) return std::nullopt;
      return out;
    }
    default: return std::nullopt;
  }
}

// Expressions for the typed min/max of a parquet_metadata row (columns lo_i, hi_i, lo_d,
// hi_d, lo_s, hi_s).
std::string TypedBoundExprs(const Type& t) {
  auto typed = [&](const char* v) -> std::string {
    switch (t.id) {
      case TypeId::kBoolean: return fmt::format("CAST(TRY_CAST({} AS BOOLEAN) AS BIGINT)", v);
      case TypeId::kInt:
      case TypeId::kLong: return fmt::format("TRY_CAST({} AS BIGINT)", v);
      case TypeId::kDate: return fmt::format("(TRY_CAST({} AS DATE) - DATE '1970-01-01')", v);
      case TypeId::kTimestamp: return fmt::format("epoch_us(TRY_CAST({} AS TIMESTAMP))", v);
      case TypeId::kTimestampTz: return fmt::format("epoch_us(TRY_CAST({} AS TIMESTAMPTZ))", v);
      case TypeId::kDouble:
      case TypeId::kFloat: return fmt::format("TRY_CAST({} AS DOUBLE)", v);
      default: return std::string(v);
    }
  };
  const std::string lo = typed("stats_min_value"), hi = typed("stats_max_value");
  const bool is_i = t.id != TypeId::kDouble && t.id != TypeId::kFloat && t.id != TypeId::kString;
  const bool is_d = t.id == TypeId::kDouble || t.id == TypeId::kFloat;
  const bool is_s = t.id == TypeId::kString;
  // A row group with values but no (readable) statistics makes the file's bounds unknown.
  const std::string unknown = fmt::format(
      "bool_or(({0} IS NULL OR {1} IS NULL) AND coalesce(stats_null_count, -1) <> num_values)",
      lo, hi);
  return fmt::format(
      "{}, {}, {}, {}, {}, {}, {}",
      is_i ? "min(" + lo + ")" : "NULL::BIGINT", is_i ? "max(" + hi + ")" : "NULL::BIGINT",
      is_d ? "min(" + lo + ")" : "NULL::DOUBLE", is_d ? "max(" + hi + ")" : "NULL::DOUBLE",
      is_s ? "min(" + lo + ")" : "NULL::VARCHAR", is_s ? "max(" + hi + ")" : "NULL::VARCHAR",
      unknown);
}

}  // namespace

Result<std::vector<iceberg::DataFile>> DescribeParquetFiles(query::Database& db,
                                                            const iceberg::Schema& schema,
                                                            const std::vector<LocalDataFile>& files,
                                                            std::string_view table_name) {
  struct Staged {
    iceberg::DataFile file;
  };
  std::vector<Staged> staged(files.size());
  std::error_code ec;
  for (size_t i = 0; i < files.size(); ++i) {
    staged[i].file.file_path = files[i].path;
    staged[i].file.partition = files[i].partition;
    staged[i].file.file_size_in_bytes = static_cast<int64_t>(fs::file_size(files[i].path, ec));
    if (ec) return Status::IoError(fmt::format("{}: {}", files[i].path, ec.message()));
  }
  if (files.empty()) return std::vector<iceberg::DataFile>{};
  // Column metrics and split offsets from the footers.
  {
    std::string list;
    for (const Staged& s : staged) list += (list.empty() ? "" : ", ") + SqlQuote(s.file.file_path);
    SILT_RETURN_IF_ERROR(db.Exec(fmt::format(
        "CREATE OR REPLACE TEMP TABLE __silt_footers AS SELECT * FROM parquet_metadata([{}])", list)));
    struct DropFooters {
      query::Database& db;
      ~DropFooters() { (void)db.Exec("DROP TABLE IF EXISTS __silt_footers"); }
    } drop{db};
    std::string sql;
    for (const auto& f : schema.fields) {
      if (!sql.empty()) sql += "\nUNION ALL\n";
      sql += fmt::format(
          "SELECT file_name, {} AS id, sum(total_compressed_size)::BIGINT, sum(num_values)::BIGINT, "
          "sum(stats_null_count)::BIGINT, bool_or(stats_null_count IS NULL), {} FROM __silt_footers "
          "WHERE path_in_schema = {} GROUP BY file_name",
          f.id, TypedBoundExprs(*f.type), SqlQuote(f.name));
    }
    SILT_ASSIGN_OR_RETURN(query::QueryResult m, db.Query(sql));
    std::map<std::string, Staged*> by_path;
    for (Staged& s : staged) by_path[s.file.file_path] = &s;
    duckdb_result* raw = m.raw();
    for (uint64_t r = 0; r < m.row_count(); ++r) {
      auto it = by_path.find(m.Text(0, r));
      if (it == by_path.end()) continue;
      iceberg::DataFile& df = it->second->file;
      const int id = static_cast<int>(m.Int64(1, r));
      const iceberg::NestedField* field = schema.FindField(id);
      df.column_sizes[id] = m.Int64(2, r);
      df.value_counts[id] = m.Int64(3, r);
      const bool nulls_unknown = !m.IsNull(5, r) && duckdb_value_boolean(raw, 5, r);
      if (!m.IsNull(4, r) && !nulls_unknown) df.null_value_counts[id] = m.Int64(4, r);
      if (field->type->id == TypeId::kDouble || field->type->id == TypeId::kFloat) {
        // NaN counts are not in the footers; bounds exclude NaN (see BoundBytes).
      }
      const bool bounds_unknown = !m.IsNull(12, r) && duckdb_value_boolean(raw, 12, r);
      if (bounds_unknown) continue;
      auto opt_i = [&](size_t c) { return m.IsNull(c, r) ? std::optional<int64_t>() : m.Int64(c, r); };
      auto opt_d = [&](size_t c) {
        return m.IsNull(c, r) ? std::optional<double>() : duckdb_value_double(raw, c, r);
      };
      auto opt_s = [&](size_t c) { return m.IsNull(c, r) ? std::optional<std::string>() : m.Text(c, r); };
      auto lo = BoundBytes(*field->type, false, opt_i(6), opt_d(8), opt_s(10));
      auto hi = BoundBytes(*field->type, true, opt_i(7), opt_d(9), opt_s(11));
      if (lo && hi) {
        df.lower_bounds[id] = *lo;
        df.upper_bounds[id] = *hi;
      } else if (lo) {
        df.lower_bounds[id] = *lo;
      }
    }
    SILT_ASSIGN_OR_RETURN(
        query::QueryResult rg,
        db.Query("SELECT file_name, row_group_id, min(CASE WHEN dictionary_page_offset > 0 THEN "
                 "least(dictionary_page_offset, data_page_offset) ELSE data_page_offset END)::BIGINT "
                 "FROM __silt_footers GROUP BY ALL ORDER BY 1, 2"));
    for (uint64_t r = 0; r < rg.row_count(); ++r) {
      auto it = by_path.find(rg.Text(0, r));
      if (it != by_path.end() && !rg.IsNull(2, r)) it->second->file.split_offsets.push_back(rg.Int64(2, r));
    }
    for (Staged& s : staged) {
      auto& so = s.file.split_offsets;
      std::sort(so.begin(), so.end());
      if (!so.empty() && so.front() <= 0) so.clear();
    }
  }

  // Record counts: the rows of the footers' row groups.
  {
    std::string list;
    for (const Staged& s : staged) list += (list.empty() ? "" : ", ") + SqlQuote(s.file.file_path);
    SILT_ASSIGN_OR_RETURN(query::QueryResult rc,
                          db.Query(fmt::format("SELECT file_name, num_rows FROM parquet_file_metadata([{}])", list)));
    std::map<std::string, int64_t> rows;
    for (uint64_t r = 0; r < rc.row_count(); ++r) rows[rc.Text(0, r)] = rc.Int64(1, r);
    for (Staged& s : staged) s.file.record_count = rows[s.file.file_path];
  }
  // Required columns (tables created by other engines) must hold no nulls.
  for (const Staged& s : staged) {
    for (const auto& f : schema.fields) {
      auto n = s.file.null_value_counts.find(f.id);
      if (f.required && (n == s.file.null_value_counts.end() || n->second != 0)) {
        return Status::InvalidArgument(fmt::format(
            "column '{}' of table {} is required, but the query returns NULL values for it "
            "(or their number is unknown)", f.name, table_name));
      }
    }
  }
  std::vector<iceberg::DataFile> out;
  out.reserve(staged.size());
  for (Staged& s : staged) out.push_back(std::move(s.file));
  return out;
}

Status PlaceDataFiles(Warehouse& warehouse, const iceberg::TableMetadata& metadata,
                      const iceberg::PartitionSpec& spec, const std::vector<std::string>& local_paths,
                      std::vector<iceberg::DataFile>* files) {
  std::vector<std::string> placed;  // URIs
  auto fail = [&](Status st) {
    interrupt::CleanupScope cleanup;  // after Ctrl-C too
    (void)warehouse.io().Delete(placed);
    return st;
  };
  for (size_t i = 0; i < files->size(); ++i) {
    iceberg::DataFile& f = (*files)[i];
    const std::string ppath = spec.PartitionPath(f.partition);
    const std::string uri = metadata.location + "/data/" + (ppath.empty() ? "" : ppath + "/") +
                            iceberg::NewUuid() + ".parquet";
    auto key = warehouse.io().KeyOf(uri);
    if (!key.ok()) return fail(key.status());
    const std::string local = warehouse.store().LocalPath(*key);
    if (!local.empty()) {
      std::error_code e;
      fs::create_directories(fs::path(local).parent_path(), e);
      fs::rename(local_paths[i], local, e);
      if (e) {
        return fail(Status::IoError(fmt::format("moving {} to {}: {}", local_paths[i], local, e.message())));
      }
      placed.push_back(uri);
    } else {
      store::PutOptions po;
      po.if_absent = true;
      placed.push_back(uri);  // before: an upload that failed on the way may still have landed
      Status st = warehouse.store().PutFile(*key, local_paths[i], po).status();
      if (!st.ok()) return fail(st.WithContext("storing data files"));
    }
    f.file_path = uri;
  }
  return Status::OK();
}

}  // namespace silt::table
