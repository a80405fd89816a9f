// Table maintenance: expiring old snapshots and removing files no metadata reaches any more
// (`silt table expire`, `silt table remove-orphans`, docs/TABLES.md "Maintenance").
//
// Both follow one rule: nothing is deleted while a committed table state can still reach it.
// ExpireSnapshots commits the metadata without the expired snapshots through the catalog first
// and only then deletes what only they reached; RemoveOrphanFiles deletes only files that the
// current metadata does not reach and that are older than a guard (files of commits still in
// progress are young).
//
// silt's own files beside Iceberg's: `silt convert --table` stores, per source, a bookmark
// (<table>/silt/bookmarks/<source>-<uuid>.tsv, every object version the source has committed)
// and names it in its snapshot's summary (silt.source, silt.bookmark); later runs read the
// bookmark of the source's newest snapshot to skip objects already committed. When expiry
// removes the newest snapshot of a source, it carries that bookmark forward in the table
// property `silt.bookmark.<source>` (BookmarkProperty), which convert reads as well; two
// bookmarks of one source are merged into a new file (their union) so the property always
// covers everything the source committed. Rejected lines (<table>/silt/rejects/) are kept.
//
// Thread safety: the functions are reentrant; they may run while other processes append to
// or read the same table (commits go through CommitWithRetry; see the age guard below).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/table/warehouse.h"

namespace silt::table {

// "silt.bookmark.<source>": the table property holding the bookmark URI of a source whose
// newest snapshot was expired.
std::string BookmarkProperty(std::string_view source);
inline constexpr std::string_view kBookmarkPropertyPrefix = "silt.bookmark.";

// The lines of a bookmark file, one object version each ("name\tsize\tetag"; see
// convert_table.cc for names holding a line break).
std::set<std::string> BookmarkLines(std::string_view text);

// ---- expiry ----

struct ExpireRequest {
  // Snapshots committed more than this long ago may expire (default 7 days).
  int64_t older_than_ms = 7LL * 24 * 3600 * 1000;
  // The newest snapshots of the current history always kept (>= 1).
  int retain_last = 1;
  int64_t now_ms = 0;  // 0: the clock
};

struct ExpireSummary {
  std::vector<int64_t> expired_snapshot_ids;  // empty: nothing was old enough, nothing changed
  size_t retained_snapshots = 0;
  std::string metadata_location;              // the committed metadata (or the unchanged one)
  // Deleted after the commit (URIs).
  std::vector<std::string> deleted_manifest_lists;
  std::vector<std::string> deleted_manifests;
  std::vector<std::string> deleted_data_files;
  std::vector<std::string> deleted_bookmarks;
  // Sources whose newest snapshot expired: their bookmark now lives in the table property.
  std::vector<std::string> carried_bookmarks;  // source ids
  int attempts = 0;
};

// Expires the snapshots of `identifier` committed before now - older_than_ms, except the
// newest retain_last of the current history and every snapshot a ref points to
// (iceberg::ExpireSnapshots), carries bookmarks forward as described above, commits the new
// metadata with CommitWithRetry, and only after the commit deletes the manifest lists,
// manifests, data files and bookmark files that no retained snapshot or property names.
// Nothing old enough: nothing is committed or deleted. Errors: InvalidArgument for
// retain_last < 1 or a negative age; NotFound for an unknown table; store and catalog
// errors (nothing is deleted unless the commit succeeded; when deleting fails after the
// commit, the error says so and `remove-orphans` finishes the job later).
Result<ExpireSummary> ExpireSnapshots(Warehouse& warehouse, std::string_view identifier,
                                      const ExpireRequest& request);

// ---- orphan files ----

struct OrphanRequest {
  // Only files older than this are deleted (default 1 day): younger unreachable files may
  // belong to a commit in progress. 0 deletes every unreachable file: only safe when no one
  // writes to the table.
  int64_t older_than_ms = 24LL * 3600 * 1000;
  bool dry_run = false;  // list, delete nothing
  int64_t now_ms = 0;    // 0: the clock
};

struct OrphanFile {
  std::string uri;
  uint64_t size = 0;
  int64_t mtime_us = 0;
};

struct OrphanSummary {
  size_t files_seen = 0;   // under the table location (other tables nested in it excluded)
  size_t reachable = 0;    // of those, reached by the metadata, bookmarks or rejects
  size_t too_young = 0;    // unreachable but newer than the guard: kept
  std::vector<OrphanFile> orphans;  // deleted (or, with dry_run, that would be)
  uint64_t orphan_bytes = 0;
  bool dry_run = false;
};

// Lists every object under the table's location and deletes those that are not reachable
// and older than request.older_than_ms. Reachable: the current metadata file and the ones in
// its metadata-log, every snapshot's manifest list, manifests and live data/delete files
// (iceberg::ListReachableFiles), the bookmark files named by snapshot summaries
// (silt.bookmark) and by `silt.bookmark.*` properties, and everything under
// <location>/silt/rejects/. The catalog is read again after listing and the files the newer
// metadata reaches are kept as well. Objects under the location of another table nested
// inside this one (table a.b inside namespace a's table b) are never touched. For a local
// warehouse it also removes what killed writers leave outside the store's view: temporary
// files (.silt-tmp-*) under the table location and append staging folders
// (<warehouse>/.silt-staging/<run>), both when older than the guard (listed with a
// "file://" path). Errors: InvalidArgument for a negative age; NotFound for an unknown
// table; store and catalog errors.
Result<OrphanSummary> RemoveOrphanFiles(Warehouse& warehouse, std::string_view identifier,
                                        const OrphanRequest& request);

}  // namespace silt::table
