// Reading s3:// data in SQL that DuckDB itself reads (read_parquet, read_csv, FROM '...'):
// silt keeps a local cache of the immutable objects a query names and points DuckDB at it.
//
// Why a cache and not a DuckDB file system: DuckDB's C API cannot register a file system, and
// its httpfs extension is downloaded at run time from DuckDB's servers, which silt does not
// depend on. Parquet objects written by silt are immutable (new data gets new names), so a
// cache keyed by ETag is exact: a changed object (new ETag) is fetched again, and cached files
// that no longer exist under a location are removed from it before the query runs.
//
// read_log() and read_log_rejects() stream s3:// objects themselves (with read-ahead); their
// arguments are left alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "silt/common/status.h"

namespace silt::query {

// Where the cache lives: $SILT_CACHE_DIR, else $XDG_CACHE_HOME/silt, else ~/.cache/silt.
std::string RemoteCacheDir();

// How large the cache may grow: $SILT_CACHE_MAX ("50GiB"; "0" = no limit), else 10 GiB.
// InvalidArgument for a value that is not a size.
Result<uint64_t> RemoteCacheLimit();

struct EvictStats {
  uint64_t files = 0;       // cached objects removed
  uint64_t bytes = 0;       // their bytes
  uint64_t left_bytes = 0;  // what the cache holds afterwards
};
// Removes the least recently used cached objects (with their ETag notes) under `dir` until it
// holds at most `max_bytes`. Objects used less than `keep_recent` ago stay whatever the size (a
// statement of this or another silt process may be about to read them), and so do the paths in
// `keep`. Downloads left by processes that no longer run (".silt-tmp-<pid>") are removed.
// Every mirroring that downloads something ends with this, for RemoteCacheDir() and
// RemoteCacheLimit(), keeping the last ten minutes' objects and every object this process has
// mirrored (a view created in `silt sql` names cache paths); each use of a cached object counts
// as using it (its mtime).
EvictStats EvictCache(const std::string& dir, uint64_t max_bytes, std::chrono::seconds keep_recent,
                      const std::set<std::string>& keep = {});

// The s3:// location ("s3://bucket/key") that a path inside the cache mirrors, or "" for a
// path outside it: for messages about what a statement named.
std::string CachedLocation(std::string_view path);

struct MirrorStats {
  uint64_t objects = 0;     // objects the statement names
  uint64_t fetched = 0;     // of which downloaded now
  uint64_t fetched_bytes = 0;
};

// Brings the cache up to date for one s3:// location and returns its path in the cache.
Result<std::string> MirrorLocation(const std::string& location, MirrorStats* stats = nullptr);

// Returns `sql` with every string literal that names an s3:// location (an object, or a glob
// such as 's3://bucket/out/**/*.parquet') replaced by the matching path in the cache, after
// bringing the cache up to date for that location. Literals inside read_log(...) and
// read_log_rejects(...) calls are kept. Statements without "s3://" come back unchanged.
// NotFound when a location matches nothing; store errors as they are.
Result<std::string> MirrorRemoteLiterals(std::string_view sql, MirrorStats* stats = nullptr);

}  // namespace silt::query
