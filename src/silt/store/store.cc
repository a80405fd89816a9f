#include "silt/store/store.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>

#include "silt/store/local_store.h"
#include "silt/store/s3_store.h"

namespace silt::store {
namespace {

// A Get retries when the object is replaced between its Head and its read this many times.
constexpr int kGetAttempts = 5;

// mkdir -p for an absolute, normalised path.
Status MakeDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
      return ErrnoStatus("create store root", dir, errno);
    }
    if (slash == std::string::npos) return Status::OK();
  }
}

}  // namespace

Result<std::string> Store::Get(std::string_view key) {
  for (int attempt = 0; attempt < kGetAttempts; ++attempt) {
    SILT_ASSIGN_OR_RETURN(ObjectVersion version, Head(key));
    // One byte more than the size: getting it means the object was replaced by a larger one
    // after the Head. Fewer bytes than the size is a complete (smaller) newer version, since a
    // read stops only at the end of the object.
    std::string data(version.size + 1, '\0');
    SILT_ASSIGN_OR_RETURN(size_t n, ReadRange(key, 0, data.size(), data.data()));
    if (n <= version.size) {
      data.resize(n);
      return data;
    }
  }
  return Status::Unavailable("get " + std::string(key) + " from " + Describe() +
                             ": the object kept changing while it was read");
}

namespace {

class RangeReader : public ObjectReader {
 public:
  RangeReader(Store* store, std::string key, uint64_t pos, uint64_t end)
      : store_(store), key_(std::move(key)), pos_(pos), end_(end) {}
  Result<size_t> Read(char* out, size_t length) override {
    if (pos_ >= end_) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(length, end_ - pos_));
    SILT_ASSIGN_OR_RETURN(size_t n, store_->ReadRange(key_, pos_, want, out));
    pos_ += n;
    if (n < want) end_ = pos_;
    return n;
  }

 private:
  Store* store_;
  std::string key_;
  uint64_t pos_;
  uint64_t end_;
};

}  // namespace

Result<std::unique_ptr<ObjectReader>> Store::OpenReader(const ObjectVersion& version,
                                                        uint64_t begin, uint64_t end) {
  return std::unique_ptr<ObjectReader>(std::make_unique<RangeReader>(this, version.key, begin, end));
}

Status ListAll(Store& store, std::string_view prefix,
               const std::function<Status(ObjectVersion&)>& fn) {
  return store.ForEach(prefix, fn);
}

Status Store::ForEach(std::string_view prefix,
                      const std::function<Status(ObjectVersion&)>& fn) {
  Store& store = *this;
  ListOptions options;
  options.prefix = std::string(prefix);
  options.max_keys = 1000;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(ListPage page, store.List(options));
    for (ObjectVersion& object : page.objects) SILT_RETURN_IF_ERROR(fn(object));
    if (page.next_continuation.empty()) return Status::OK();
    if (page.next_continuation == options.continuation) {
      return Status::Internal("list " + store.Describe() + " prefix \"" + options.prefix +
                              "\": the continuation token did not advance");
    }
    options.continuation = std::move(page.next_continuation);
  }
}

Result<std::unique_ptr<Store>> OpenStore(const Uri& root, bool create) {
  if (root.scheme == Uri::Scheme::kS3) return OpenS3Store(root);
  const std::string& path = root.path;
  if (path.empty() || path[0] != '/') {
    return Status::InvalidArgument("store root must be an absolute path, got \"" + path + "\"");
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err != ENOENT) return ErrnoStatus("open store root", path, err);
    if (!create) return Status::NotFound("store root does not exist: " + path);
    SILT_RETURN_IF_ERROR(MakeDirectories(path));
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("open store root", path, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status::NotFound("store root is not a directory: " + path);
  }
  return std::unique_ptr<Store>(std::make_unique<LocalStore>(path));
}

}  // namespace silt::store
