// S3Store: the Store interface over the S3 API (s3/client.h), for AWS S3 and S3-compatible
// servers (Ceph RGW, MinIO, R2...). The store's root is s3://bucket/prefix; keys are relative
// to the prefix.
//
// Guarantees, as the local store's: puts are atomic (a single PUT, or a multipart upload that
// only becomes visible when completed, and is aborted on failure); put-if-absent uses
// If-None-Match: * (on the completion for multipart uploads); listing is in byte order with
// S3's own continuation tokens. Reads by OpenReader fetch ahead (settings.read_ahead bytes per
// request, three requests in flight) and pin the version by its ETag (If-Match), so a reader
// never mixes two versions of an object.
// Thread safety: every method may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "silt/common/uri.h"
#include "silt/s3/client.h"
#include "silt/store/store.h"

namespace silt::store {

class S3Store : public Store {
 public:
  S3Store(std::shared_ptr<s3::S3Client> client, std::string bucket, std::string prefix);

  std::string Describe() const override;
  Result<ListPage> List(const ListOptions& options) override;
  Result<ObjectVersion> Head(std::string_view key) override;
  Result<size_t> ReadRange(std::string_view key, uint64_t offset, size_t length,
                           char* out) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::unique_ptr<ObjectReader>> OpenReader(const ObjectVersion& version, uint64_t begin,
                                                   uint64_t end) override;
  Result<ObjectVersion> Put(std::string_view key, std::string_view data,
                            const PutOptions& options = {}) override;
  Result<ObjectVersion> PutFile(std::string_view key, const std::string& local_path,
                                const PutOptions& options = {}) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  Result<ObjectVersion> Copy(std::string_view from, std::string_view to) override;

  s3::S3Client& client() { return *client_; }
  const std::string& bucket() const { return bucket_; }
  const std::string& prefix() const { return prefix_; }  // "" or ends with '/'

 private:
  std::string Full(std::string_view key) const { return prefix_ + std::string(key); }
  ObjectVersion ToVersion(const s3::ObjectInfo& info) const;

  std::shared_ptr<s3::S3Client> client_;
  std::string bucket_;
  std::string prefix_;
};

// Opens s3://bucket/prefix with settings from s3::ResolveSettings, checking that the bucket
// answers (NotFound for a missing bucket, PermissionDenied for refused keys).
Result<std::unique_ptr<Store>> OpenS3Store(const Uri& root);

}  // namespace silt::store
