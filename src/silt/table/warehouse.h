// A silt warehouse: one place holding Iceberg tables and the SQL catalog that points at them.
//
//   local:  <dir>/catalog.db               the SQLite catalog (SqliteCatalog)
//           <dir>/<ns levels>/<table>/...   table locations (metadata/, data/)
//   s3:     s3://bucket/prefix/<ns levels>/<table>/...   with the catalog in a local SQLite
//           file named by SILT_CATALOG or --catalog (an S3 object cannot hold SQLite).
//
// The warehouse location comes from --warehouse, else SILT_WAREHOUSE, else "./warehouse".
//
// Thread safety: a Warehouse may be used from several threads (its Store, TableIO and
// SqliteCatalog are thread-safe).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "silt/catalog/catalog.h"
#include "silt/catalog/sqlite_catalog.h"
#include "silt/common/status.h"
#include "silt/common/uri.h"
#include "silt/iceberg/table_ops.h"
#include "silt/store/store.h"

namespace silt::table {

inline constexpr std::string_view kDefaultWarehouse = "./warehouse";
inline constexpr std::string_view kCatalogFileName = "catalog.db";

struct WarehouseOptions {
  // The warehouse: a folder (plain path or file://) or s3://bucket/prefix. Empty: the
  // SILT_WAREHOUSE environment variable, else "./warehouse".
  std::string location;
  // The SQLite catalog file. Empty: SILT_CATALOG, else <folder>/catalog.db for a local
  // warehouse; required (by either) for an s3:// warehouse.
  std::string catalog;
  // Create a local warehouse folder that does not exist (commands that only read pass false
  // and get NotFound instead, also for a catalog file named here that does not exist).
  bool create = true;
};

class Warehouse {
 public:
  // Opens the store and the catalog. Errors: InvalidArgument for a malformed location or an
  // s3:// warehouse without a catalog path; NotFound for a missing local folder when
  // !options.create; the store's and the catalog's own errors otherwise.
  static Result<std::unique_ptr<Warehouse>> Open(const WarehouseOptions& options = {});

  // The warehouse URI ("file:///data/wh", "s3://bucket/wh").
  const std::string& uri() const { return uri_; }
  bool is_local() const { return local_; }
  // The local folder of a local warehouse; empty for s3.
  const std::string& local_root() const { return local_root_; }
  const std::string& catalog_path() const { return catalog_->path(); }

  store::Store& store() { return *store_; }
  const iceberg::TableIO& io() const { return *io_; }
  catalog::SqliteCatalog& catalog() { return *catalog_; }

  // The location of table `id`: "<warehouse uri>/<ns levels joined by '/'>/<name>".
  std::string TableLocation(const catalog::TableIdentifier& id) const;

 private:
  Warehouse() = default;

  std::string uri_;
  bool local_ = true;
  std::string local_root_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<iceberg::TableIO> io_;
  std::unique_ptr<catalog::SqliteCatalog> catalog_;
};

// The warehouse location that Open would use for `location` ("" -> SILT_WAREHOUSE or the
// default), as given (not yet parsed).
std::string ResolveWarehouseLocation(std::string_view location);

}  // namespace silt::table
