#include "silt/store/s3_store.h"

#include <sys/stat.h>

#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "silt/s3/fault_transport.h"
#include "silt/store/local_store.h"

namespace silt::store {

namespace {

// Prefetching sequential reader: up to `depth` ranged GETs of `chunk` bytes in flight.
// Three of 8 MiB keep a loopback or LAN link busy while the reader consumes one.
class PrefetchReader : public ObjectReader {
 public:
  PrefetchReader(std::shared_ptr<s3::S3Client> client, std::string bucket, std::string key,
                 std::string etag, uint64_t begin, uint64_t end, uint64_t chunk, int depth)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        etag_(std::move(etag)),
        next_fetch_(begin),
        end_(end),
        chunk_(std::max<uint64_t>(chunk, 256 << 10)),
        depth_(depth) {}

  ~PrefetchReader() override {
    for (auto& c : queue_) {
      if (c->done.valid()) c->done.wait();
    }
  }

  Result<size_t> Read(char* out, size_t length) override {
    size_t total = 0;
    while (total < length) {
      Schedule();
      if (queue_.empty()) break;
      Chunk& c = *queue_.front();
      if (c.done.valid()) {
        Result<size_t> got = c.done.get();
        if (!got.ok()) return got.status();
        c.size = *got;
        if (c.size < c.want) end_ = c.offset + c.size;  // the object ended early
      }
      size_t take = std::min(length - total, c.size - c.consumed);
      std::memcpy(out + total, c.data.get() + c.consumed, take);
      c.consumed += take;
      total += take;
      if (c.consumed == c.size) {
        const bool ended = c.size == 0;
        // Keep the buffer for a later chunk: no fresh pages (faults, zeroing) per chunk.
        if (spare_.size() < static_cast<size_t>(depth_)) spare_.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (ended) break;
      }
    }
    return total;
  }

 private:
  struct Chunk {
    uint64_t offset = 0;
    std::unique_ptr<char[]> data;  // not zero-filled: the GET overwrites it
    size_t capacity = 0;
    size_t want = 0;
    size_t size = 0;
    size_t consumed = 0;
    std::future<Result<size_t>> done;
  };

  void Schedule() {
    while (static_cast<int>(queue_.size()) < depth_ && next_fetch_ < end_) {
      std::unique_ptr<Chunk> c;
      if (!spare_.empty()) {
        c = std::move(spare_.back());
        spare_.pop_back();
      } else {
        c = std::make_unique<Chunk>();
      }
      c->offset = next_fetch_;
      c->size = c->consumed = 0;
      // Start small, so that small objects and the first bytes arrive quickly.
      uint64_t want = std::min<uint64_t>(fetched_ == 0 ? std::min<uint64_t>(chunk_, 1 << 20) : chunk_,
                                         end_ - next_fetch_);
      c->want = static_cast<size_t>(want);
      if (c->capacity < c->want) {
        c->data.reset(new char[c->want]);
        c->capacity = c->want;
      }
      next_fetch_ += want;
      ++fetched_;
      Chunk* raw = c.get();
      c->done = std::async(std::launch::async, [this, raw] {
        return client_->GetRange(bucket_, key_, raw->offset, raw->want, raw->data.get(), etag_);
      });
      queue_.push_back(std::move(c));
    }
  }

  std::shared_ptr<s3::S3Client> client_;
  std::string bucket_, key_, etag_;
  uint64_t next_fetch_;
  uint64_t end_;
  uint64_t chunk_;
  int depth_;
  uint64_t fetched_ = 0;
  std::deque<std::unique_ptr<Chunk>> queue_;
  std::vector<std::unique_ptr<Chunk>> spare_;
};

constexpr std::string_view kTokenTag = "s3:";

std::mutex g_clients_mu;
std::map<std::string, std::weak_ptr<s3::S3Client>> g_clients;

}  // namespace

S3Store::S3Store(std::shared_ptr<s3::S3Client> client, std::string bucket, std::string prefix)
    : client_(std::move(client)), bucket_(std::move(bucket)), prefix_(std::move(prefix)) {
  if (!prefix_.empty() && prefix_.back() != '/') prefix_ += '/';
}

std::string S3Store::Describe() const { return fmt::format("s3://{}/{}", bucket_, prefix_); }

ObjectVersion S3Store::ToVersion(const s3::ObjectInfo& info) const {
  ObjectVersion v;
  v.key = info.key.substr(std::min(prefix_.size(), info.key.size()));
  v.size = info.size;
  v.mtime_us = info.mtime_us;
  v.etag = info.etag;
  return v;
}

Result<ListPage> S3Store::List(const ListOptions& options) {
  if (options.max_keys < 1 || options.max_keys > 1000) {
    return Status::InvalidArgument(
        fmt::format("list {}: max_keys must be 1..1000, got {}", Describe(), options.max_keys));
  }
  // Tokens are S3's own, wrapped so that a token from elsewhere is refused clearly.
  std::string_view token = options.continuation;
  if (!token.empty()) {
    if (!token.starts_with(kTokenTag)) {
      return Status::InvalidArgument(fmt::format(
          "list {}: '{}' is not a continuation token of this store", Describe(), token));
    }
    token.remove_prefix(kTokenTag.size());
  }
  SILT_ASSIGN_OR_RETURN(s3::ListResult r,
                        client_->ListObjectsV2(bucket_, Full(options.prefix), options.delimiter,
                                               token, options.max_keys));
  ListPage page;
  page.objects.reserve(r.objects.size());
  for (const s3::ObjectInfo& o : r.objects) {
    if (!o.key.starts_with(prefix_)) continue;
    page.objects.push_back(ToVersion(o));
  }
  for (std::string& p : r.common_prefixes) {
    if (p.starts_with(prefix_)) page.common_prefixes.push_back(p.substr(prefix_.size()));
  }
  if (!r.next_token.empty()) page.next_continuation = std::string(kTokenTag) + r.next_token;
  return page;
}

Result<ObjectVersion> S3Store::Head(std::string_view key) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  SILT_ASSIGN_OR_RETURN(s3::ObjectInfo info, client_->HeadObject(bucket_, Full(key)));
  return ToVersion(info);
}

Result<size_t> S3Store::ReadRange(std::string_view key, uint64_t offset, size_t length,
                                  char* out) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  return client_->GetRange(bucket_, Full(key), offset, length, out);
}

Result<std::string> S3Store::Get(std::string_view key) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  return client_->GetObject(bucket_, Full(key));
}

Result<std::unique_ptr<ObjectReader>> S3Store::OpenReader(const ObjectVersion& version,
                                                          uint64_t begin, uint64_t end) {
  SILT_RETURN_IF_ERROR(ValidateKey(version.key));
  return std::unique_ptr<ObjectReader>(std::make_unique<PrefetchReader>(
      client_, bucket_, Full(version.key), version.etag, begin, std::min(end, version.size),
      client_->settings().read_ahead, 3));
}

Result<ObjectVersion> S3Store::Put(std::string_view key, std::string_view data,
                                   const PutOptions& options) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  s3::WriteParams p;
  p.if_none_match = options.if_absent;
  p.storage_class = options.storage_class;
  SILT_ASSIGN_OR_RETURN(s3::ObjectInfo info,
                        client_->Upload(bucket_, Full(key), s3::Body::Memory(data), p));
  info.key = Full(key);
  info.size = data.size();
  return ToVersion(info);
}

Result<ObjectVersion> S3Store::PutFile(std::string_view key, const std::string& local_path,
                                       const PutOptions& options) {
  SILT_RETURN_IF_ERROR(ValidateKey(key));
  struct stat st {};
  if (::stat(local_path.c_str(), &st) != 0) return ErrnoStatus("stat", local_path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(fmt::format("put {}: {} is not a regular file", key, local_path));
  }
  s3::WriteParams p;
  p.if_none_match = options.if_absent;
  p.storage_class = options.storage_class;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  SILT_ASSIGN_OR_RETURN(s3::ObjectInfo info,
                        client_->Upload(bucket_, Full(key), s3::Body::File(local_path, 0, size), p));
  info.key = Full(key);
  info.size = size;
  return ToVersion(info);
}

Status S3Store::DeleteMany(const std::vector<std::string>& keys) {
  std::vector<std::string> full;
  full.reserve(keys.size());
  for (const std::string& k : keys) {
    SILT_RETURN_IF_ERROR(ValidateKey(k));
    full.push_back(Full(k));
  }
  return client_->DeleteObjects(bucket_, full);
}

Result<ObjectVersion> S3Store::Copy(std::string_view from, std::string_view to) {
  SILT_RETURN_IF_ERROR(ValidateKey(from));
  SILT_RETURN_IF_ERROR(ValidateKey(to));
  if (from == to) return Head(from);  // S3 refuses a copy onto itself; the content stays
  auto info = client_->Copy(bucket_, Full(from), Full(to));
  if (!info.ok()) {
    if (info.status().IsNotFound()) {
      return Status::NotFound(fmt::format("copy: no such object: {}{}", Describe(), from));
    }
    return info.status();
  }
  info->key = Full(to);
  return ToVersion(*info);
}

Result<std::unique_ptr<Store>> OpenS3Store(const Uri& root) {
  SILT_ASSIGN_OR_RETURN(s3::S3Settings settings, s3::ResolveSettings(root.bucket, root.path));
  const char* faults = std::getenv("SILT_S3_FAULTS");
  const std::string id =
      fmt::format("{}|{}|{}|{}|{}|{}|{}", root.bucket, settings.EffectiveEndpoint(),
                  settings.EffectiveRegion(), settings.profile, settings.role_arn,
                  settings.access_key_id, faults != nullptr ? faults : "");
  std::shared_ptr<s3::S3Client> client;
  {
    std::lock_guard<std::mutex> lock(g_clients_mu);
    auto it = g_clients.find(id);
    if (it != g_clients.end()) client = it->second.lock();
  }
  if (client == nullptr) {
    s3::TransportOptions t;
    t.connect_timeout_ms = settings.connect_timeout_ms;
    t.verify_tls = settings.verify_tls;
    std::shared_ptr<s3::HttpTransport> transport = s3::MakeCurlTransport(t);
    if (faults != nullptr && *faults != '\0') {
      SILT_ASSIGN_OR_RETURN(s3::FaultSpec spec, s3::ParseFaultSpec(faults));
      transport = std::make_shared<s3::FaultInjectingTransport>(transport, spec);
    }
    SILT_ASSIGN_OR_RETURN(client, s3::S3Client::Make(settings, transport));
    // One cheap request checks the bucket and the keys now, with a clear message.
    Status st = client->ListObjectsV2(root.bucket, "", "", "", 1).status();
    if (!st.ok()) return st;
    std::lock_guard<std::mutex> lock(g_clients_mu);
    g_clients[id] = client;
  }
  return std::unique_ptr<Store>(std::make_unique<S3Store>(client, root.bucket, root.path));
}

}  // namespace silt::store
