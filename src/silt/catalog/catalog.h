// Iceberg catalogs: the one mutable pointer per table (identifier -> current metadata file),
// swapped with compare-and-swap on commit. SqliteCatalog implements it over the SQL ("JDBC")
// catalog layout; a PostgreSQL implementation will share this interface.
//
// Identifiers are "namespace.table"; a namespace may have several levels ("a.b.t" is table
// "t" in namespace "a.b"). Every name segment is 1..255 characters of [A-Za-z0-9_-], so it is
// safe in paths and URIs.
//
// Thread safety: implementations must allow concurrent calls from several threads, and
// several processes may commit to one catalog concurrently.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"

namespace silt::catalog {

inline constexpr std::string_view kDefaultCatalogName = "silt";

struct TableIdentifier {
  std::string ns;    // "a" or "a.b"
  std::string name;  // "t"

  std::string ToString() const { return ns + "." + name; }  // "a.b.t"
  bool operator==(const TableIdentifier&) const = default;
};

// Splits "ns.table" at the last '.'. InvalidArgument with the reason for an identifier
// without a namespace or with a bad segment.
Result<TableIdentifier> ParseTableIdentifier(std::string_view text);

// OK for a valid namespace ("a", "a.b"); InvalidArgument with the reason otherwise.
Status ValidateNamespace(std::string_view ns);

class Catalog {
 public:
  virtual ~Catalog() = default;

  // The catalog name all engines sharing the catalog must use.
  virtual const std::string& name() const = 0;

  // Creates a namespace with properties. AlreadyExists when it exists.
  virtual Status CreateNamespace(std::string_view ns,
                                 const std::map<std::string, std::string>& properties = {}) = 0;
  // Every namespace that has properties or tables, sorted.
  virtual Result<std::vector<std::string>> ListNamespaces() = 0;
  virtual Result<bool> NamespaceExists(std::string_view ns) = 0;

  // Registers a table whose first metadata file is `metadata_location`. NotFound when the
  // namespace does not exist; AlreadyExists when the identifier is taken.
  virtual Status CreateTable(std::string_view identifier, std::string_view metadata_location) = 0;

  // The table's current metadata location. NotFound naming the table when there is none.
  virtual Result<std::string> LoadTable(std::string_view identifier) = 0;

  // Compare-and-swap: points the table at `new_metadata_location` only if it still points at
  // `expected_metadata_location`. PreconditionFailed when another writer committed first
  // (reload and retry); NotFound when the table does not exist. Unavailable for transient
  // failures (e.g. the database stayed locked), after which the swap did not happen.
  virtual Status CommitTable(std::string_view identifier,
                             std::string_view expected_metadata_location,
                             std::string_view new_metadata_location) = 0;

  // Removes the table from the catalog (its files are untouched). NotFound when absent.
  virtual Status DropTable(std::string_view identifier) = 0;

  // Table names (without the namespace) in `ns`, sorted. Empty for an unknown namespace.
  virtual Result<std::vector<std::string>> ListTables(std::string_view ns) = 0;
};

}  // namespace silt::catalog
