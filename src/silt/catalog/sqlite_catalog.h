// SqliteCatalog: the SQL ("JDBC") Iceberg catalog in an SQLite file, with the same tables,
// column names and primary keys as Java's JdbcCatalog (schema V1) and PyIceberg's
// SqlCatalog, so those engines can open the same file (ICEBERG.md §11):
//
//   iceberg_tables(catalog_name, table_namespace, table_name, metadata_location,
//                  previous_metadata_location, iceberg_type)   -- rows with iceberg_type 'TABLE'
//   iceberg_namespace_properties(catalog_name, namespace, property_key, property_value)
//
// A database created by Java's default "V0" layout (no iceberg_type column) is used as it is.
// The file is put in WAL mode with a busy timeout, so separate processes can commit
// concurrently; a commit is one UPDATE ... WHERE metadata_location = <expected> that must
// change exactly one row.
//
// Thread safety: all methods may be called from several threads (one connection, serialised
// by a mutex). Errors name the database file.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "silt/catalog/catalog.h"

struct sqlite3;

namespace silt::catalog {

struct SqliteCatalogOptions {
  std::string catalog_name = std::string(kDefaultCatalogName);
  int busy_timeout_ms = 30'000;  // how long a statement waits for another writer's lock
};

class SqliteCatalog : public Catalog {
 public:
  // Opens (creating when missing) the database at `path` and creates the catalog tables if
  // they do not exist. IoError/Corruption naming the path when it cannot be opened or is not
  // an SQLite database; InvalidArgument for an empty catalog name.
  static Result<std::unique_ptr<SqliteCatalog>> Open(const std::string& path,
                                                     const SqliteCatalogOptions& options = {});
  ~SqliteCatalog() override;

  SqliteCatalog(const SqliteCatalog&) = delete;
  SqliteCatalog& operator=(const SqliteCatalog&) = delete;

  const std::string& name() const override { return name_; }
  Status CreateNamespace(std::string_view ns,
                         const std::map<std::string, std::string>& properties = {}) override;
  Result<std::vector<std::string>> ListNamespaces() override;
  Result<bool> NamespaceExists(std::string_view ns) override;
  Status CreateTable(std::string_view identifier, std::string_view metadata_location) override;
  Result<std::string> LoadTable(std::string_view identifier) override;
  Status CommitTable(std::string_view identifier, std::string_view expected_metadata_location,
                     std::string_view new_metadata_location) override;
  Status DropTable(std::string_view identifier) override;
  Result<std::vector<std::string>> ListTables(std::string_view ns) override;

  // Namespace properties (including Java's ("exists", "true") marker). NotFound when the
  // namespace has no properties row.
  Result<std::map<std::string, std::string>> NamespaceProperties(std::string_view ns);

  const std::string& path() const { return path_; }

 private:
  SqliteCatalog(sqlite3* db, std::string path, std::string name);
  Status Init(int busy_timeout_ms);
  Result<bool> NamespaceExistsLocked(std::string_view ns);
  // " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)" or "" for the V0 layout.
  std::string TableFilter() const;

  sqlite3* db_;
  const std::string path_;
  const std::string name_;
  bool has_type_column_ = true;
  std::mutex mu_;
};

}  // namespace silt::catalog
