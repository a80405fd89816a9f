#include "silt/table/folder_sql.h"

#include <sys/stat.h>

#include <cerrno>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "silt/common/uri.h"
#include "silt/query/remote_cache.h"
#include "silt/store/store.h"
#include "silt/table/convert.h"

namespace silt::table {

namespace {

namespace fs = std::filesystem;

// The Parquet files under `dir`, sorted, leaving out what is not data: files and folders whose
// name starts with '_' or '.' ('_silt', '_rejects', '.hidden'), as Hive-style readers (Spark,
// Hive, Trino) and silt's own inputs do.
std::vector<std::string> ParquetFilesIn(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("_") || name.starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (name.ends_with(".parquet") && it->is_regular_file(ec)) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<std::optional<query::TableCall>> ResolveFolder(const std::string& name) {
  if (name.empty() || name.find('\0') != std::string::npos) return std::optional<query::TableCall>();
  auto uri = ParseUri(name);
  if (!uri.ok() || uri->scheme == Uri::Scheme::kS3) return std::optional<query::TableCall>();
  struct stat st;
  if (::stat(uri->path.c_str(), &st) != 0) {
    // Not there: not a folder reference. Anything else (no permission...) is the reason the
    // folder cannot be read, not an unknown table.
    if (errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG) {
      return std::optional<query::TableCall>();
    }
    return ErrnoStatus("reading folder", name, errno);
  }
  if (!S_ISDIR(st.st_mode)) return std::optional<query::TableCall>();
  std::string dir = uri->path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  // An s3:// folder arrives as its copy in silt sql's cache: messages name what was written.
  std::string shown = query::CachedLocation(dir);
  if (shown.empty()) shown = name;

  query::TableCall call{kFolderMacro, {}};
  SILT_ASSIGN_OR_RETURN(auto store, store::OpenStore(*uri));
  auto files = PublishedFiles(*store);
  // The copy of an s3:// output can catch a re-run of its conversion half-way (its files
  // listed before the new manifest, or the manifest before the new files): fetched again until
  // every file the manifests name is there.
  const std::string remote = query::CachedLocation(dir);
  for (int attempt = 0; files.ok() && !remote.empty(); ++attempt) {
    const bool complete = std::all_of(files->begin(), files->end(), [&](const std::string& key) {
      std::error_code ec;
      return fs::exists(fs::path(dir) / key, ec);
    });
    if (complete) break;
    if (attempt == 3) {
      return Status::Unavailable(fmt::format(
          "{}: its run manifests name files that are not there (a conversion into it is "
          "replacing them?); try again",
          shown));
    }
    SILT_RETURN_IF_ERROR(query::MirrorLocation(remote).status());
    files = PublishedFiles(*store);
  }
  if (files.ok()) {
    if (files->empty()) {
      return Status::NotFound(fmt::format(
          "{}: the conversion output's manifests name no data files",
          shown));
    }
    const std::string null_day = fmt::format("day={}/", kNullPartition);
    for (const std::string& key : *files) {
      call.list.push_back(dir + "/" + key);
      if (key.starts_with(null_day)) {
        call.function = key.find("/hour=") != std::string::npos ? kFolderNullHourMacro
                                                                : kFolderNullDayMacro;
      }
    }
    return std::optional<query::TableCall>(std::move(call));
  }
  if (files.status().code() != StatusCode::kNotFound) return files.status();
  if (std::vector<std::string> parquet = ParquetFilesIn(dir); !parquet.empty()) {
    call.list = std::move(parquet);
    return std::optional<query::TableCall>(std::move(call));
  }
  return Status::NotFound(fmt::format(
      "{} is a folder without Parquet files; raw logs in it are read with "
      "read_log('{}', format => '<format>') (silt detect {} names the format)",
      shown, shown, shown));
}

Status AddFolderTables(query::Database& db) {
  constexpr const char* kRead = "read_parquet(files, hive_partitioning = true, union_by_name = true)";
  const std::string day =
      fmt::format("TRY_CAST(nullif(day, '{}') AS DATE) AS day", kNullPartition);
  SILT_RETURN_IF_ERROR(db.Exec(fmt::format(
      "CREATE OR REPLACE MACRO {}(files) AS TABLE SELECT * FROM {};"
      "CREATE OR REPLACE MACRO {}(files) AS TABLE SELECT * REPLACE ({}) FROM {};"
      "CREATE OR REPLACE MACRO {}(files) AS TABLE SELECT * REPLACE ({}, nullif(hour, '{}') AS hour) FROM {}",
      kFolderMacro, kRead, kFolderNullDayMacro, day, kRead, kFolderNullHourMacro, day,
      kNullPartition, kRead)));
  db.AddTableResolver(ResolveFolder);
  return Status::OK();
}

}  // namespace silt::table
