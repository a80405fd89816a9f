#include "silt/store/local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <utility>

#include "silt/common/parallel.h"

namespace silt::store {
namespace {

constexpr int kMaxKeysLimit = 1000;
// Bounds the retries of a Put that races with DeleteMany removing the directories it created.
constexpr int kPutAttempts = 64;
constexpr size_t kIoChunk = size_t{1} << 30;

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() { return std::exchange(fd_, -1); }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

// Unlinks a temporary file when it goes out of scope, unless dismissed.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() { UnlinkNow(); }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;

  void Dismiss() { path_.clear(); }
  void UnlinkNow() {
    if (!path_.empty()) ::unlink(path_.c_str());
    path_.clear();
  }

 private:
  std::string path_;
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool IsTempName(std::string_view name) { return StartsWith(name, kTempFilePrefix); }

std::string Quoted(std::string_view key) {
  std::string out = "\"";
  out += key;
  out += '"';
  return out;
}

Status BadKey(std::string_view key, std::string_view why) {
  std::string m = "invalid key ";
  m += Quoted(key);
  m += ": ";
  m += why;
  return Status::InvalidArgument(std::move(m));
}

// Hex digits for temporary file names. One generator per thread: no shared mutable state.
std::string RandomSuffix() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, static_cast<uint64_t>(rng()));
  return buf;
}

ObjectVersion VersionFromStat(std::string key, const struct stat& st) {
  ObjectVersion v;
  v.key = std::move(key);
  v.size = static_cast<uint64_t>(st.st_size);
  v.mtime_us = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
  const int64_t mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  // Size, modification time and inode: a rewrite (new inode, new time) gets a new etag.
  // (Formatted by hand: listing 20,000 objects formats 20,000 of these.)
  v.etag.resize(48);
  const uint64_t parts[3] = {v.size, static_cast<uint64_t>(mtime_ns),
                             static_cast<uint64_t>(st.st_ino)};
  static constexpr char kHex[] = "0123456789abcdef";
  for (int p = 0; p < 3; ++p) {
    for (int d = 0; d < 16; ++d) v.etag[p * 16 + d] = kHex[(parts[p] >> (60 - 4 * d)) & 0xf];
  }
  return v;
}

Status NotAnObject(std::string_view op, const std::string& path) {
  return Status::NotFound(std::string(op) + " " + path + ": not a regular file (no such object)");
}

// Errors while creating a key's file: ENOTDIR means a parent "directory" is an object.
Status PutErrno(std::string_view op, std::string_view key, const std::string& path, int err) {
  if (err == ENOTDIR) {
    return Status::IoError(std::string(op) + " " + path + ": a parent of key " + Quoted(key) +
                           " is an object (a local store cannot hold both \"a\" and \"a/b\")");
  }
  if (err == EISDIR) {
    return Status::IoError(std::string(op) + " " + path + ": key " + Quoted(key) +
                           " is a directory of other keys in this local store");
  }
  return ErrnoStatus(op, path, err);
}

// Creates the directories between the root and the key's file. Existing ones are fine.
Status MakeParents(const std::string& root, std::string_view key) {
  for (size_t slash = key.find('/'); slash != std::string_view::npos;
       slash = key.find('/', slash + 1)) {
    std::string dir = root == "/" ? "/" : root + "/";
    dir += key.substr(0, slash);
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
      // ENOENT: a concurrent DeleteMany removed a parent; the caller retries.
      if (errno == ENOENT) return Status::OK();
      return PutErrno("mkdir", key, dir, errno);
    }
  }
  return Status::OK();
}

Status WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, std::min(size, kIoChunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::OK();
}

// Copies everything from the current offset of `src` to `dst`.
Status CopyFd(int src, int dst, const std::string& src_path, const std::string& dst_path) {
  // copy_file_range first; any "not supported here" answer falls back to read/write, which
  // also confirms the end of file (some file systems report 0 from copy_file_range early).
  for (;;) {
    ssize_t n = ::copy_file_range(src, nullptr, dst, nullptr, kIoChunk, 0);
    if (n > 0) continue;
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP ||
        errno == EPERM || errno == ETXTBSY) {
      break;
    }
    const int err = errno;
    return ErrnoStatus("copy", src_path + " to " + dst_path, err);  // NOLINT(performance-*)
  }
  std::unique_ptr<char[]> buf(new char[1 << 20]);
  for (;;) {
    ssize_t n = ::read(src, buf.get(), 1 << 20);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read", src_path, errno);
    }
    if (n == 0) return Status::OK();
    SILT_RETURN_IF_ERROR(WriteAll(dst, buf.get(), static_cast<size_t>(n), dst_path));
  }
}

// Opens a regular file for reading. NotFound (naming `what`) when it is missing or not a
// regular file. O_NONBLOCK keeps a FIFO from blocking the open; it has no effect on files.
Result<Fd> OpenRegular(const std::string& path, std::string_view op, struct stat* st) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return ErrnoStatus(op, path, errno);
  if (::fstat(fd.get(), st) != 0) return ErrnoStatus(op, path, errno);
  if (!S_ISREG(st->st_mode)) return NotAnObject(op, path);
  return fd;
}

// Writes a temporary file next to `key` with `fill`, fsyncs it and publishes it as `key`
// (rename, or link for if_absent), then fsyncs the directory. Cleans up on every failure.
Result<ObjectVersion> PublishNew(const std::string& root, std::string_view key,
                                 const PutOptions& options,
                                 const std::function<Status(int fd, const std::string&)>& fill) {
  const std::string path = (root == "/" ? "/" : root + "/") + std::string(key);
  const size_t slash = path.rfind('/');
  const std::string dir_prefix = path.substr(0, slash + 1);  // ends with '/'
  const std::string dir = slash == 0 ? "/" : path.substr(0, slash);

  std::string tmp;
  Fd fd;
  for (int attempt = 0;; ++attempt) {
    tmp = dir_prefix + std::string(kTempFilePrefix) + RandomSuffix();
    fd = Fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd.valid()) break;
    const int err = errno;
    if (attempt + 1 < kPutAttempts) {
      if (err == EEXIST || err == EINTR) continue;
      if (err == ENOENT) {
        SILT_RETURN_IF_ERROR(MakeParents(root, key));
        continue;
      }
    }
    return PutErrno("put: create temporary file", key, tmp, err);
  }
  TempFileGuard guard(tmp);

  SILT_RETURN_IF_ERROR(fill(fd.get(), tmp));
  if (::fsync(fd.get()) != 0) return ErrnoStatus("fsync", tmp, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("fstat", tmp, errno);
  // close() reporting EINTR still closed the descriptor on Linux; other errors are real.
  if (::close(fd.Release()) != 0 && errno != EINTR) return ErrnoStatus("close", tmp, errno);

  if (!options.if_absent) {
    if (::rename(tmp.c_str(), path.c_str()) != 0) return PutErrno("put: rename", key, path, errno);
    guard.Dismiss();
  } else {
    bool published = ::link(tmp.c_str(), path.c_str()) == 0;
    int err = published ? 0 : errno;
    if (!published && (err == EPERM || err == EOPNOTSUPP || err == ENOSYS || err == EMLINK)) {
      // File systems without hard links: an atomic no-replace rename does the same job.
      published = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0;
      err = published ? 0 : errno;
      if (published) guard.Dismiss();
    }
    if (!published) {
      if (err == EEXIST) {
        return Status::AlreadyExists("put-if-absent: key " + Quoted(key) + " already exists");
      }
      return PutErrno("put-if-absent: link", key, path, err);
    }
    guard.UnlinkNow();
  }

  // Make the new directory entry durable. ENOENT: a concurrent DeleteMany already removed the
  // new object and its directory; the Put happened before that delete and stays successful.
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid() && errno != ENOENT) return ErrnoStatus("put: open directory", dir, errno);
  if (dir_fd.valid() && ::fsync(dir_fd.get()) != 0) {
    return ErrnoStatus("put: fsync directory", dir, errno);
  }
  return VersionFromStat(std::string(key), st);
}

// ---- List -----------------------------------------------------------------------------------

enum class Kind : uint8_t { kDir, kFile, kLink };

// A directory's entries. Their names share one buffer (a folder of access logs holds tens of
// thousands): each is stored NUL-terminated, a directory's with a '/' before the NUL.
struct Entry {
  size_t offset;    // of the name in Entries::names
  uint32_t length;  // of the sort name: the name, with the '/' of a directory
  Kind kind;
};

struct Entries {
  std::string names;
  std::vector<Entry> list;

  // The name with a '/' appended for directories: keys sort in this order.
  std::string_view sort_name(const Entry& e) const { return {names.data() + e.offset, e.length}; }
  std::string_view name(const Entry& e) const {
    return sort_name(e).substr(0, e.length - (e.kind == Kind::kDir ? 1 : 0));
  }
  // The name of a file or link, NUL-terminated (for fstatat).
  const char* c_name(const Entry& e) const { return names.data() + e.offset; }
  void Add(std::string_view name, Kind kind) {
    const size_t offset = names.size();
    names += name;
    if (kind == Kind::kDir) names += '/';
    names += '\0';
    list.push_back({offset, static_cast<uint32_t>(names.size() - offset - 1), kind});
  }
};

bool SkipErrno(int err) { return err == ENOENT || err == ENOTDIR || err == ELOOP; }

struct StatResult {
  struct stat st;
  int err = 0;  // errno of a failed fstatat; entries that are directories are not stat'ed
};

constexpr size_t kParallelStatMin = 512;

// fstatat of every non-directory entry of `dir_fd`, by two threads.
std::vector<StatResult> StatAll(int dir_fd, const Entries& entries) {
  std::vector<StatResult> out(entries.list.size());
  (void)ParallelFor(entries.list.size(), {2, 64}, [&](size_t i, unsigned) {
    const Entry& e = entries.list[i];
    if (e.kind == Kind::kDir) return Status::OK();
    if (::fstatat(dir_fd, entries.c_name(e), &out[i].st, 0) != 0) out[i].err = errno;
    return Status::OK();  // a failed stat is the entry's, handled by the walk
  });
  return out;
}

// Opens directory `name` under `parent` without following a symbolic link. Null (with OK)
// when it vanished or is not a directory (any more).
Result<DirPtr> OpenSubdir(int parent, const char* name, const std::string& what) {
  int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (SkipErrno(errno)) return DirPtr();
    return ErrnoStatus("list: open directory", what, errno);
  }
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus("list: fdopendir", what, err);
  }
  return DirPtr(d);
}

// The directory's entries that can be objects or hold objects, filtered by `name_prefix`.
// Temporary files, special files and entries that vanish are left out. Unsorted.
Result<Entries> ReadEntries(DIR* d, std::string_view name_prefix, const std::string& what) {
  Entries out;
  for (;;) {
    errno = 0;
    struct dirent* e = ::readdir(d);
    if (e == nullptr) {
      if (errno != 0) return ErrnoStatus("list: readdir", what, errno);
      return out;
    }
    std::string_view name(e->d_name);
    if (name == "." || name == ".." || IsTempName(name) || !StartsWith(name, name_prefix)) {
      continue;
    }
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        const int err = errno;
        if (SkipErrno(err)) continue;
        return ErrnoStatus("list: stat", what + std::string(name), err);
      }
      type = S_ISDIR(st.st_mode)   ? DT_DIR
             : S_ISREG(st.st_mode) ? DT_REG
             : S_ISLNK(st.st_mode) ? DT_LNK
                                   : DT_UNKNOWN;
    }
    switch (type) {
      case DT_DIR:
        out.Add(name, Kind::kDir);
        break;
      case DT_REG:
        out.Add(name, Kind::kFile);
        break;
      case DT_LNK:
        out.Add(name, Kind::kLink);
        break;
      default:
        break;  // FIFOs, sockets, devices: not objects
    }
  }
}

// One List call: a depth-first walk in key order, resuming after the continuation token.
class Lister {
 public:
  Lister(const std::string& root, const ListOptions& options, std::string after,
         bool after_is_prefix, const std::function<Status(ObjectVersion&)>* sink = nullptr)
      : root_(root),
        options_(options),
        after_(std::move(after)),
        after_is_prefix_(after_is_prefix),
        sink_(sink) {}

  Result<ListPage> Run() {
    const std::string& prefix = options_.prefix;
    const size_t slash = prefix.rfind('/');
    const std::string dir_key = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
    const std::string name_prefix = prefix.substr(dir_key.size());
    // A prefix whose directory part no valid key can have matches nothing.
    if (prefix.find('\0') != std::string::npos ||
        (!dir_key.empty() && !ValidateKey(dir_key.substr(0, dir_key.size() - 1)).ok())) {
      return std::move(page_);
    }

    int root_fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) return ErrnoStatus("list: open store root", root_, errno);
    DIR* root_dir = ::fdopendir(root_fd);
    if (root_dir == nullptr) {
      const int err = errno;
      ::close(root_fd);
      return ErrnoStatus("list: fdopendir", root_, err);
    }
    DirPtr dir(root_dir);
    // Descend to the prefix's directory, never through a symbolic link.
    for (size_t begin = 0; begin < dir_key.size();) {
      const size_t end = dir_key.find('/', begin);
      const std::string name = dir_key.substr(begin, end - begin);
      SILT_ASSIGN_OR_RETURN(
          dir, OpenSubdir(::dirfd(dir.get()), name.c_str(), Display(dir_key.substr(0, end + 1))));
      if (dir == nullptr) return std::move(page_);  // missing: an empty page
      begin = end + 1;
    }
    SILT_RETURN_IF_ERROR(Walk(dir.get(), dir_key, name_prefix).status());
    if (truncated_) {
      page_.next_continuation =
          last_is_prefix_ ? "p" + last_cp_ : "k" + page_.objects.back().key;
    }
    return std::move(page_);
  }

 private:
  std::string Display(std::string_view dir_key) const {
    return (root_ == "/" ? "/" : root_ + "/") + std::string(dir_key);
  }

  // After the continuation point: key > after, and not inside a common prefix already returned.
  bool Visible(std::string_view key) const {
    if (after_.empty()) return true;
    return key > after_ && !(after_is_prefix_ && StartsWith(key, after_));
  }
  // Every key starting with `p` is at or before the continuation point.
  bool AllHidden(std::string_view p) const {
    if (after_.empty()) return false;
    if (after_is_prefix_ && StartsWith(p, after_)) return true;
    return p < after_ && !StartsWith(after_, p);
  }
  // Every key starting with `p` (and longer than it) is after the continuation point.
  bool AllVisible(std::string_view p) const { return after_.empty() || p >= after_; }

  // The common prefix `key` (or a directory path) rolls up into; empty when none.
  std::string_view CommonPrefix(std::string_view path) const {
    if (options_.delimiter.empty()) return {};
    const size_t pos = path.find(options_.delimiter, options_.prefix.size());
    if (pos == std::string_view::npos) return {};
    return path.substr(0, pos + options_.delimiter.size());
  }

  // Adds a common prefix; false when the page is full (the prefix is left for the next one).
  bool EmitPrefix(std::string_view cp) {
    if (cp == last_cp_) return true;
    if (count_ >= options_.max_keys) {
      truncated_ = true;
      return false;
    }
    page_.common_prefixes.emplace_back(cp);
    last_cp_ = std::string(cp);
    last_is_prefix_ = true;
    ++count_;
    return true;
  }

  // Adds an object (or hands it to the sink); false when the page is full.
  Result<bool> EmitObject(ObjectVersion v) {
    if (sink_ != nullptr) {
      SILT_RETURN_IF_ERROR((*sink_)(v));
      return true;
    }
    if (count_ >= options_.max_keys) {
      truncated_ = true;
      return false;
    }
    last_is_prefix_ = false;  // the last key is page_.objects.back().key
    page_.objects.push_back(std::move(v));
    ++count_;
    return true;
  }

  // True when the tree under directory `name` of `parent` holds at least one object.
  Result<bool> AnyObject(int parent, const char* name, const std::string& what) {
    SILT_ASSIGN_OR_RETURN(DirPtr dir, OpenSubdir(parent, name, what));
    if (dir == nullptr) return false;
    SILT_ASSIGN_OR_RETURN(Entries entries, ReadEntries(dir.get(), "", what));
    for (const Entry& e : entries.list) {
      if (e.kind == Kind::kFile) return true;
    }
    for (const Entry& e : entries.list) {
      if (e.kind == Kind::kLink) {
        struct stat st;
        if (::fstatat(::dirfd(dir.get()), entries.c_name(e), &st, 0) == 0 &&
            S_ISREG(st.st_mode)) {
          return true;
        }
      }
    }
    for (const Entry& e : entries.list) {
      if (e.kind != Kind::kDir) continue;
      const std::string sub(entries.name(e));
      const std::string sub_what = what + std::string(entries.sort_name(e));
      SILT_ASSIGN_OR_RETURN(bool any, AnyObject(::dirfd(dir.get()), sub.c_str(), sub_what));
      if (any) return true;
    }
    return false;
  }

  // Walks directory `dir`, whose keys start with `dir_key`, over the entries starting with
  // `name_prefix`. Returns false once the page is full.
  Result<bool> Walk(DIR* dir, const std::string& dir_key, std::string_view name_prefix) {
    const std::string what = Display(dir_key);
    SILT_ASSIGN_OR_RETURN(Entries entries, ReadEntries(dir, name_prefix, what));
    // Byte order of keys: a directory "a" sorts as "a/", since all its keys start with that.
    std::sort(entries.list.begin(), entries.list.end(),
              [&entries](const Entry& a, const Entry& b) {
                return entries.sort_name(a) < entries.sort_name(b);
              });
    const int fd = ::dirfd(dir);
    // A large directory (access-log prefixes hold thousands of objects) is stat'ed by two
    // threads up front; the walk below then uses the results in key order.
    std::vector<StatResult> stats;
    // (Only for whole listings: a page of 1,000 keys must not stat a directory of 20,000.)
    if (entries.list.size() >= kParallelStatMin && after_.empty() &&
        static_cast<size_t>(options_.max_keys) >= entries.list.size()) {
      stats = StatAll(fd, entries);
    }
    std::string path;
    for (size_t i = 0; i < entries.list.size(); ++i) {
      const Entry& e = entries.list[i];
      path.assign(dir_key).append(entries.sort_name(e));
      if (!last_cp_.empty() && StartsWith(path, last_cp_)) continue;  // already rolled up
      if (e.kind == Kind::kDir) {
        const std::string name(entries.name(e));
        if (AllHidden(path)) continue;
        const std::string_view cp = CommonPrefix(path);
        if (!cp.empty() && AllVisible(path)) {
          // The whole subtree rolls up into `cp`: it is listed if it holds any object.
          SILT_ASSIGN_OR_RETURN(bool any, AnyObject(fd, name.c_str(), Display(path)));
          if (any && !EmitPrefix(cp)) return false;
          continue;
        }
        SILT_ASSIGN_OR_RETURN(DirPtr sub, OpenSubdir(fd, name.c_str(), Display(path)));
        if (sub == nullptr) continue;
        SILT_ASSIGN_OR_RETURN(bool more, Walk(sub.get(), path, ""));
        if (!more) return false;
        continue;
      }
      if (!Visible(path)) continue;
      const std::string_view cp = CommonPrefix(path);
      if (!cp.empty() && e.kind == Kind::kFile) {
        if (!EmitPrefix(cp)) return false;
        continue;
      }
      struct stat st;
      int err = 0;
      if (!stats.empty()) {
        st = stats[i].st;
        err = stats[i].err;
      } else if (::fstatat(fd, entries.c_name(e), &st, 0) != 0) {
        err = errno;
      }
      if (err != 0) {
        if (SkipErrno(err)) continue;
        return ErrnoStatus("list: stat", Display(path), err);
      }
      if (!S_ISREG(st.st_mode)) continue;  // e.g. a link to a directory
      if (!cp.empty()) {
        if (!EmitPrefix(cp)) return false;
        continue;
      }
      SILT_ASSIGN_OR_RETURN(bool more, EmitObject(VersionFromStat(path, st)));
      if (!more) return false;
    }
    return true;
  }

  const std::string& root_;
  const ListOptions& options_;
  const std::string after_;
  const bool after_is_prefix_;

  ListPage page_;
  // Set for ForEach: objects go to it as the walk finds them instead of into page_.
  const std::function<Status(ObjectVersion&)>* sink_ = nullptr;
  int count_ = 0;
  bool truncated_ = false;
  bool last_is_prefix_ = false;  // the last thing added: a common prefix (or an object)
  std::string last_cp_;  // the last common prefix added
};

}  // namespace

Status ValidateKey(std::string_view key) {
  if (key.empty()) return BadKey(key, "empty");
  if (key.find('\0') != std::string_view::npos) return BadKey(key, "contains a NUL byte");
  if (key.front() == '/') return BadKey(key, "starts with '/'");
  if (key.back() == '/') return BadKey(key, "ends with '/'");
  if (key.find("//") != std::string_view::npos) return BadKey(key, "contains \"//\"");
  size_t begin = 0;
  while (begin <= key.size()) {
    size_t end = key.find('/', begin);
    if (end == std::string_view::npos) end = key.size();
    const std::string_view segment = key.substr(begin, end - begin);
    if (segment == "." || segment == "..") return BadKey(key, "has a \".\" or \"..\" segment");
    if (IsTempName(segment)) {
      return BadKey(key, "has a segment starting with \".silt-tmp-\" (reserved)");
    }
    begin = end + 1;
  }
  return Status::OK();
}

LocalStore::LocalStore(std::string root)
    : root_([&] {
        while (root.size() > 1 && root.back() == '/') root.pop_back();
        return std::move(root);
      }()),
      // Reads open keys relative to the root: no walk of the root's own path per object.
      root_fd_(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {}

LocalStore::~LocalStore() {
  if (root_fd_ >= 0) ::close(root_fd_);
}

std::string LocalStore::Describe() const { return "file://" + root_; }

std::string LocalStore::PathOf(std::string_view key) const {
  std::string path = root_ == "/" ? "/" : root_ + "/";
  path += key;
  return path;
}

std::string LocalStore::LocalPath(std::string_view key) const {
  if (!ValidateKey(key).ok()) return {};
  return PathOf(key);
}

Result<ListPage> LocalStore::List(const ListOptions& options) {
  if (options.max_keys < 1 || options.max_keys > kMaxKeysLimit) {
    return Status::InvalidArgument("list: max_keys must be in 1..1000, got " +
                                   std::to_string(options.max_keys));
  }
  std::string after;
  bool after_is_prefix = false;
  if (!options.continuation.empty()) {
    const char tag = options.continuation[0];
    if ((tag != 'k' && tag != 'p') || options.continuation.size() < 2) {
      return Status::InvalidArgument("list: bad continuation token " +
                                     Quoted(options.continuation));
    }
    after = options.continuation.substr(1);
    after_is_prefix = tag == 'p';
  }
  Lister lister(root_, options, std::move(after), after_is_prefix);
  return lister.Run();
}

Status LocalStore::ForEach(std::string_view prefix,
                           const std::function<Status(ObjectVersion&)>& fn) {
  ListOptions options;
  options.prefix = std::string(prefix);
  options.max_keys = std::numeric_limits<int>::max();
  Lister lister(root_, options, std::string(), false, &fn);
  return lister.Run().status();
}

Result<ObjectVersion> LocalStore::Head(std::string_view key) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  const std::string path = PathOf(key);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("head", path, errno);
  if (!S_ISREG(st.st_mode)) return NotAnObject("head", path);
  return VersionFromStat(std::string(key), st);
}

Result<size_t> LocalStore::ReadRange(std::string_view key, uint64_t offset, size_t length,
                                     char* out) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  // One call per small object: no string is built unless something fails.
  thread_local std::string name;  // the key, NUL-terminated for openat
  name.assign(key);
  // No fstat on this hot path either: pread itself refuses what is not a regular file (EISDIR
  // for a directory, ESPIPE for a FIFO, which O_NONBLOCK opened at once).
  Fd fd(root_fd_ >= 0 ? ::openat(root_fd_, name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)
                      : ::open(PathOf(key).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    const int err = errno;
    return ErrnoStatus("read", PathOf(key), err);
  }
  constexpr uint64_t kMaxOffset = static_cast<uint64_t>(std::numeric_limits<off_t>::max());
  size_t done = 0;
  while (done < length && offset <= kMaxOffset - done) {
    const ssize_t n = ::pread(fd.get(), out + done, std::min(length - done, kIoChunk),
                              static_cast<off_t>(offset + done));
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (err == EISDIR || err == ESPIPE || err == EINVAL) return NotAnObject("read", PathOf(key));
      return ErrnoStatus("read", PathOf(key), err);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<ObjectVersion> LocalStore::Put(std::string_view key, std::string_view data,
                                      const PutOptions& options) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  return PublishNew(root_, key, options, [&](int fd, const std::string& tmp) {
    return WriteAll(fd, data.data(), data.size(), tmp);
  });
}

Result<ObjectVersion> LocalStore::PutFile(std::string_view key, const std::string& local_path,
                                          const PutOptions& options) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  struct stat st;
  SILT_ASSIGN_OR_RETURN(Fd src, OpenRegular(local_path, "put: open source file", &st));
  return PublishNew(root_, key, options, [&](int fd, const std::string& tmp) {
    return CopyFd(src.get(), fd, local_path, tmp);
  });
}

Result<ObjectVersion> LocalStore::Copy(std::string_view from, std::string_view to) {
  SILT_RETURN_IF_ERROR(ValidateKey(from));
  SILT_RETURN_IF_ERROR(ValidateKey(to));
  const std::string from_path = PathOf(from);
  struct stat st;
  auto src = OpenRegular(from_path, "copy: open source", &st);
  if (!src.ok()) return src.status().WithContext("copy from key " + Quoted(from));
  return PublishNew(root_, to, PutOptions{}, [&](int fd, const std::string& tmp) {
    return CopyFd(src->get(), fd, from_path, tmp);
  });
}

Status LocalStore::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) SILT_RETURN_IF_ERROR(ValidateKey(key));
  Status first_error;
  for (const std::string& key : keys) {
    const std::string path = PathOf(key);
    if (::unlink(path.c_str()) != 0) {
      const int err = errno;
      // Missing, or a directory of other keys (not an object): nothing to delete.
      if (err == ENOENT || err == ENOTDIR || err == EISDIR) continue;
      if (first_error.ok()) first_error = ErrnoStatus("delete", path, err);
      continue;
    }
    // Remove the directories this left empty, deepest first, stopping below the root.
    for (size_t slash = key.rfind('/'); slash != std::string::npos && slash > 0;
         slash = key.rfind('/', slash - 1)) {
      const std::string dir = PathOf(std::string_view(key).substr(0, slash));
      if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) break;  // not empty (or in use)
    }
  }
  return first_error;
}

}  // namespace silt::store
