#include "silt/query/database.h"

#include "silt/query/remote_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "silt/common/interrupt.h"
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
  if (options.workers_only) duckdb_set_config(config, "external_threads", "0");
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
  db->interrupt_hook_ = interrupt::AddHook([conn = db->conn_] { duckdb_interrupt(conn); });
  SILT_RETURN_IF_ERROR(db->Exec("SET TimeZone = 'UTC'"));
  SILT_RETURN_IF_ERROR(RegisterReadLog(db->conn_));
  return db;
}

namespace {

// DuckDB's replacement scan callback: asks the resolver, turns its answer into a table
// function call or an error. Exceptions stop here (DuckDB calls this from its binder).
void ResolveTable(duckdb_replacement_scan_info info, const char* name, void* data) {
  const auto& resolver = *static_cast<const TableResolver*>(data);
  Result<std::optional<TableCall>> call = std::optional<TableCall>();
  try {
    call = resolver(name);
  } catch (const std::exception& e) {
    call = Status::Internal(std::string("resolving table ") + name + ": " + e.what());
  }
  if (!call.ok()) {
    duckdb_replacement_scan_set_error(info, call.status().message().c_str());
    return;
  }
  if (!call->has_value()) return;
  duckdb_replacement_scan_set_function_name(info, (*call)->function.c_str());
  std::vector<duckdb_value> items;
  items.reserve((*call)->list.size());
  for (const std::string& s : (*call)->list) {
    items.push_back(duckdb_create_varchar_length(s.data(), s.size()));
  }
  duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_value list = duckdb_create_list_value(varchar, items.data(), items.size());
  duckdb_replacement_scan_add_parameter(info, list);  // copies the value
  duckdb_destroy_value(&list);
  for (duckdb_value& v : items) duckdb_destroy_value(&v);
  duckdb_destroy_logical_type(&varchar);
}

void DeleteResolver(void* data) { delete static_cast<TableResolver*>(data); }

}  // namespace

void Database::AddTableResolver(TableResolver resolver) {
  duckdb_add_replacement_scan(db_, ResolveTable, new TableResolver(std::move(resolver)),
                              DeleteResolver);
}

Database::~Database() {
  if (interrupt_hook_ != 0) interrupt::RemoveHook(interrupt_hook_);
  if (conn_ != nullptr) duckdb_disconnect(&conn_);
  if (db_ != nullptr) duckdb_close(&db_);
}

Status Database::Exec(const std::string& sql) {
  auto r = Query(sql);
  return r.status();
}

std::vector<std::string> SplitStatements(std::string_view sql) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&]() {
    size_t b = cur.find_first_not_of(" \t\r\n");
    if (b != std::string::npos) out.push_back(cur.substr(b));
    cur.clear();
  };
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // Quoted: doubled quotes stay inside.
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      cur.append(sql.substr(i, j + 1 - i));
      i = j + 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      if (j == std::string_view::npos) j = sql.size();
      cur.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t j = sql.find("*/", i + 2);
      j = j == std::string_view::npos ? sql.size() : j + 2;
      cur.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] == '$') {
      size_t j = sql.find("$$", i + 2);
      j = j == std::string_view::npos ? sql.size() : j + 2;
      cur.append(sql.substr(i, j - i));
      i = j;
    } else if (c == ';') {
      flush();
      ++i;
    } else {
      cur.push_back(c);
      ++i;
    }
  }
  flush();
  // A statement of only comments is not a statement.
  std::vector<std::string> real;
  for (auto& st : out) {
    std::string_view v = st;
    bool only_comments = true;
    size_t k = 0;
    while (k < v.size()) {
      if (isspace(static_cast<unsigned char>(v[k]))) {
        ++k;
      } else if (v.substr(k, 2) == "--") {
        size_t e = v.find('\n', k);
        k = e == std::string_view::npos ? v.size() : e;
      } else if (v.substr(k, 2) == "/*") {
        size_t e = v.find("*/", k + 2);
        k = e == std::string_view::npos ? v.size() : e + 2;
      } else {
        only_comments = false;
        break;
      }
    }
    if (!only_comments) real.push_back(std::move(st));
  }
  return real;
}

Result<Database::Shown> Database::QueryForDisplay(const std::string& original) {
  SILT_ASSIGN_OR_RETURN(const std::string statement, MirrorRemoteLiterals(original));
  duckdb_prepared_statement prepared = nullptr;
  if (duckdb_prepare(conn_, statement.c_str(), &prepared) == DuckDBError) {
    // Some statements cannot be prepared (e.g. with several parameters' forms): just run it.
    duckdb_destroy_prepare(&prepared);
    SILT_ASSIGN_OR_RETURN(QueryResult r, Query(statement));
    std::vector<duckdb_type> types;
    for (size_t c = 0; c < r.column_count(); ++c) types.push_back(r.column_type(c));
    return Shown{std::move(r), std::move(types), false};
  }
  const bool is_select = duckdb_prepared_statement_type(prepared) == DUCKDB_STATEMENT_TYPE_SELECT;
  std::vector<duckdb_type> types;
  if (is_select) {
    idx_t n = duckdb_prepared_statement_column_count(prepared);
    for (idx_t c = 0; c < n; ++c) types.push_back(duckdb_prepared_statement_column_type(prepared, c));
  }
  duckdb_destroy_prepare(&prepared);
  if (!is_select || types.empty()) {
    SILT_ASSIGN_OR_RETURN(QueryResult r, Query(statement));
    types.clear();
    for (size_t c = 0; c < r.column_count(); ++c) types.push_back(r.column_type(c));
    return Shown{std::move(r), std::move(types), is_select};
  }
  SILT_ASSIGN_OR_RETURN(QueryResult r,
                        Query("SELECT COLUMNS(*)::VARCHAR FROM (" + statement + "\n)"));
  return Shown{std::move(r), std::move(types), true};
}

namespace {

// DuckDB 1.4 repeats the "LINE n: ..." context of some errors (parser errors among them):
// the second copy is dropped.
std::string WithoutRepeatedContext(std::string msg) {
  constexpr std::string_view kContext = "\n\nLINE ";
  const size_t last = msg.rfind(kContext);
  if (last == std::string::npos || last == 0) return msg;
  const size_t previous = msg.rfind(kContext, last - 1);
  if (previous == std::string::npos) return msg;
  if (std::string_view(msg).substr(previous, last - previous) == std::string_view(msg).substr(last)) {
    msg.resize(last);
  }
  return msg;
}

// A DuckDB error as a Status.
thread_local Status t_bind_error;

Status StatusOf(duckdb_error_type type, std::string msg) {
  msg = WithoutRepeatedContext(std::move(msg));
  if (!t_bind_error.ok()) {
    const Status noted = std::exchange(t_bind_error, Status::OK());
    if (msg.find(noted.message()) != std::string::npos) return Status(noted.code(), std::move(msg));
  }
  switch (type) {
    case DUCKDB_ERROR_PARSER:
    case DUCKDB_ERROR_BINDER:
    case DUCKDB_ERROR_CATALOG:
    case DUCKDB_ERROR_INVALID_INPUT:
      return Status::InvalidArgument(std::move(msg));
    case DUCKDB_ERROR_IO:
      return Status::IoError(std::move(msg));
    case DUCKDB_ERROR_INTERRUPT:
      return Status::Cancelled(std::move(msg));
    case DUCKDB_ERROR_INTERNAL:
    case DUCKDB_ERROR_FATAL:
      return Status::Internal(std::move(msg));
    default:
      // Conversion, constraint, out-of-range...: caused by the query or its data.
      return Status::InvalidArgument(std::move(msg));
  }
}

}  // namespace

void NoteBindError(const Status& status) { t_bind_error = status; }

namespace {

// DuckDB's error of a failed result as a Status (and the result destroyed).
Status FailedResult(duckdb_result* res) {
  std::string msg = duckdb_result_error(res) != nullptr ? duckdb_result_error(res) : "error";
  duckdb_error_type type = duckdb_result_error_type(res);
  duckdb_destroy_result(res);
  return StatusOf(type, std::move(msg));
}

// An error the C API gives as text only (a prepared or pending statement's): DuckDB writes it
// as "<type> Error: <message>", and the type is read back from there.
Status FailedText(const char* text, const char* otherwise) {
  std::string msg = text != nullptr ? text : otherwise;
  duckdb_error_type type = DUCKDB_ERROR_INVALID_INPUT;
  if (msg.starts_with("IO Error:")) type = DUCKDB_ERROR_IO;
  if (msg.starts_with("INTERRUPT Error:")) type = DUCKDB_ERROR_INTERRUPT;
  if (msg.starts_with("INTERNAL Error:")) type = DUCKDB_ERROR_INTERNAL;
  if (msg.starts_with("FATAL Error:")) type = DUCKDB_ERROR_FATAL;
  return StatusOf(type, std::move(msg));
}

}  // namespace

Result<QueryResult> Database::Query(const std::string& original) {
  if (interrupt::Stopping()) return interrupt::AsStatus();
  SILT_ASSIGN_OR_RETURN(const std::string sql, MirrorRemoteLiterals(original));
  duckdb_result res;
  if (duckdb_query(conn_, sql.c_str(), &res) == DuckDBError) {
    Status failed = FailedResult(&res);
    return interrupt::Stopping() ? interrupt::AsStatus() : failed;
  }
  QueryResult result(res);
  // A signal just before the statement started: DuckDB cleared its flag, and the statement ran.
  if (interrupt::Stopping()) return interrupt::AsStatus();
  return result;
}

Result<std::unique_ptr<RunningStatement>> Database::Start(const std::string& original) {
  if (interrupt::Stopping()) return interrupt::AsStatus();
  SILT_ASSIGN_OR_RETURN(const std::string sql, MirrorRemoteLiterals(original));
  std::unique_ptr<RunningStatement> run(new RunningStatement());
  if (duckdb_connect(db_, &run->conn_) == DuckDBError) {
    return Status::Internal("connecting to DuckDB failed");
  }
  run->interrupt_hook_ = interrupt::AddHook([conn = run->conn_] { duckdb_interrupt(conn); });
  // Session settings of Open() (silt's functions are registered database-wide).
  duckdb_result res;
  if (duckdb_query(run->conn_, "SET TimeZone = 'UTC'", &res) == DuckDBError) {
    return FailedResult(&res);
  }
  duckdb_destroy_result(&res);
  if (duckdb_prepare(run->conn_, sql.c_str(), &run->prepared_) == DuckDBError) {
    Status failed = FailedText(duckdb_prepare_error(run->prepared_), "preparing a statement failed");
    return interrupt::Stopping() ? interrupt::AsStatus() : failed;
  }
  // Creating the pending result schedules the statement's tasks on DuckDB's threads.
  if (duckdb_pending_prepared(run->prepared_, &run->pending_) == DuckDBError) {
    Status failed = FailedText(duckdb_pending_error(run->pending_), "starting a statement failed");
    return interrupt::Stopping() ? interrupt::AsStatus() : failed;
  }
  return run;
}

RunningStatement::~RunningStatement() {
  if (interrupt_hook_ != 0) interrupt::RemoveHook(interrupt_hook_);
  if (pending_ != nullptr) duckdb_destroy_pending(&pending_);
  if (prepared_ != nullptr) duckdb_destroy_prepare(&prepared_);
  if (conn_ != nullptr) duckdb_disconnect(&conn_);
}

bool RunningStatement::Done() {
  // DUCKDB_PENDING_ERROR also stands for "execution finished" (see Wait).
  switch (duckdb_pending_execute_check_state(pending_)) {
    case DUCKDB_PENDING_RESULT_READY:
    case DUCKDB_PENDING_ERROR:
      return true;
    default:
      return false;
  }
}

void RunningStatement::WaitUntil(const std::function<bool()>& ready) {
  // Polled: DuckDB's C API offers no blocking wait that leaves the work to its threads.
  auto pause = std::chrono::microseconds(100);
  while (!Done() && !(ready && ready())) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
}

Status RunningStatement::Wait() {
  WaitUntil({});
  if (interrupt::Stopping()) return interrupt::AsStatus();
  // A failed statement's error, as DuckDB gave it (executing it would only wrap it in
  // "Attempting to execute an unsuccessful ... pending query result"). The error text is
  // empty while there is none; the state cannot tell, as DuckDB's C API reports a finished
  // execution as DUCKDB_PENDING_ERROR too.
  const char* error = duckdb_pending_error(pending_);
  if (error != nullptr && *error != '\0') return FailedText(error, "the statement failed");
  duckdb_result res;
  if (duckdb_execute_pending(pending_, &res) == DuckDBError) return FailedResult(&res);
  duckdb_destroy_result(&res);
  return Status::OK();
}

}  // namespace silt::query
