// LocalStore: a Store over a directory of the local file system. Key "a/b/c" is the file
// <root>/a/b/c; directories exist only to hold keys and are removed again when they empty.
//
// Put writes a temporary file named `.silt-tmp-<random>` next to the target, fsyncs it and
// renames it over the key (put-if-absent links it instead), so readers and List never see a
// partial object. Temporary files are invisible to List and are removed on every failure path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "silt/store/store.h"

namespace silt::store {

// The name prefix of the store's temporary files. Keys with a segment starting with it are
// rejected, so no object can be mistaken for an in-progress write.
inline constexpr std::string_view kTempFilePrefix = ".silt-tmp-";

// OK when `key` is a well-formed key: not empty, no leading or trailing '/', no "//", no "." or
// ".." segment, no NUL byte, no segment starting with kTempFilePrefix. Otherwise InvalidArgument
// naming the key. Every Store implementation applies the same rules, so a key that works on one
// works on all of them.
Status ValidateKey(std::string_view key);

// Thread safety: all methods may be called concurrently; the only shared state is the file
// system. Concurrent Puts of one key leave one of the written versions in place (last rename
// wins); concurrent put-if-absent of one key lets exactly one caller succeed.
//
// Limitations of the local file system compared to S3: a key cannot be both an object and a
// "directory" of other keys ("a" and "a/b"); such a Put fails with IoError. A symbolic link to a
// regular file is an object; symbolic links to directories are not followed by List.
class LocalStore : public Store {
 public:
  // `root` is an absolute path to an existing directory (OpenStore checks this). The store does
  // not create or validate it.
  explicit LocalStore(std::string root);
  ~LocalStore() override;

  LocalStore(const LocalStore&) = delete;
  LocalStore& operator=(const LocalStore&) = delete;

  // "file://<root>".
  std::string Describe() const override;

  // See Store::List. The continuation token is opaque. A prefix whose directory part does not
  // exist (or could never hold a valid key, e.g. "../") yields an empty page.
  Result<ListPage> List(const ListOptions& options) override;

  // One walk of the tree instead of one per page of 1,000 keys.
  Status ForEach(std::string_view prefix,
                 const std::function<Status(ObjectVersion&)>& fn) override;

  // stat(2) of the key's file. NotFound when missing or not a regular file.
  Result<ObjectVersion> Head(std::string_view key) override;

  // pread(2) loop. NotFound when missing or not a regular file.
  Result<size_t> ReadRange(std::string_view key, uint64_t offset, size_t length,
                           char* out) override;

  // Atomic: temp file + fsync + rename (or link(2) for if_absent) + fsync of the directory.
  // Creates parent directories. AlreadyExists (naming the key, nothing changed) when if_absent
  // and the key exists. No temporary file is left behind on failure.
  Result<ObjectVersion> Put(std::string_view key, std::string_view data,
                            const PutOptions& options = {}) override;

  // Like Put, copying from `local_path` (copy_file_range, falling back to read/write). NotFound
  // naming `local_path` when it does not exist or is not a regular file.
  Result<ObjectVersion> PutFile(std::string_view key, const std::string& local_path,
                                const PutOptions& options = {}) override;

  // Validates every key first (InvalidArgument, nothing deleted); then unlinks each key, keeps
  // going after a failure and returns the first one. Directories left empty are removed, up to
  // but not including the root.
  Status DeleteMany(const std::vector<std::string>& keys) override;

  // Streams `from` into an atomic Put of `to`. NotFound naming `from` when it does not exist.
  Result<ObjectVersion> Copy(std::string_view from, std::string_view to) override;

  // <root>/<key>; empty when `key` is not a valid key.
  std::string LocalPath(std::string_view key) const override;

  const std::string& root() const { return root_; }

 private:
  // <root>/<key>, without validation.
  std::string PathOf(std::string_view key) const;

  const std::string root_;  // absolute, no trailing '/' unless it is "/"
  // O_PATH descriptor of the root (-1 if it could not be opened): reads resolve keys against
  // the directory the root named when the store was opened (a one-component lookup instead of
  // the whole path: 115 vs 125-137 ms for 20,000 objects), other operations by path.
  const int root_fd_;
};

}  // namespace silt::store
