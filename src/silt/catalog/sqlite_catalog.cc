#include "silt/catalog/sqlite_catalog.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

namespace silt::catalog {
namespace {

constexpr const char* kCreateTables =
    "CREATE TABLE IF NOT EXISTS iceberg_tables ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "table_namespace VARCHAR(255) NOT NULL, "
    "table_name VARCHAR(255) NOT NULL, "
    "metadata_location VARCHAR(1000), "
    "previous_metadata_location VARCHAR(1000), "
    "iceberg_type VARCHAR(5), "
    "PRIMARY KEY (catalog_name, table_namespace, table_name))";

constexpr const char* kCreateNamespaceProperties =
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "namespace VARCHAR(255) NOT NULL, "
    "property_key VARCHAR(255), "
    "property_value VARCHAR(1000), "
    "PRIMARY KEY (catalog_name, namespace, property_key))";

Status ErrorStatus(int rc, sqlite3* db, const std::string& path, std::string_view what) {
  std::string m = "sqlite " + path + ": " + std::string(what) + ": " +
                  (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::Unavailable(std::move(m));
    case SQLITE_CONSTRAINT: return Status::AlreadyExists(std::move(m));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::Corruption(std::move(m));
    default: return Status::IoError(std::move(m));
  }
}

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& path) : db_(db), path_(path) {}
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Status Prepare(std::string_view sql) {
    const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) return ErrorStatus(rc, db_, path_, "prepare");
    return Status::OK();
  }
  Status Bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                     SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) return ErrorStatus(rc, db_, path_, "bind");
    return Status::OK();
  }
  // True when a row is available, false when done.
  Result<bool> Step(std::string_view what) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return ErrorStatus(rc, db_, path_, what);
  }
  std::string Text(int column) const {
    const unsigned char* t = sqlite3_column_text(stmt_, column);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Runs a statement with text parameters; returns the number of changed rows.
Result<int> Exec(sqlite3* db, const std::string& path, std::string_view sql,
                 std::initializer_list<std::string_view> params, std::string_view what) {
  Stmt stmt(db, path);
  SILT_RETURN_IF_ERROR(stmt.Prepare(sql));
  int i = 1;
  for (std::string_view p : params) SILT_RETURN_IF_ERROR(stmt.Bind(i++, p));
  SILT_ASSIGN_OR_RETURN(bool row, stmt.Step(what));
  (void)row;
  return sqlite3_changes(db);
}

}  // namespace

SqliteCatalog::SqliteCatalog(sqlite3* db, std::string path, std::string name)
    : db_(db), path_(std::move(path)), name_(std::move(name)) {}

SqliteCatalog::~SqliteCatalog() { sqlite3_close_v2(db_); }

Result<std::unique_ptr<SqliteCatalog>> SqliteCatalog::Open(const std::string& path,
                                                           const SqliteCatalogOptions& options) {
  if (options.catalog_name.empty()) return Status::InvalidArgument("the catalog name is empty");
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    Status st = ErrorStatus(rc, db, path, "open");
    sqlite3_close_v2(db);
    return st;
  }
  std::unique_ptr<SqliteCatalog> catalog(new SqliteCatalog(db, path, options.catalog_name));
  SILT_RETURN_IF_ERROR(catalog->Init(options.busy_timeout_ms));
  return catalog;
}

Status SqliteCatalog::Init(int busy_timeout_ms) {
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  // Switching to WAL and creating the tables take locks another process may hold for a
  // moment; SQLite does not always call the busy handler for these, so retry here too.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  auto with_retry = [&](const char* sql, std::string_view what) -> Status {
    for (;;) {
      char* err = nullptr;
      const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
      sqlite3_free(err);
      if (rc == SQLITE_OK) return Status::OK();
      Status st = ErrorStatus(rc, db_, path_, what);
      if (st.code() != StatusCode::kUnavailable || std::chrono::steady_clock::now() > deadline) {
        return st;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  SILT_RETURN_IF_ERROR(with_retry("PRAGMA journal_mode=WAL", "enable WAL"));
  SILT_RETURN_IF_ERROR(with_retry(kCreateTables, "create iceberg_tables"));
  SILT_RETURN_IF_ERROR(with_retry(kCreateNamespaceProperties, "create iceberg_namespace_properties"));
  Stmt info(db_, path_);
  SILT_RETURN_IF_ERROR(info.Prepare("PRAGMA table_info(iceberg_tables)"));
  has_type_column_ = false;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(bool row, info.Step("read iceberg_tables columns"));
    if (!row) break;
    if (info.Text(1) == "iceberg_type") has_type_column_ = true;
  }
  return Status::OK();
}

std::string SqliteCatalog::TableFilter() const {
  return has_type_column_ ? " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)" : "";
}

Result<bool> SqliteCatalog::NamespaceExistsLocked(std::string_view ns) {
  Stmt stmt(db_, path_);
  SILT_RETURN_IF_ERROR(stmt.Prepare(
      "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ?1 AND namespace = ?2 "
      "UNION ALL SELECT 1 FROM iceberg_tables WHERE catalog_name = ?1 AND table_namespace = ?2 "
      "LIMIT 1"));
  SILT_RETURN_IF_ERROR(stmt.Bind(1, name_));
  SILT_RETURN_IF_ERROR(stmt.Bind(2, ns));
  return stmt.Step("look up namespace");
}

Status SqliteCatalog::CreateNamespace(std::string_view ns,
                                      const std::map<std::string, std::string>& properties) {
  SILT_RETURN_IF_ERROR(ValidateNamespace(ns));
  std::lock_guard<std::mutex> lock(mu_);
  SILT_RETURN_IF_ERROR(Exec(db_, path_, "BEGIN IMMEDIATE", {}, "begin").status());
  auto body = [&]() -> Status {
    SILT_ASSIGN_OR_RETURN(bool exists, NamespaceExistsLocked(ns));
    if (exists) {
      return Status::AlreadyExists("namespace " + std::string(ns) + " already exists in catalog " +
                                   name_);
    }
    std::map<std::string, std::string> props = properties;
    props.emplace("exists", "true");
    for (const auto& [k, v] : props) {
      SILT_RETURN_IF_ERROR(Exec(db_, path_,
                                "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, "
                                "property_key, property_value) VALUES (?, ?, ?, ?)",
                                {name_, ns, k, v}, "insert namespace property")
                               .status());
    }
    return Exec(db_, path_, "COMMIT", {}, "commit").status();
  };
  Status st = body();
  if (!st.ok()) (void)Exec(db_, path_, "ROLLBACK", {}, "rollback");
  return st;
}

Result<std::vector<std::string>> SqliteCatalog::ListNamespaces() {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, path_);
  SILT_RETURN_IF_ERROR(stmt.Prepare(
      "SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = ?1 "
      "UNION SELECT table_namespace FROM iceberg_tables WHERE catalog_name = ?1 ORDER BY 1"));
  SILT_RETURN_IF_ERROR(stmt.Bind(1, name_));
  std::vector<std::string> out;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(bool row, stmt.Step("list namespaces"));
    if (!row) break;
    out.push_back(stmt.Text(0));
  }
  return out;
}

Result<bool> SqliteCatalog::NamespaceExists(std::string_view ns) {
  SILT_RETURN_IF_ERROR(ValidateNamespace(ns));
  std::lock_guard<std::mutex> lock(mu_);
  return NamespaceExistsLocked(ns);
}

Result<std::map<std::string, std::string>> SqliteCatalog::NamespaceProperties(std::string_view ns) {
  SILT_RETURN_IF_ERROR(ValidateNamespace(ns));
  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, path_);
  SILT_RETURN_IF_ERROR(stmt.Prepare(
      "SELECT property_key, property_value FROM iceberg_namespace_properties "
      "WHERE catalog_name = ? AND namespace = ?"));
  SILT_RETURN_IF_ERROR(stmt.Bind(1, name_));
  SILT_RETURN_IF_ERROR(stmt.Bind(2, ns));
  std::map<std::string, std::string> out;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(bool row, stmt.Step("read namespace properties"));
    if (!row) break;
    out[stmt.Text(0)] = stmt.Text(1);
  }
  if (out.empty()) {
    return Status::NotFound("namespace " + std::string(ns) + " has no properties in catalog " + name_);
  }
  return out;
}

Status SqliteCatalog::CreateTable(std::string_view identifier, std::string_view metadata_location) {
  SILT_ASSIGN_OR_RETURN(TableIdentifier id, ParseTableIdentifier(identifier));
  std::lock_guard<std::mutex> lock(mu_);
  SILT_ASSIGN_OR_RETURN(bool ns_exists, NamespaceExistsLocked(id.ns));
  if (!ns_exists) {
    return Status::NotFound("cannot create table " + id.ToString() + ": namespace " + id.ns +
                            " does not exist in catalog " + name_);
  }
  const std::string sql =
      has_type_column_
          ? "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
            "metadata_location, previous_metadata_location, iceberg_type) "
            "VALUES (?, ?, ?, ?, NULL, 'TABLE')"
          : "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
            "metadata_location, previous_metadata_location) VALUES (?, ?, ?, ?, NULL)";
  auto r = Exec(db_, path_, sql, {name_, id.ns, id.name, metadata_location}, "insert table");
  if (r.status().IsAlreadyExists()) {
    return Status::AlreadyExists("table " + id.ToString() + " already exists in catalog " + name_);
  }
  return r.status();
}

Result<std::string> SqliteCatalog::LoadTable(std::string_view identifier) {
  SILT_ASSIGN_OR_RETURN(TableIdentifier id, ParseTableIdentifier(identifier));
  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, path_);
  SILT_RETURN_IF_ERROR(stmt.Prepare(
      "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND "
      "table_namespace = ? AND table_name = ?" + TableFilter()));
  SILT_RETURN_IF_ERROR(stmt.Bind(1, name_));
  SILT_RETURN_IF_ERROR(stmt.Bind(2, id.ns));
  SILT_RETURN_IF_ERROR(stmt.Bind(3, id.name));
  SILT_ASSIGN_OR_RETURN(bool row, stmt.Step("load table"));
  if (!row) {
    return Status::NotFound("table " + id.ToString() + " does not exist in catalog " + name_ +
                            " (" + path_ + ")");
  }
  if (stmt.IsNull(0)) {
    return Status::Corruption("table " + id.ToString() + " has no metadata location in " + path_);
  }
  return stmt.Text(0);
}

Status SqliteCatalog::CommitTable(std::string_view identifier, std::string_view expected,
                                  std::string_view new_location) {
  SILT_ASSIGN_OR_RETURN(TableIdentifier id, ParseTableIdentifier(identifier));
  {
    std::lock_guard<std::mutex> lock(mu_);
    SILT_ASSIGN_OR_RETURN(
        int changed,
        Exec(db_, path_,
             "UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? "
             "WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND "
             "metadata_location = ?" + TableFilter(),
             {new_location, expected, name_, id.ns, id.name, expected}, "commit table"));
    if (changed == 1) return Status::OK();
    if (changed > 1) {
      return Status::Internal("commit of " + id.ToString() + " changed " +
                              std::to_string(changed) + " rows");
    }
  }
  // Nothing changed: tell a missing table from a lost race.
  SILT_ASSIGN_OR_RETURN(std::string current, LoadTable(identifier));
  return Status::PreconditionFailed("table " + id.ToString() +
                                    " was changed by another commit: expected " +
                                    std::string(expected) + ", now " + current);
}

Status SqliteCatalog::DropTable(std::string_view identifier) {
  SILT_ASSIGN_OR_RETURN(TableIdentifier id, ParseTableIdentifier(identifier));
  std::lock_guard<std::mutex> lock(mu_);
  SILT_ASSIGN_OR_RETURN(int changed,
                        Exec(db_, path_,
                             "DELETE FROM iceberg_tables WHERE catalog_name = ? AND "
                             "table_namespace = ? AND table_name = ?" + TableFilter(),
                             {name_, id.ns, id.name}, "drop table"));
  if (changed == 0) {
    return Status::NotFound("table " + id.ToString() + " does not exist in catalog " + name_);
  }
  return Status::OK();
}

Result<std::vector<std::string>> SqliteCatalog::ListTables(std::string_view ns) {
  SILT_RETURN_IF_ERROR(ValidateNamespace(ns));
  std::lock_guard<std::mutex> lock(mu_);
  Stmt stmt(db_, path_);
  SILT_RETURN_IF_ERROR(stmt.Prepare("SELECT table_name FROM iceberg_tables WHERE catalog_name = ? "
                                    "AND table_namespace = ?" + TableFilter() +
                                    " ORDER BY table_name"));
  SILT_RETURN_IF_ERROR(stmt.Bind(1, name_));
  SILT_RETURN_IF_ERROR(stmt.Bind(2, ns));
  std::vector<std::string> out;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(bool row, stmt.Step("list tables"));
    if (!row) break;
    out.push_back(stmt.Text(0));
  }
  return out;
}

}  // namespace silt::catalog
