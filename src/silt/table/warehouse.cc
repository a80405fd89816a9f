#include "silt/table/warehouse.h"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

namespace silt::table {

namespace fs = std::filesystem;

std::string ResolveWarehouseLocation(std::string_view location) {
  if (!location.empty()) return std::string(location);
  const char* env = std::getenv("SILT_WAREHOUSE");
  if (env != nullptr && *env != '\0') return env;
  return std::string(kDefaultWarehouse);
}

Result<std::unique_ptr<Warehouse>> Warehouse::Open(const WarehouseOptions& options) {
  const std::string location = ResolveWarehouseLocation(options.location);
  SILT_ASSIGN_OR_RETURN(Uri uri, ParseUri(location));
  std::unique_ptr<Warehouse> w(new Warehouse());
  w->local_ = uri.is_local();
  std::string catalog_path = options.catalog;
  if (catalog_path.empty()) {
    const char* env = std::getenv("SILT_CATALOG");
    if (env != nullptr && *env != '\0') catalog_path = env;
  }
  const bool catalog_named = !catalog_path.empty();
  if (w->local_) {
    w->local_root_ = uri.path;
    std::error_code ec;
    if (!fs::is_directory(uri.path, ec)) {
      if (!options.create) {
        return Status::NotFound(fmt::format(
            "warehouse {} does not exist (create a table first, or pass --warehouse / set "
            "SILT_WAREHOUSE)",
            location));
      }
      fs::create_directories(uri.path, ec);
      if (ec) {
        return Status::IoError(
            fmt::format("creating warehouse folder {}: {}", uri.path, ec.message()));
      }
    }
    if (catalog_path.empty()) catalog_path = (fs::path(uri.path) / kCatalogFileName).string();
  } else if (catalog_path.empty()) {
    return Status::InvalidArgument(fmt::format(
        "the warehouse {} is in S3, which cannot hold the SQLite catalog: name a local catalog "
        "file with --catalog <file.db> or SILT_CATALOG",
        location));
  }
  // A catalog file named for reading must exist: a mistyped name would otherwise become a new,
  // empty catalog ("no tables") beside the real one.
  if (!options.create && catalog_named) {
    std::error_code ec;
    if (!fs::exists(catalog_path, ec)) {
      return Status::NotFound(fmt::format("catalog file {} does not exist (the warehouse {}'s "
                                          "catalog is created by the first table written)",
                                          catalog_path, location));
    }
  }
  SILT_ASSIGN_OR_RETURN(w->store_, store::OpenStore(uri, options.create));
  w->io_ = std::make_unique<iceberg::TableIO>(*w->store_);
  w->uri_ = w->io_->root_uri();
  auto cat = catalog::SqliteCatalog::Open(catalog_path);
  if (!cat.ok()) return cat.status().WithContext("opening the catalog");
  w->catalog_ = std::move(*cat);
  return w;
}

std::string Warehouse::TableLocation(const catalog::TableIdentifier& id) const {
  std::string ns = id.ns;
  for (char& c : ns) {
    if (c == '.') c = '/';
  }
  return uri_ + "/" + ns + "/" + id.name;
}

}  // namespace silt::table
