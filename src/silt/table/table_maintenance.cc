#include "silt/table/table_maintenance.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "silt/catalog/committer.h"
#include "silt/common/interrupt.h"
#include "silt/iceberg/ids.h"
#include "silt/iceberg/table_ops.h"
#include "silt/store/local_store.h"
#include "silt/table/iceberg_writer.h"

namespace silt::table {

namespace fs = std::filesystem;

std::set<std::string> BookmarkLines(std::string_view text) {
  std::set<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    if (nl > pos) out.emplace(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

std::string BookmarkProperty(std::string_view source) {
  return std::string(kBookmarkPropertyPrefix) + std::string(source);
}

namespace {

constexpr std::string_view kSourceKey = "silt.source";
constexpr std::string_view kBookmarkKey = "silt.bookmark";

std::optional<std::string> SummaryOf(const iceberg::Snapshot& s, std::string_view key) {
  auto it = s.summary.find(std::string(key));
  if (it == s.summary.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// The bookmark URIs named by the snapshots' summaries and the silt.bookmark.* properties.
std::set<std::string> NamedBookmarks(const iceberg::TableMetadata& m) {
  std::set<std::string> out;
  for (const auto& s : m.snapshots) {
    if (auto b = SummaryOf(s, kBookmarkKey)) out.insert(*b);
  }
  for (const auto& [k, v] : m.properties) {
    if (k.starts_with(kBookmarkPropertyPrefix) && !v.empty()) out.insert(v);
  }
  return out;
}

// The lines of a bookmark file (each "name\tsize\tetag").
Status ReadBookmarkLines(const iceberg::TableIO& io, const std::string& uri,
                         std::set<std::string>* lines) {
  auto text = io.Read(uri);
  if (!text.ok()) return text.status().WithContext("reading bookmark " + uri);
  lines->merge(BookmarkLines(*text));
  return Status::OK();
}

// What one expiry attempt decided besides iceberg::ExpireSnapshots' result.
struct ExpireAttempt {
  iceberg::ExpireResult result;
  std::vector<std::string> carried;           // sources
  std::set<std::string> bookmark_candidates;  // may be deleted after the commit
  bool nothing = false;                       // nothing expired against this base
};

// For every source whose newest snapshot expires: point silt.bookmark.<source> at its
// bookmark, or, when the property names another bookmark already, at a new file holding the
// union of both (written now, listed in pending->written).
Status CarryBookmarks(const iceberg::TableIO& io, const iceberg::TableMetadata& base,
                      iceberg::PendingCommit* pending, ExpireAttempt* attempt) {
  const std::set<int64_t> expired(attempt->result.expired_snapshot_ids.begin(),
                                  attempt->result.expired_snapshot_ids.end());
  std::map<std::string, const iceberg::Snapshot*> newest;
  for (const auto& s : base.snapshots) {
    auto source = SummaryOf(s, kSourceKey);
    auto bookmark = SummaryOf(s, kBookmarkKey);
    if (expired.contains(s.snapshot_id) && bookmark) attempt->bookmark_candidates.insert(*bookmark);
    if (!source || !bookmark) continue;
    const iceberg::Snapshot*& n = newest[*source];
    if (n == nullptr || s.sequence_number > n->sequence_number) n = &s;
  }
  auto& props = pending->metadata.properties;
  for (const auto& [source, snap] : newest) {
    if (!expired.contains(snap->snapshot_id)) continue;  // a retained snapshot names it
    const std::string bookmark = *SummaryOf(*snap, kBookmarkKey);
    const std::string key = BookmarkProperty(source);
    auto it = props.find(key);
    if (it == props.end() || it->second.empty() || it->second == bookmark) {
      props[key] = bookmark;
    } else {
      // Both may hold objects the other lacks (e.g. a snapshot kept by a tag): keep the union.
      std::set<std::string> lines;
      SILT_RETURN_IF_ERROR(ReadBookmarkLines(io, it->second, &lines));
      SILT_RETURN_IF_ERROR(ReadBookmarkLines(io, bookmark, &lines));
      std::string text;
      for (const auto& l : lines) text += l + "\n";
      const std::string uri = fmt::format("{}/silt/bookmarks/{}-{}.tsv", pending->metadata.location,
                                          source, iceberg::NewUuid());
      SILT_RETURN_IF_ERROR(io.WriteNew(uri, text));
      pending->written.push_back(uri);
      attempt->bookmark_candidates.insert(it->second);
      props[key] = uri;
    }
    attempt->carried.push_back(source);
  }
  return Status::OK();
}

// Keys of `uris` under the store root (URIs elsewhere cannot be listed under the table).
void AddKeys(const iceberg::TableIO& io, const std::set<std::string>& uris, std::set<std::string>* keys) {
  for (const auto& u : uris) {
    auto k = io.KeyOf(u);
    if (k.ok()) keys->insert(*k);
  }
}

// Every key the metadata (read from `metadata_location`) reaches, bookmarks included.
Status AddReachable(const iceberg::TableIO& io, const iceberg::TableMetadata& m,
                    const std::string& metadata_location, std::set<std::string>* keys) {
  SILT_ASSIGN_OR_RETURN(iceberg::ReachableFiles r, iceberg::ListReachableFiles(io, m));
  for (const auto* set : {&r.metadata_files, &r.manifest_lists, &r.manifests, &r.data_files}) {
    AddKeys(io, *set, keys);
  }
  AddKeys(io, {metadata_location}, keys);
  AddKeys(io, NamedBookmarks(m), keys);
  return Status::OK();
}

int64_t MtimeUs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000 + st.st_mtim.tv_nsec / 1000;
}

// The newest modification time of `dir` and everything below it.
int64_t NewestMtimeUs(const fs::path& dir) {
  struct stat st {};
  int64_t newest = ::lstat(dir.c_str(), &st) == 0 ? MtimeUs(st) : 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (::lstat(it->path().c_str(), &st) == 0) newest = std::max(newest, MtimeUs(st));
  }
  return newest;
}

uint64_t TreeBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code e;
    if (it->is_regular_file(e)) bytes += it->file_size(e);
  }
  return bytes;
}

// Removes empty folders from `dir` up to (not including) `stop`.
void RemoveEmptyParents(fs::path dir, const fs::path& stop) {
  std::error_code ec;
  while (dir != stop && dir.string().size() > stop.string().size() && fs::is_empty(dir, ec) && !ec) {
    if (!fs::remove(dir, ec) || ec) break;
    dir = dir.parent_path();
  }
}

bool UnderAny(const std::string& key, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return key.starts_with(p); });
}

}  // namespace

// ---- expiry ----

Result<ExpireSummary> ExpireSnapshots(Warehouse& warehouse, std::string_view identifier,
                                      const ExpireRequest& request) {
  if (request.retain_last < 1) {
    return Status::InvalidArgument(
        fmt::format("--retain-last must be at least 1 (the current snapshot always stays), not {}",
                    request.retain_last));
  }
  if (request.older_than_ms < 0) return Status::InvalidArgument("--older-than must not be negative");
  const iceberg::TableIO& io = warehouse.io();
  const int64_t now = request.now_ms != 0 ? request.now_ms : iceberg::NowMs();
  iceberg::ExpireOptions eo;
  eo.older_than_ms = now - request.older_than_ms;
  eo.retain_last = request.retain_last;
  eo.now_ms = now;

  SILT_ASSIGN_OR_RETURN(catalog::CommitResult loaded, LoadIcebergTable(warehouse, identifier));
  SILT_ASSIGN_OR_RETURN(catalog::TableIdentifier id, catalog::ParseTableIdentifier(identifier));
  ExpireSummary out;
  {
    SILT_ASSIGN_OR_RETURN(iceberg::ExpireResult pre, iceberg::ExpireSnapshots(io, loaded.metadata, eo));
    if (pre.expired_snapshot_ids.empty()) {
      out.retained_snapshots = loaded.metadata.snapshots.size();
      out.metadata_location = loaded.metadata_location;
      return out;
    }
  }

  ExpireAttempt attempt;
  auto committed = catalog::CommitWithRetry(
      warehouse.catalog(), io, id.ToString(),
      [&](const iceberg::TableMetadata& base) -> Result<iceberg::PendingCommit> {
        attempt = ExpireAttempt{};
        SILT_ASSIGN_OR_RETURN(attempt.result, iceberg::ExpireSnapshots(io, base, eo));
        if (attempt.result.expired_snapshot_ids.empty()) {
          attempt.nothing = true;  // another writer expired them first
          return Status::Cancelled("nothing to expire");
        }
        iceberg::PendingCommit pending = attempt.result.commit;
        Status st = CarryBookmarks(io, base, &pending, &attempt);
        if (!st.ok()) {
          interrupt::CleanupScope cleanup;  // after Ctrl-C too
          (void)io.Delete(pending.written);
          return st;
        }
        return pending;
      });
  if (!committed.ok()) {
    if (!attempt.nothing) return committed.status();
    SILT_ASSIGN_OR_RETURN(catalog::CommitResult now_loaded, LoadIcebergTable(warehouse, identifier));
    out.retained_snapshots = now_loaded.metadata.snapshots.size();
    out.metadata_location = now_loaded.metadata_location;
    return out;
  }
  out.expired_snapshot_ids = attempt.result.expired_snapshot_ids;
  out.retained_snapshots = committed->metadata.snapshots.size();
  out.metadata_location = committed->metadata_location;
  out.carried_bookmarks = attempt.carried;
  out.attempts = committed->attempts;

  // The commit is in: what only the expired snapshots reached can go.
  std::set<std::string> named_keys;
  AddKeys(io, NamedBookmarks(committed->metadata), &named_keys);
  std::vector<std::string> bookmarks;
  for (const auto& b : attempt.bookmark_candidates) {
    auto k = io.KeyOf(b);
    if (k.ok() && !named_keys.contains(*k)) bookmarks.push_back(b);
  }
  const iceberg::ExpireResult& r = attempt.result;
  struct Group {
    const std::vector<std::string>* uris;
    std::vector<std::string>* deleted;
  };
  for (const Group& g : {Group{&r.unreachable_manifest_lists, &out.deleted_manifest_lists},
                         Group{&r.unreachable_manifests, &out.deleted_manifests},
                         Group{&r.unreachable_data_files, &out.deleted_data_files},
                         Group{&bookmarks, &out.deleted_bookmarks}}) {
    Status st = io.Delete(*g.uris);
    if (!st.ok()) {
      return st.WithContext(fmt::format(
          "expired {} snapshot(s) of {} (metadata {}), but deleting the files only they used failed; "
          "`silt table remove-orphans` deletes them later",
          out.expired_snapshot_ids.size(), id.ToString(), out.metadata_location));
    }
    *g.deleted = *g.uris;
  }
  return out;
}

// ---- orphan files ----

Result<OrphanSummary> RemoveOrphanFiles(Warehouse& warehouse, std::string_view identifier,
                                        const OrphanRequest& request) {
  if (request.older_than_ms < 0) return Status::InvalidArgument("--older-than must not be negative");
  const iceberg::TableIO& io = warehouse.io();
  const int64_t now = request.now_ms != 0 ? request.now_ms : iceberg::NowMs();
  const int64_t cutoff_us = (now - request.older_than_ms) * 1000;
  SILT_ASSIGN_OR_RETURN(catalog::CommitResult loaded, LoadIcebergTable(warehouse, identifier));
  SILT_ASSIGN_OR_RETURN(catalog::TableIdentifier id, catalog::ParseTableIdentifier(identifier));
  SILT_ASSIGN_OR_RETURN(std::string location_key, io.KeyOf(loaded.metadata.location));
  if (location_key.empty()) {
    return Status::InvalidArgument(fmt::format("table {} has the warehouse root {} as its location; "
                                               "refusing to look for orphans there",
                                               id.ToString(), loaded.metadata.location));
  }
  const std::string prefix = location_key + "/";
  const std::string rejects_prefix = prefix + "silt/rejects/";

  // Other tables whose folders lie inside this one (table a.b holds namespace a.b's tables):
  // their default location and the one their metadata pointer names.
  std::vector<std::string> nested;
  SILT_ASSIGN_OR_RETURN(std::vector<std::string> namespaces, warehouse.catalog().ListNamespaces());
  for (const auto& ns : namespaces) {
    SILT_ASSIGN_OR_RETURN(std::vector<std::string> tables, warehouse.catalog().ListTables(ns));
    for (const auto& name : tables) {
      const catalog::TableIdentifier other{ns, name};
      if (other == id) continue;
      std::vector<std::string> locations = {warehouse.TableLocation(other)};
      if (auto meta = warehouse.catalog().LoadTable(other.ToString()); meta.ok()) {
        const size_t cut = meta->rfind("/metadata/");
        if (cut != std::string::npos) locations.push_back(meta->substr(0, cut));
      }
      for (const auto& l : locations) {
        auto k = io.KeyOf(l);
        if (k.ok() && (*k + "/").starts_with(prefix)) nested.push_back(*k + "/");
      }
    }
  }

  std::set<std::string> reachable;
  SILT_RETURN_IF_ERROR(AddReachable(io, loaded.metadata, loaded.metadata_location, &reachable));
  std::vector<store::ObjectVersion> objects;
  SILT_RETURN_IF_ERROR(warehouse.store().ForEach(prefix, [&](const store::ObjectVersion& v) {
    if (!UnderAny(v.key, nested)) objects.push_back(v);
    return Status::OK();
  }));
  // A commit that landed while listing: keep what its metadata reaches too.
  SILT_ASSIGN_OR_RETURN(catalog::CommitResult again, LoadIcebergTable(warehouse, identifier));
  if (again.metadata_location != loaded.metadata_location) {
    SILT_RETURN_IF_ERROR(AddReachable(io, again.metadata, again.metadata_location, &reachable));
  }

  OrphanSummary out;
  out.dry_run = request.dry_run;
  std::vector<std::string> doomed;
  for (const auto& v : objects) {
    ++out.files_seen;
    if (reachable.contains(v.key) || v.key.starts_with(rejects_prefix)) {
      ++out.reachable;
    } else if (v.mtime_us > cutoff_us) {
      ++out.too_young;
    } else {
      out.orphans.push_back({io.UriOf(v.key), v.size, v.mtime_us});
      out.orphan_bytes += v.size;
      doomed.push_back(v.key);
    }
  }

  // Local leftovers the store does not list: temporary files of interrupted puts under the
  // table, staging folders of interrupted appends.
  std::vector<fs::path> local_files, local_dirs;
  if (warehouse.is_local()) {
    const fs::path table_dir = warehouse.store().LocalPath(location_key);
    std::vector<fs::path> nested_dirs;
    for (const auto& n : nested) nested_dirs.push_back(fs::path(warehouse.store().LocalPath(n.substr(0, n.size() - 1))));
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(table_dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path p = it->path();
      if (std::find(nested_dirs.begin(), nested_dirs.end(), p) != nested_dirs.end()) {
        it.disable_recursion_pending();
        continue;
      }
      if (!p.filename().string().starts_with(store::kTempFilePrefix)) continue;
      struct stat st {};
      if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      ++out.files_seen;
      if (MtimeUs(st) > cutoff_us) {
        ++out.too_young;
        continue;
      }
      out.orphans.push_back({"file://" + p.string(), static_cast<uint64_t>(st.st_size), MtimeUs(st)});
      out.orphan_bytes += static_cast<uint64_t>(st.st_size);
      local_files.push_back(p);
    }
    const fs::path staging = fs::path(warehouse.local_root()) / ".silt-staging";
    ec.clear();
    for (auto it = fs::directory_iterator(staging, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const int64_t newest = NewestMtimeUs(it->path());
      ++out.files_seen;
      if (newest > cutoff_us) {
        ++out.too_young;
        continue;
      }
      const uint64_t bytes = TreeBytes(it->path());
      out.orphans.push_back({"file://" + it->path().string() + "/", bytes, newest});
      out.orphan_bytes += bytes;
      local_dirs.push_back(it->path());
    }
  }
  if (request.dry_run) return out;

  constexpr size_t kBatch = 1000;
  for (size_t i = 0; i < doomed.size(); i += kBatch) {
    std::vector<std::string> batch(doomed.begin() + i, doomed.begin() + std::min(doomed.size(), i + kBatch));
    SILT_RETURN_IF_ERROR(warehouse.store().DeleteMany(batch).WithContext("deleting orphan files of " + id.ToString()));
  }
  const fs::path table_dir = warehouse.is_local() ? fs::path(warehouse.store().LocalPath(location_key)) : fs::path();
  for (const auto& p : local_files) {
    std::error_code ec;
    fs::remove(p, ec);
    if (ec) return Status::IoError(fmt::format("deleting {}: {}", p.string(), ec.message()));
    RemoveEmptyParents(p.parent_path(), table_dir);
  }
  for (const auto& d : local_dirs) {
    std::error_code ec;
    fs::remove_all(d, ec);
    if (ec) return Status::IoError(fmt::format("deleting {}: {}", d.string(), ec.message()));
  }
  if (!local_dirs.empty()) {
    std::error_code ec;
    fs::remove(fs::path(warehouse.local_root()) / ".silt-staging", ec);  // only when empty
  }
  return out;
}

}  // namespace silt::table
