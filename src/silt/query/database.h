// The DuckDB adapter: an in-process database with silt's table functions registered. Only
// this module and `table` link DuckDB; everything DuckDB reports is turned into a Status here.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "silt/common/status.h"

namespace silt::query {

struct DatabaseOptions {
  int threads = 0;               // 0 = DuckDB's default (the machine's cores)
  std::string memory_limit;      // e.g. "1GB"; empty = DuckDB's default
  std::string path = ":memory:"; // database file; in memory by default
  // Every task runs on DuckDB's own `threads` threads: a statement started with
  // Database::Start() runs there while its caller waits without working, so two statements in
  // flight still share `threads` cores (a blocking Query() would add the caller as a worker).
  bool workers_only = false;
};

// Statements stop on Ctrl-C or SIGTERM (silt/common/interrupt.h): they end with its Cancelled
// status, and none starts after it.

// A statement running on DuckDB's threads (Database::Start), on a connection of its own.
class RunningStatement {
 public:
  ~RunningStatement();
  RunningStatement(const RunningStatement&) = delete;
  RunningStatement& operator=(const RunningStatement&) = delete;
  // Whether it has ended (succeeded or failed); does not block.
  bool Done();
  // Blocks until it has ended or `ready()` (when given) is true.
  void WaitUntil(const std::function<bool()>& ready);
  // Blocks until it ends; DuckDB's error when it failed. Call once.
  Status Wait();

 private:
  friend class Database;
  RunningStatement() = default;
  duckdb_connection conn_ = nullptr;
  duckdb_prepared_statement prepared_ = nullptr;
  duckdb_pending_result pending_ = nullptr;
  int interrupt_hook_ = 0;  // interrupt.h: Ctrl-C interrupts the statement
};

// How silt reads a table name DuckDB cannot resolve (`FROM 'out'`): a call of the table
// function or table macro `function` with one VARCHAR[] argument, `list`.
struct TableCall {
  std::string function;
  std::vector<std::string> list;
};
// Given such a name: the call to read instead, nullopt when the name is not silt's either
// (DuckDB then reports the unknown table), or an error to report in its place.
using TableResolver = std::function<Result<std::optional<TableCall>>(const std::string& name)>;

// A materialised query result. Movable, not copyable.
class QueryResult {
 public:
  explicit QueryResult(duckdb_result r) : r_(r), valid_(true) {}
  QueryResult(QueryResult&& o) noexcept : r_(o.r_), valid_(o.valid_) { o.valid_ = false; }
  QueryResult& operator=(QueryResult&&) = delete;
  QueryResult(const QueryResult&) = delete;
  ~QueryResult() {
    if (valid_) duckdb_destroy_result(&r_);
  }

  size_t column_count() { return duckdb_column_count(&r_); }
  uint64_t row_count() { return duckdb_row_count(&r_); }
  std::string column_name(size_t c) { return duckdb_column_name(&r_, c); }
  duckdb_type column_type(size_t c) { return duckdb_column_type(&r_, c); }
  bool IsNull(size_t c, uint64_t row) { return duckdb_value_is_null(&r_, c, row); }
  // The value as text (DuckDB's cast to VARCHAR); "NULL" handling is the caller's.
  std::string Text(size_t c, uint64_t row);
  int64_t Int64(size_t c, uint64_t row) { return duckdb_value_int64(&r_, c, row); }
  duckdb_result* raw() { return &r_; }

 private:
  duckdb_result r_;
  bool valid_;
};

class Database {
 public:
  // Opens DuckDB, sets the session time zone to UTC and registers read_log() and
  // read_log_rejects().
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Statements naming s3:// locations outside read_log() read them through the local cache
  // of remote_cache.h.
  // Runs one or more statements, discarding results. DuckDB's error message on failure.
  Status Exec(const std::string& sql);
  // Runs a statement and materialises its result.
  Result<QueryResult> Query(const std::string& sql);
  // Starts one statement (no result rows wanted: COPY, INSERT...) on DuckDB's threads and
  // returns at once; the caller's thread does none of its work (see workers_only).
  Result<std::unique_ptr<RunningStatement>> Start(const std::string& sql);

  // Runs one statement for showing its result to a person or a program: the values of a
  // query come back as DuckDB's own text for every type (timestamps with zone, lists,
  // structs...), and `types` holds the query's real column types. Other statements (SET,
  // CREATE, COPY...) run as they are; `is_query` tells which it was.
  struct Shown {
    QueryResult result;
    std::vector<duckdb_type> types;
    bool is_query = false;
  };
  Result<Shown> QueryForDisplay(const std::string& statement);

  // Adds a resolver for the table names DuckDB cannot resolve, asked after DuckDB's own
  // (file names ending in .parquet, .csv...). Lives as long as the database.
  void AddTableResolver(TableResolver resolver);

  duckdb_connection connection() { return conn_; }

 private:
  Database() = default;
  duckdb_database db_ = nullptr;
  duckdb_connection conn_ = nullptr;
  int interrupt_hook_ = 0;  // interrupt.h: Ctrl-C interrupts the running statement
};

// Splits a script into statements at top-level ';' (outside quotes, dollar quotes and
// comments); empty statements are dropped. Each statement comes back without its ';'.
std::vector<std::string> SplitStatements(std::string_view sql);

// 'it''s' — a SQL string literal.
std::string SqlQuote(std::string_view s);
// "na""me" — a SQL identifier.
std::string SqlIdent(std::string_view s);

// For silt's table functions: the Status of a bind error they hand to DuckDB as text. When
// the statement then fails with that text, the error keeps the Status's code (a missing
// object stays NotFound, a refused credential PermissionDenied) instead of DuckDB's kind.
// Per thread (DuckDB binds on the thread that runs the statement).
void NoteBindError(const Status& status);

}  // namespace silt::query
