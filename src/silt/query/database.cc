#include "silt/query/database.h"

#include <fmt/format.h>

#include "silt/query/read_log.h"

namespace silt::query {

std::string QueryResult::Text(size_t c, uint64_t row) {
  char* v = duckdb_value_varchar(&r_, c, row);
  if (v == nullptr) return {};
  std::string s(v);
  duckdb_free(v);
  return s;
}

std::string SqlQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string SqlIdent(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Result<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  std::unique_ptr<Database> db(new Database());
  duckdb_config config;
  if (duckdb_create_config(&config) == DuckDBError) {
    return Status::Internal("duckdb_create_config failed");
  }
  if (options.threads > 0) {
    duckdb_set_config(config, "threads", std::to_string(options.threads).c_str());
  }
  if (!options.memory_limit.empty()) {
    duckdb_set_config(config, "memory_limit", options.memory_limit.c_str());
  }
  char* err = nullptr;
  const char* path = options.path == ":memory:" ? nullptr : options.path.c_str();
  if (duckdb_open_ext(path, &db->db_, config, &err) == DuckDBError) {
    std::string msg = err != nullptr ? err : "unknown error";
    duckdb_free(err);
    duckdb_destroy_config(&config);
    return Status::Internal("opening DuckDB: " + msg);
  }
  duckdb_destroy_config(&config);
  if (duckdb_connect(db->db_, &db->conn_) == DuckDBError) {
    return Status::Internal("connecting to DuckDB failed");
  }
  SILT_RETURN_IF_ERROR(db->Exec("SET TimeZone = 'UTC'"));
  SILT_RETURN_IF_ERROR(RegisterReadLog(db->conn_));
  return db;
}

Database::~Database() {
  if (conn_ != nullptr) duckdb_disconnect(&conn_);
  if (db_ != nullptr) duckdb_close(&db_);
}

Status Database::Exec(const std::string& sql) {
  auto r = Query(sql);
  return r.status();
}

Result<QueryResult> Database::Query(const std::string& sql) {
  duckdb_result res;
  if (duckdb_query(conn_, sql.c_str(), &res) == DuckDBError) {
    std::string msg = duckdb_result_error(&res) != nullptr ? duckdb_result_error(&res) : "error";
    duckdb_error_type type = duckdb_result_error_type(&res);
    duckdb_destroy_result(&res);
    switch (type) {
      case DUCKDB_ERROR_PARSER:
      case DUCKDB_ERROR_BINDER:
      case DUCKDB_ERROR_CATALOG:
      case DUCKDB_ERROR_INVALID_INPUT:
        return Status::InvalidArgument(msg);
      case DUCKDB_ERROR_IO:
        return Status::IoError(msg);
      case DUCKDB_ERROR_INTERRUPT:
        return Status::Cancelled(msg);
      case DUCKDB_ERROR_INTERNAL:
      case DUCKDB_ERROR_FATAL:
        return Status::Internal(msg);
      default:
        // Conversion, constraint, out-of-range...: caused by the query or its data.
        return Status::InvalidArgument(msg);
    }
  }
  return QueryResult(res);
}

}  // namespace silt::query
