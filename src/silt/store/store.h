// Store: where bytes live. One interface, implemented by a local directory (LocalStore) and,
// later, the S3 API. The store speaks of keys and object versions, not directories: there is
// no rename and no append; put is atomic and put-if-absent is a first-class operation.
//
// Keys are '/'-separated paths relative to the store's root, without a leading '/', empty
// segments, "." or ".." segments. (A local directory cannot hold both "a" and "a/b".)
// Thread safety: every method may be called concurrently from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/common/uri.h"

namespace silt::store {

// The identity of one version of an object. A new version of the same key (rewritten content)
// has a different etag; readers use (key, etag) to tell new data from data already seen.
struct ObjectVersion {
  std::string key;
  uint64_t size = 0;
  int64_t mtime_us = 0;  // modification time, microseconds since the Unix epoch (UTC)
  std::string etag;      // opaque; quotes stripped

  bool operator==(const ObjectVersion&) const = default;
};

struct ListOptions {
  std::string prefix;       // only keys starting with this string (a string prefix, not a dir)
  std::string delimiter;    // "" lists recursively; any other string (usually "/") groups the
                            // keys that contain it after the prefix into common_prefixes
  std::string continuation; // from ListPage::next_continuation; "" for the first page
  int max_keys = 1000;      // at most this many objects + common prefixes in one page (1..1000)
};

struct ListPage {
  std::vector<ObjectVersion> objects;       // ascending by key (byte order)
  std::vector<std::string> common_prefixes; // ascending; each ends with the delimiter
  std::string next_continuation;            // empty when this is the last page
};

struct PutOptions {
  bool if_absent = false;     // fail with AlreadyExists when the key exists
  std::string storage_class;  // S3 storage class; ignored by the local store
};

// Reads one object version sequentially from a starting offset. Remote stores fetch ahead
// (S3: several ranged GETs in flight), local ones read directly. Not thread-safe.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  // Reads up to `length` bytes at the current position into `out`; fewer only at the end of
  // the range (0 = the end). PreconditionFailed when the object was replaced while read.
  virtual Result<size_t> Read(char* out, size_t length) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // The root this store serves, as a URI string ("file:///data/logs", "s3://bucket/prefix").
  virtual std::string Describe() const = 0;

  // One page of keys in ascending byte order. Errors: InvalidArgument for a bad continuation
  // token or max_keys outside 1..1000; IoError/Unavailable from the backend.
  virtual Result<ListPage> List(const ListOptions& options) = 0;

  // Calls `fn` for every object under `prefix` (recursively), in ascending key order; stops
  // early with fn's Status when it is not OK. `fn` may move from the version it is given (the
  // store does not use it again). The default pages through List; stores that can walk
  // everything at once more cheaply override it.
  virtual Status ForEach(std::string_view prefix,
                         const std::function<Status(ObjectVersion&)>& fn);

  // The current version of `key`; NotFound when there is none.
  virtual Result<ObjectVersion> Head(std::string_view key) = 0;

  // Reads up to `length` bytes starting at `offset` into `out` (which must hold `length`
  // bytes), all from one version of the object. Returns the number of bytes read: fewer than `length` only when the object ends
  // first, 0 when offset >= size. NotFound when the key does not exist.
  virtual Result<size_t> ReadRange(std::string_view key, uint64_t offset, size_t length,
                                   char* out) = 0;

  // Whole-object read. NotFound when the key does not exist.
  virtual Result<std::string> Get(std::string_view key);

  // A sequential reader of `version` over [begin, end) (end <= version.size). The default
  // reads through ReadRange on demand.
  virtual Result<std::unique_ptr<ObjectReader>> OpenReader(const ObjectVersion& version,
                                                           uint64_t begin, uint64_t end);

  // Atomically creates or replaces `key` with `data`: readers see the old object or the new
  // one, never a part. With options.if_absent, fails with AlreadyExists (and changes nothing)
  // when the key exists. Returns the new version.
  virtual Result<ObjectVersion> Put(std::string_view key, std::string_view data,
                                    const PutOptions& options = {}) = 0;

  // Like Put, with the content read from a local file (which is left in place).
  virtual Result<ObjectVersion> PutFile(std::string_view key, const std::string& local_path,
                                        const PutOptions& options = {}) = 0;

  // Deletes the given keys. Keys that do not exist are not an error. On failure, the message
  // names the first key that could not be deleted.
  virtual Status DeleteMany(const std::vector<std::string>& keys) = 0;

  // Server-side copy of `from` to `to` (atomic for `to`). NotFound when `from` does not exist.
  virtual Result<ObjectVersion> Copy(std::string_view from, std::string_view to) = 0;

  // For stores with a local file behind each key: its path. Empty for remote stores. Lets
  // DuckDB read local Parquet directly.
  virtual std::string LocalPath(std::string_view key) const { return {}; }
};

// An empty object whose key ends with '/' (or is empty, being the listed prefix itself): what
// the S3 console and other tools create to show a folder. Not data; readers skip it (as the AWS
// CLI's recursive copy does).
inline bool IsFolderMarker(const ObjectVersion& v) {
  return v.size == 0 && (v.key.empty() || v.key.back() == '/');
}

// Lists every object under `prefix` (recursively) through store.ForEach.
Status ListAll(Store& store, std::string_view prefix,
               const std::function<Status(ObjectVersion&)>& fn);

// Opens the store serving `root`: a local directory for file:// URIs (a root that does not
// exist is created when `create` is true, otherwise NotFound), an S3 bucket and prefix for
// s3:// URIs (settings resolved as s3/config.h describes; the bucket must exist). With
// SILT_S3_FAULTS set in the environment, S3 requests go through a fault-injecting transport
// (see s3/fault_transport.h) — for tests.
Result<std::unique_ptr<Store>> OpenStore(const Uri& root, bool create = false);

}  // namespace silt::store
