// The S3 API client: the operations silt needs, signed with SigV4, retried with exponential
// backoff and full jitter, with a bound on requests in flight.
//
// Retries: transport failures (connection refused/reset, timeouts, short bodies), HTTP 5xx,
// 429, and the S3 codes SlowDown, RequestTimeout, InternalError, ServiceUnavailable,
// ExpiredToken (after refreshing keys) and BadDigest (a body damaged in flight). Everything
// else surfaces at once as a Status naming the operation, the s3:// key, the HTTP status, the
// S3 error code, the endpoint and, for authentication errors, the access key id (never the
// secret).
//
// Integrity: every PUT and part carries Content-MD5 (the server refuses a damaged body);
// whole-object GETs of single-part objects are checked against the ETag (MD5); every
// response body is checked against its Content-Length.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/s3/config.h"
#include "silt/s3/credentials.h"
#include "silt/s3/crypto.h"
#include "silt/s3/http.h"

namespace silt::s3 {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t mtime_us = 0;
  std::string etag;  // quotes stripped
  std::string storage_class;
};

struct ListResult {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;
  std::string next_token;  // "" on the last page
};

// A request body: bytes in memory (kept alive by the caller) or a range of a local file.
struct Body {
  std::string_view data;
  std::string file;
  uint64_t offset = 0;
  uint64_t length = 0;

  static Body Memory(std::string_view d) { return Body{d, {}, 0, 0}; }
  static Body File(std::string path, uint64_t offset, uint64_t length) {
    return Body{{}, std::move(path), offset, length};
  }
  uint64_t size() const { return file.empty() ? data.size() : length; }
};

struct WriteParams {
  bool if_none_match = false;   // conditional create: PreconditionFailed when the key exists
  std::string storage_class;    // "" = the settings' storage class, else the bucket default
  std::string content_type;
};

struct UploadId {
  std::string key;
  std::string upload_id;
};

// Counts requests and retries (for tests, benchmarks and progress).
struct ClientStats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
};

class S3Client {
 public:
  // A client for `settings`; `transport` defaults to libcurl. Credentials are looked up now
  // (NotFound when there are none); a role is assumed lazily, at the first request.
  static Result<std::shared_ptr<S3Client>> Make(const S3Settings& settings,
                                                std::shared_ptr<HttpTransport> transport = nullptr);
  // For tests: explicit credentials.
  S3Client(S3Settings settings, std::shared_ptr<HttpTransport> transport,
           std::shared_ptr<CredentialsProvider> credentials);

  const S3Settings& settings() const { return settings_; }
  ClientStats& stats() { return stats_; }

  // All methods are thread-safe.
  Result<ListResult> ListObjectsV2(std::string_view bucket, std::string_view prefix,
                                   std::string_view delimiter, std::string_view token,
                                   int max_keys);
  Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key);
  // Reads up to `length` bytes from `offset` into `out`; returns how many (0 when offset is at
  // or past the end). With `if_match`, fails with PreconditionFailed when the object changed.
  Result<size_t> GetRange(std::string_view bucket, std::string_view key, uint64_t offset,
                          size_t length, char* out, std::string_view if_match = {});
  // The whole object, checked against its MD5 ETag when it has one.
  Result<std::string> GetObject(std::string_view bucket, std::string_view key);
  Result<ObjectInfo> PutObject(std::string_view bucket, std::string_view key, const Body& body,
                               const WriteParams& params = {});
  Status DeleteObjects(std::string_view bucket, const std::vector<std::string>& keys);
  Result<ObjectInfo> CopyObject(std::string_view bucket, std::string_view from,
                                std::string_view to, const WriteParams& params = {});

  // Multipart upload pieces.
  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                            const WriteParams& params = {});
  Result<std::string> UploadPart(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id, int part_number, const Body& body);
  Result<std::string> UploadPartCopy(std::string_view bucket, std::string_view key,
                                     std::string_view upload_id, int part_number,
                                     std::string_view source_key, uint64_t first,
                                     uint64_t last);
  // `parts[i]` is the ETag of part i+1. `expected_etag` (the multipart ETag silt computed)
  // lets a retried completion that the server already applied count as done.
  Result<ObjectInfo> CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                             std::string_view upload_id,
                                             const std::vector<std::string>& parts,
                                             bool if_none_match = false);
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id);
  Result<std::vector<UploadId>> ListMultipartUploads(std::string_view bucket,
                                                     std::string_view prefix);

  // Uploads `body` to `key`: one PUT up to settings().multipart_threshold, else a multipart
  // upload with parts sent in parallel (at most settings().max_connections / 2 at once); on
  // any failure the upload is aborted, so nothing partial or orphaned remains.
  Result<ObjectInfo> Upload(std::string_view bucket, std::string_view key, const Body& body,
                            const WriteParams& params = {});
  // Server-side copy: CopyObject up to settings().copy_threshold, else UploadPartCopy parts.
  Result<ObjectInfo> Copy(std::string_view bucket, std::string_view from, std::string_view to,
                          const WriteParams& params = {});

  // Buckets (tests and set-up).
  Status CreateBucket(std::string_view bucket);
  Status DeleteBucket(std::string_view bucket);

 private:
  // The ends of a multipart upload shared by Upload and Copy, neither cut short by Ctrl-C (an
  // upload created on the server but not known here would stay open; one whose parts are all
  // there is finished, as a single PUT would be). Begin: the upload id. Finish: completes it when
  // `parts_error` is OK, else (or when completing fails) aborts it; the error then names an
  // abort that failed too.
  Result<std::string> BeginMultipart(std::string_view bucket, std::string_view key,
                                     const WriteParams& params);
  Result<ObjectInfo> FinishMultipart(std::string_view bucket, std::string_view key,
                                     const std::string& upload_id, const Status& parts_error,
                                     const std::vector<std::string>& etags, bool if_none_match);

  struct Call {
    std::string op;  // "GET", "PUT"... for messages
    std::string method;
    std::string bucket;
    std::string key;  // "" for bucket-level calls
    std::vector<std::pair<std::string, std::string>> query;
    HeaderList headers;
    Body body;
    std::string content_md5;  // base64, computed once
    const BodySink* sink = nullptr;
  };
  // Sends `call` with retries. Non-2xx answers become Status (see the header comment).
  // `attempts_made` (optional) receives how many attempts were sent.
  Status Execute(const Call& call, HttpResponse* response, int* attempts_made = nullptr);
  Status ErrorFor(const Call& call, const HttpResponse& r, std::string_view code,
                  std::string_view message, const std::string& access_key) const;
  HttpRequest Build(const Call& call) const;
  std::string Where(const Call& call) const;
  void Backoff(int attempt);
  Result<std::string> ContentMd5(const Body& body) const;
  Result<Md5Digest> Md5Of(const Body& body) const;
  void ApplyWriteHeaders(Call& call, const WriteParams& params) const;

  S3Settings settings_;
  std::string endpoint_;
  std::shared_ptr<HttpTransport> transport_;
  std::shared_ptr<CredentialsProvider> credentials_;
  ClientStats stats_;
  std::mutex slots_mu_;
  std::condition_variable slots_cv_;
  int slots_free_;
};

// Parses S3 time stamps: ISO 8601 ("2024-05-01T12:00:00.000Z") and RFC 1123
// ("Wed, 01 May 2024 12:00:00 GMT"). Microseconds since the epoch; 0 when unreadable.
int64_t ParseS3Time(std::string_view text);

}  // namespace silt::s3
