#include "silt/s3/client.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "silt/common/interrupt.h"
#include "silt/common/parallel.h"
#include "silt/common/strings.h"
#include "silt/s3/crypto.h"
#include "silt/s3/sigv4.h"
#include "silt/s3/xml.h"

namespace silt::s3 {

namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string StripQuotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  // Some servers write &quot; inside XML, decoded already by the XML reader.
  return s;
}

bool IsMd5Etag(std::string_view etag) {
  if (etag.size() != 32) return false;
  for (char c : etag) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// True when the ETag of this response is the MD5 of the object's bytes: a single-part object
// stored without SSE-KMS or SSE-C (their ETags are 32 hex digits too, but not the MD5).
bool EtagIsMd5(const HttpResponse& r, std::string_view etag) {
  if (!IsMd5Etag(etag)) return false;
  if (r.Header("x-amz-server-side-encryption").starts_with("aws:kms")) return false;
  return r.Header("x-amz-server-side-encryption-customer-algorithm").empty();
}

// S3 list results are requested with encoding-type=url: keys come back percent-encoded.
std::string DecodeKey(const std::string& s, bool url_encoded) {
  if (!url_encoded) return s;
  std::string out;
  if (!UrlDecode(s, &out)) return s;
  return out;
}

constexpr std::string_view kRetriableCodes[] = {
    "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling",
    "ThrottlingException", "RequestThrottled", "BadDigest", "XAmzContentSHA256Mismatch", "ExpiredToken",
    "RequestTimeTooSkewed", "OperationAborted"};

bool RetriableCode(std::string_view code) {
  return std::find(std::begin(kRetriableCodes), std::end(kRetriableCodes), code) !=
         std::end(kRetriableCodes);
}

class SlotGuard {
 public:
  SlotGuard(std::mutex& mu, std::condition_variable& cv, int& free) : mu_(mu), cv_(cv), free_(free) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  ~SlotGuard() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex& mu_;
  std::condition_variable& cv_;
  int& free_;
};

}  // namespace

int64_t ParseS3Time(std::string_view text) {
  std::string s(text);
  struct tm tm {};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  int64_t micros = 0;
  if (rest == nullptr) {
    rest = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
    if (rest == nullptr) return 0;
  } else if (*rest == '.') {
    int64_t scale = 100000;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest) {
      micros += (*rest - '0') * scale;
      scale /= 10;
    }
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000000 + micros;
}

Result<std::shared_ptr<S3Client>> S3Client::Make(const S3Settings& settings,
                                                 std::shared_ptr<HttpTransport> transport) {
  if (transport == nullptr) {
    TransportOptions t;
    t.connect_timeout_ms = settings.connect_timeout_ms;
    t.verify_tls = settings.verify_tls;
    transport = MakeCurlTransport(t);
  }
  SILT_ASSIGN_OR_RETURN(auto creds, MakeCredentials(settings, transport));
  return std::make_shared<S3Client>(settings, std::move(transport), std::move(creds));
}

S3Client::S3Client(S3Settings settings, std::shared_ptr<HttpTransport> transport,
                   std::shared_ptr<CredentialsProvider> credentials)
    : settings_(std::move(settings)),
      endpoint_(settings_.EffectiveEndpoint()),
      transport_(std::move(transport)),
      credentials_(std::move(credentials)),
      slots_free_(std::max(1, settings_.max_connections)) {}

std::string S3Client::Where(const Call& call) const {
  return fmt::format("S3 {} s3://{}/{} at {}", call.op, call.bucket, call.key, endpoint_);
}

HttpRequest S3Client::Build(const Call& call) const {
  HttpRequest r;
  r.method = call.method;
  const std::string encoded_key = UriEncode(call.key, true);
  if (settings_.UsePathStyle() || call.bucket.empty()) {
    r.endpoint = endpoint_;
    r.path = "/" + UriEncode(call.bucket, false);
    if (!call.key.empty()) r.path += "/" + encoded_key;
    if (call.key.empty() && !call.bucket.empty()) r.path += "/";
  } else {
    size_t p = endpoint_.find("://");
    r.endpoint = endpoint_.substr(0, p + 3) + call.bucket + "." + endpoint_.substr(p + 3);
    r.path = "/" + encoded_key;
  }
  r.query = call.query;
  r.headers = call.headers;
  if (!call.content_md5.empty()) r.SetHeader("content-md5", call.content_md5);
  if (!call.body.file.empty()) {
    r.body_file = call.body.file;
    r.body_file_offset = call.body.offset;
    r.body_file_length = call.body.length;
  } else {
    r.body = call.body.data;
  }
  return r;
}

void S3Client::Backoff(int attempt) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  int64_t cap = std::min<int64_t>(settings_.max_backoff_ms,
                                  static_cast<int64_t>(settings_.base_backoff_ms) << std::min(attempt, 20));
  std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(cap, 1));
  // In slices, so that Ctrl-C does not wait out a long backoff.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(dist(rng));
  while (!interrupt::Stopping() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        until - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
  }
}

Status S3Client::ErrorFor(const Call& call, const HttpResponse& r, std::string_view code,
                          std::string_view message, const std::string& access_key) const {
  std::string msg = fmt::format("{}: HTTP {}", Where(call), r.status);
  if (!code.empty()) msg += fmt::format(" {}", code);
  if (!message.empty()) msg += fmt::format(": {}", message);
  if (code == "NoSuchKey" || (r.status == 404 && code.empty() && !call.key.empty())) {
    return Status::NotFound(fmt::format("no such object: s3://{}/{} ({})", call.bucket, call.key, msg));
  }
  if (code == "NoSuchBucket") {
    return Status::NotFound(fmt::format("no such bucket: {} ({})", call.bucket, msg));
  }
  if (r.status == 404) return Status::NotFound(msg);
  if (r.status == 412 || code == "PreconditionFailed") return Status::PreconditionFailed(msg);
  if (r.status == 403 || r.status == 401 || code == "InvalidAccessKeyId" ||
      code == "SignatureDoesNotMatch" || code == "AccessDenied") {
    return Status::PermissionDenied(fmt::format(
        "{} (access key id {}, from {}; check the secret key, the region '{}' and the "
        "endpoint)",
        msg, access_key.empty() ? "none: anonymous" : access_key, credentials_->Describe(),
        settings_.EffectiveRegion()));
  }
  if (r.status == 501 || code == "NotImplemented") {
    return Status::InvalidArgument(msg + " (not supported by this server)");
  }
  if (r.status == 400 || r.status == 409 || r.status == 411 || r.status == 416) {
    return Status::InvalidArgument(msg);
  }
  return Status::IoError(msg);
}

Status S3Client::Execute(const Call& call, HttpResponse* response, int* attempts_made) {
  Status last;
  std::string payload_hash;
  if (call.body.file.empty() && call.body.data.size() <= (1u << 20)) {
    payload_hash = HexLower(Sha256(call.body.data));
  } else {
    payload_hash = std::string(kUnsignedPayload);  // integrity from Content-MD5
  }
  const int attempts = std::max(1, settings_.max_attempts);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempts_made != nullptr) *attempts_made = attempt + 1;
    if (attempt > 0) {
      stats_.retries.fetch_add(1, std::memory_order_relaxed);
      Backoff(attempt);
    }
    if (interrupt::Stopping()) return interrupt::AsStatus().WithContext(Where(call));
    auto key = credentials_->Get();
    if (!key.ok()) {
      if (IsRetriable(key.status()) && attempt + 1 < attempts) {
        last = key.status();
        continue;
      }
      return key.status().WithContext(Where(call));
    }
    HttpRequest req = Build(call);
    if (!settings_.anonymous) SignV4(req, *key, settings_.EffectiveRegion(), "s3", payload_hash, NowSeconds());
    Status st;
    {
      SlotGuard slot(slots_mu_, slots_cv_, slots_free_);
      stats_.requests.fetch_add(1, std::memory_order_relaxed);
      st = transport_->Send(req, response, call.sink);
    }
    stats_.bytes_out.fetch_add(req.body_size(), std::memory_order_relaxed);
    stats_.bytes_in.fetch_add(response->body_bytes, std::memory_order_relaxed);
    if (!st.ok()) {
      last = st.WithContext(fmt::format("{} (attempt {} of {})", Where(call), attempt + 1, attempts));
      if (IsRetriable(st)) continue;
      return last;
    }
    // A body shorter than announced: the connection broke mid-way.
    if (call.method != "HEAD") {
      std::string cl = response->Header("content-length");
      int64_t n = 0;
      if (!cl.empty() && ParseInt64(cl, &n) && static_cast<uint64_t>(n) != response->body_bytes) {
        last = Status::Unavailable(fmt::format("{}: body of {} bytes where {} were announced",
                                               Where(call), response->body_bytes, n));
        continue;
      }
    }
    if (response->status >= 200 && response->status < 300) {
      // CompleteMultipartUpload and CopyObject can fail inside a 200 answer.
      if (call.method == "POST" || (call.method == "PUT" && !call.headers.empty())) {
        std::string_view b = response->body;
        if (b.find("<Error>") != std::string_view::npos) {
          auto doc = ParseXml(b);
          if (doc.ok() && doc->name == "Error") {
            std::string code = doc->ChildText("Code");
            if (RetriableCode(code) || code.empty()) {
              last = Status::Unavailable(fmt::format("{}: {} inside a 200 answer", Where(call), code));
              continue;
            }
            return ErrorFor(call, *response, code, doc->ChildText("Message"), key->access_key_id);
          }
        }
      }
      return Status::OK();
    }
    std::string code, message;
    if (!response->body.empty()) {
      auto doc = ParseXml(response->body);
      if (doc.ok()) {
        code = doc->ChildText("Code");
        message = doc->ChildText("Message");
      }
    }
    if (code.empty()) code = response->Header("x-amz-error-code");
    const bool retriable = response->status >= 500 || response->status == 429 || RetriableCode(code);
    Status err = ErrorFor(call, *response, code, message, key->access_key_id);
    if (retriable) {
      last = Status::Unavailable(err.message());
      continue;
    }
    return err;
  }
  return last.code() == StatusCode::kUnavailable
             ? Status::Unavailable(fmt::format("{} (gave up after {} attempts)", last.message(), attempts))
             : last;
}

Result<std::string> S3Client::ContentMd5(const Body& body) const {
  SILT_ASSIGN_OR_RETURN(Md5Digest d, Md5Of(body));
  return Base64(d);
}

Result<Md5Digest> S3Client::Md5Of(const Body& body) const {
  if (body.file.empty()) return Md5(body.data);
  int fd = ::open(body.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open", body.file, errno);
  Md5Hasher h;
  std::vector<char> buf(1 << 20);
  uint64_t done = 0;
  while (done < body.length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), body.length - done));
    ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(body.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      ::close(fd);
      return ErrnoStatus("read", body.file, e);
    }
    h.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
    done += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return h.Finish();
}

void S3Client::ApplyWriteHeaders(Call& call, const WriteParams& params) const {
  const std::string& sc = params.storage_class.empty() ? settings_.storage_class : params.storage_class;
  if (!sc.empty()) call.headers.emplace_back("x-amz-storage-class", sc);
  if (!params.content_type.empty()) call.headers.emplace_back("content-type", params.content_type);
}

Result<ListResult> S3Client::ListObjectsV2(std::string_view bucket, std::string_view prefix,
                                           std::string_view delimiter, std::string_view token,
                                           int max_keys) {
  Call c{"LIST", "GET", std::string(bucket), "", {}, {}, {}, {}, nullptr};
  c.query = {{"list-type", "2"}, {"encoding-type", "url"}, {"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) c.query.emplace_back("prefix", std::string(prefix));
  if (!delimiter.empty()) c.query.emplace_back("delimiter", std::string(delimiter));
  if (!token.empty()) c.query.emplace_back("continuation-token", std::string(token));
  HttpResponse r;
  SILT_RETURN_IF_ERROR(Execute(c, &r));
  auto doc = ParseXml(r.body);
  if (!doc.ok()) return doc.status().WithContext(Where(c));
  const bool encoded = doc->ChildText("EncodingType") == "url";
  ListResult out;
  for (const XmlElement* e : doc->Children("Contents")) {
    ObjectInfo o;
    o.key = DecodeKey(e->ChildText("Key"), encoded);
    int64_t size = 0;
    if (!ParseInt64(e->ChildText("Size"), &size) || size < 0) {
      return Status::Corruption(fmt::format("{}: bad Size for {}", Where(c), o.key));
    }
    o.size = static_cast<uint64_t>(size);
    o.mtime_us = ParseS3Time(e->ChildText("LastModified"));
    o.etag = StripQuotes(e->ChildText("ETag"));
    o.storage_class = e->ChildText("StorageClass");
    out.objects.push_back(std::move(o));
  }
  for (const XmlElement* e : doc->Children("CommonPrefixes")) {
    out.common_prefixes.push_back(DecodeKey(e->ChildText("Prefix"), encoded));
  }
  if (doc->ChildText("IsTruncated") == "true") {
    out.next_token = doc->ChildText("NextContinuationToken");
    if (out.next_token.empty()) {
      return Status::Corruption(fmt::format("{}: truncated listing without a continuation token", Where(c)));
    }
  }
  return out;
}

Result<ObjectInfo> S3Client::HeadObject(std::string_view bucket, std::string_view key) {
  Call c{"HEAD", "HEAD", std::string(bucket), std::string(key), {}, {}, {}, {}, nullptr};
  HttpResponse r;
  SILT_RETURN_IF_ERROR(Execute(c, &r));
  ObjectInfo o;
  o.key = std::string(key);
  int64_t n = 0;
  if (!ParseInt64(r.Header("content-length"), &n) || n < 0) {
    return Status::Corruption(fmt::format("{}: no Content-Length", Where(c)));
  }
  o.size = static_cast<uint64_t>(n);
  o.etag = StripQuotes(r.Header("etag"));
  o.mtime_us = ParseS3Time(r.Header("last-modified"));
  o.storage_class = r.Header("x-amz-storage-class");
  return o;
}

Result<size_t> S3Client::GetRange(std::string_view bucket, std::string_view key, uint64_t offset,
                                  size_t length, char* out, std::string_view if_match) {
  if (length == 0) return size_t{0};
  BodySink sink{out, length};
  Call c{"GET", "GET", std::string(bucket), std::string(key), {}, {}, {}, {}, &sink};
  c.headers.emplace_back("range", fmt::format("bytes={}-{}", offset, offset + length - 1));
  if (!if_match.empty()) c.headers.emplace_back("if-match", fmt::format("\"{}\"", if_match));
  HttpResponse r;
  Status st = Execute(c, &r);
  if (!st.ok()) {
    if (r.status == 416) return size_t{0};  // offset at or past the end
    return st;
  }
  if (r.status == 200 && offset != 0) {
    // The server ignored the range and sent everything: not what was asked for.
    return Status::Corruption(fmt::format("{}: server ignored the Range header", Where(c)));
  }
  return static_cast<size_t>(r.body_bytes);
}

Result<std::string> S3Client::GetObject(std::string_view bucket, std::string_view key) {
  Call c{"GET", "GET", std::string(bucket), std::string(key), {}, {}, {}, {}, nullptr};
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    HttpResponse r;
    SILT_RETURN_IF_ERROR(Execute(c, &r));
    std::string etag = StripQuotes(r.Header("etag"));
    if (!EtagIsMd5(r, etag) || HexLower(Md5(r.body)) == etag) return std::move(r.body);
    last = Status::Corruption(fmt::format("{}: body does not match its MD5 ETag {}", Where(c), etag));
  }
  return last;
}

Result<ObjectInfo> S3Client::PutObject(std::string_view bucket, std::string_view key,
                                       const Body& body, const WriteParams& params) {
  Call c{"PUT", "PUT", std::string(bucket), std::string(key), {}, {}, body, {}, nullptr};
  SILT_ASSIGN_OR_RETURN(Md5Digest md5, Md5Of(body));
  c.content_md5 = Base64(md5);
  const std::string want_etag = HexLower(md5);
  if (params.if_none_match) c.headers.emplace_back("if-none-match", "*");
  ApplyWriteHeaders(c, params);
  HttpResponse r;
  int attempts = 0;
  Status st = Execute(c, &r, &attempts);
  if (!st.ok()) {
    // A retried conditional create whose first attempt landed: the object is ours.
    if (st.code() == StatusCode::kPreconditionFailed && params.if_none_match && attempts > 1) {
      auto head = HeadObject(bucket, key);
      if (head.ok() && head->etag == want_etag && head->size == body.size()) return *head;
    }
    if (st.code() == StatusCode::kPreconditionFailed && params.if_none_match) {
      return Status::AlreadyExists(fmt::format("s3://{}/{} exists ({})", bucket, key, st.message()));
    }
    return st;
  }
  ObjectInfo o;
  o.key = std::string(key);
  o.size = body.size();
  o.etag = StripQuotes(r.Header("etag"));
  if (EtagIsMd5(r, o.etag) && o.etag != want_etag) {
    return Status::Corruption(fmt::format("{}: stored ETag {} is not the MD5 {} of what was sent",
                                          Where(c), o.etag, want_etag));
  }
  o.mtime_us = NowSeconds() * 1000000;
  return o;
}

Status S3Client::DeleteObjects(std::string_view bucket, const std::vector<std::string>& keys) {
  for (size_t begin = 0; begin < keys.size(); begin += 1000) {
    size_t end = std::min(keys.size(), begin + 1000);
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
    for (size_t i = begin; i < end; ++i) {
      xml += "<Object><Key>" + XmlEscape(keys[i]) + "</Key></Object>";
    }
    xml += "</Delete>";
    Call c{"DELETE", "POST", std::string(bucket), "", {{"delete", ""}}, {}, Body::Memory(xml), {}, nullptr};
    c.content_md5 = Base64(Md5(xml));
    c.headers.emplace_back("content-type", "application/xml");
    HttpResponse r;
    SILT_RETURN_IF_ERROR(Execute(c, &r));
    auto doc = ParseXml(r.body);
    if (!doc.ok()) return doc.status().WithContext(Where(c));
    for (const XmlElement* e : doc->Children("Error")) {
      std::string code = e->ChildText("Code");
      if (code == "NoSuchKey") continue;
      return Status::IoError(fmt::format("S3 DELETE s3://{}/{} at {}: {} {}", bucket,
                                         e->ChildText("Key"), endpoint_, code,
                                         e->ChildText("Message")));
    }
  }
  return Status::OK();
}

Result<ObjectInfo> S3Client::CopyObject(std::string_view bucket, std::string_view from,
                                        std::string_view to, const WriteParams& params) {
  Call c{"COPY", "PUT", std::string(bucket), std::string(to), {}, {}, {}, {}, nullptr};
  c.headers.emplace_back("x-amz-copy-source",
                         "/" + UriEncode(bucket, false) + "/" + UriEncode(from, true));
  if (params.if_none_match) c.headers.emplace_back("if-none-match", "*");
  ApplyWriteHeaders(c, params);
  HttpResponse r;
  Status st = Execute(c, &r);
  if (!st.ok()) {
    if (st.IsNotFound()) {
      return Status::NotFound(fmt::format("no such object: s3://{}/{} (copy source)", bucket, from));
    }
    return st;
  }
  auto doc = ParseXml(r.body);
  if (!doc.ok()) return doc.status().WithContext(Where(c));
  return HeadObject(bucket, to);
}

Result<std::string> S3Client::CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                                    const WriteParams& params) {
  Call c{"CREATE-MULTIPART", "POST", std::string(bucket), std::string(key), {{"uploads", ""}}, {}, {}, {}, nullptr};
  ApplyWriteHeaders(c, params);
  HttpResponse r;
  SILT_RETURN_IF_ERROR(Execute(c, &r));
  auto doc = ParseXml(r.body);
  if (!doc.ok()) return doc.status().WithContext(Where(c));
  std::string id = doc->ChildText("UploadId");
  if (id.empty()) return Status::Corruption(fmt::format("{}: no UploadId in the answer", Where(c)));
  return id;
}

Result<std::string> S3Client::UploadPart(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id, int part_number,
                                         const Body& body) {
  Call c{"PUT-PART", "PUT", std::string(bucket), std::string(key),
         {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}},
         {}, body, {}, nullptr};
  SILT_ASSIGN_OR_RETURN(c.content_md5, ContentMd5(body));
  HttpResponse r;
  SILT_RETURN_IF_ERROR(Execute(c, &r));
  std::string etag = StripQuotes(r.Header("etag"));
  if (etag.empty()) return Status::Corruption(fmt::format("{}: part {} has no ETag", Where(c), part_number));
  return etag;
}

Result<std::string> S3Client::UploadPartCopy(std::string_view bucket, std::string_view key,
                                             std::string_view upload_id, int part_number,
                                             std::string_view source_key, uint64_t first,
                                             uint64_t last) {
  Call c{"COPY-PART", "PUT", std::string(bucket), std::string(key),
         {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}},
         {}, {}, {}, nullptr};
  c.headers.emplace_back("x-amz-copy-source",
                         "/" + UriEncode(bucket, false) + "/" + UriEncode(source_key, true));
  c.headers.emplace_back("x-amz-copy-source-range", fmt::format("bytes={}-{}", first, last));
  HttpResponse r;
  SILT_RETURN_IF_ERROR(Execute(c, &r));
  auto doc = ParseXml(r.body);
  if (!doc.ok()) return doc.status().WithContext(Where(c));
  std::string etag = StripQuotes(doc->ChildText("ETag"));
  if (etag.empty()) return Status::Corruption(fmt::format("{}: copied part has no ETag", Where(c)));
  return etag;
}

Result<ObjectInfo> S3Client::CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                                     std::string_view upload_id,
                                                     const std::vector<std::string>& parts,
                                                     bool if_none_match) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < parts.size(); ++i) {
    xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>\"{}\"</ETag></Part>", i + 1,
                       XmlEscape(parts[i]));
  }
  xml += "</CompleteMultipartUpload>";
  Call c{"COMPLETE-MULTIPART", "POST", std::string(bucket), std::string(key),
         {{"uploadId", std::string(upload_id)}}, {}, Body::Memory(xml), {}, nullptr};
  c.headers.emplace_back("content-type", "application/xml");
  if (if_none_match) c.headers.emplace_back("if-none-match", "*");
  // The ETag S3 gives a multipart object: MD5 of the parts' binary MD5s, "-<count>".
  std::string raw;
  for (const std::string& p : parts) {
    for (size_t i = 0; i + 1 < p.size(); i += 2) {
      raw += static_cast<char>(std::stoi(p.substr(i, 2), nullptr, 16));
    }
  }
  const std::string expected = fmt::format("{}-{}", HexLower(Md5(raw)), parts.size());
  HttpResponse r;
  int attempts = 0;
  Status st = Execute(c, &r, &attempts);
  if (!st.ok()) {
    // A retried completion that the server had already applied answers NoSuchUpload.
    if (st.IsNotFound() && attempts > 1) {
      auto head = HeadObject(bucket, key);
      if (head.ok() && head->etag == expected) return *head;
    }
    if (st.code() == StatusCode::kPreconditionFailed && if_none_match) {
      return Status::AlreadyExists(fmt::format("s3://{}/{} exists ({})", bucket, key, st.message()));
    }
    return st;
  }
  auto doc = ParseXml(r.body);
  if (!doc.ok()) return doc.status().WithContext(Where(c));
  ObjectInfo o;
  o.key = std::string(key);
  o.etag = StripQuotes(doc->ChildText("ETag"));
  if (o.etag.empty()) o.etag = expected;
  o.mtime_us = NowSeconds() * 1000000;
  return o;
}

Status S3Client::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) {
  Call c{"ABORT-MULTIPART", "DELETE", std::string(bucket), std::string(key),
         {{"uploadId", std::string(upload_id)}}, {}, {}, {}, nullptr};
  HttpResponse r;
  Status st = Execute(c, &r);
  if (st.IsNotFound()) return Status::OK();  // already gone
  return st;
}

Result<std::vector<UploadId>> S3Client::ListMultipartUploads(std::string_view bucket,
                                                             std::string_view prefix) {
  std::vector<UploadId> out;
  std::string key_marker, id_marker;
  while (true) {
    Call c{"LIST-MULTIPART", "GET", std::string(bucket), "", {{"uploads", ""}}, {}, {}, {}, nullptr};
    if (!prefix.empty()) c.query.emplace_back("prefix", std::string(prefix));
    if (!key_marker.empty()) {
      c.query.emplace_back("key-marker", key_marker);
      c.query.emplace_back("upload-id-marker", id_marker);
    }
    HttpResponse r;
    SILT_RETURN_IF_ERROR(Execute(c, &r));
    auto doc = ParseXml(r.body);
    if (!doc.ok()) return doc.status().WithContext(Where(c));
    for (const XmlElement* e : doc->Children("Upload")) {
      out.push_back({e->ChildText("Key"), e->ChildText("UploadId")});
    }
    if (doc->ChildText("IsTruncated") != "true") break;
    key_marker = doc->ChildText("NextKeyMarker");
    id_marker = doc->ChildText("NextUploadIdMarker");
    if (key_marker.empty()) break;
  }
  return out;
}

Result<ObjectInfo> S3Client::Upload(std::string_view bucket, std::string_view key,
                                    const Body& body, const WriteParams& params) {
  const uint64_t size = body.size();
  if (size <= settings_.multipart_threshold) return PutObject(bucket, key, body, params);
  const uint64_t part_size = std::max<uint64_t>(settings_.part_size, (size + 9999) / 10000);
  const int parts = static_cast<int>((size + part_size - 1) / part_size);
  const bool cleaning_up = interrupt::InCleanup();
  SILT_ASSIGN_OR_RETURN(const std::string upload_id, BeginMultipart(bucket, key, params));
  std::vector<std::string> etags(parts);
  Status first_error = interrupt::Stopping() ? interrupt::AsStatus() : Status::OK();
  if (first_error.ok()) {
    const int threads = std::clamp(settings_.max_connections / 2, 1, parts);
    const ParallelOptions pool{static_cast<unsigned>(threads), 1};
    first_error = ParallelFor(parts, pool, [&](size_t i, unsigned) -> Status {
      // Parts of an upload made while cleaning up (a run's manifest) are cleaning up too.
      std::optional<interrupt::CleanupScope> inherited;
      if (cleaning_up) inherited.emplace();
      const uint64_t off = i * part_size;
      const uint64_t len = std::min(part_size, size - off);
      Body piece = body.file.empty() ? Body::Memory(body.data.substr(off, len))
                                     : Body::File(body.file, body.offset + off, len);
      const int number = static_cast<int>(i) + 1;
      SILT_ASSIGN_OR_RETURN(etags[i], UploadPart(bucket, key, upload_id, number, piece));
      return Status::OK();
    });
  }
  SILT_ASSIGN_OR_RETURN(ObjectInfo done, FinishMultipart(bucket, key, upload_id, first_error,
                                                         etags, params.if_none_match));
  done.size = size;
  return done;
}

Result<std::string> S3Client::BeginMultipart(std::string_view bucket, std::string_view key,
                                             const WriteParams& params) {
  interrupt::CleanupScope create;
  return CreateMultipartUpload(bucket, key, params);
}

Result<ObjectInfo> S3Client::FinishMultipart(std::string_view bucket, std::string_view key,
                                             const std::string& upload_id, const Status& parts_error,
                                             const std::vector<std::string>& etags,
                                             bool if_none_match) {
  interrupt::CleanupScope finish;
  Result<ObjectInfo> done =
      parts_error.ok() ? CompleteMultipartUpload(bucket, key, upload_id, etags, if_none_match)
                       : Result<ObjectInfo>(parts_error);
  if (done.ok()) return done;
  Status abort = AbortMultipartUpload(bucket, key, upload_id);
  Status err = done.status();
  if (!abort.ok()) {
    return Status(err.code(), fmt::format("{}; and aborting upload {} failed too: {}",
                                          err.message(), upload_id, abort.message()));
  }
  return err;
}

Result<ObjectInfo> S3Client::Copy(std::string_view bucket, std::string_view from,
                                  std::string_view to, const WriteParams& params) {
  SILT_ASSIGN_OR_RETURN(ObjectInfo src, HeadObject(bucket, from));
  if (src.size <= settings_.copy_threshold) return CopyObject(bucket, from, to, params);
  const uint64_t part_size = std::max<uint64_t>(std::max<uint64_t>(settings_.part_size, 64ull << 20),
                                                (src.size + 9999) / 10000);
  const int parts = static_cast<int>((src.size + part_size - 1) / part_size);
  SILT_ASSIGN_OR_RETURN(const std::string upload_id, BeginMultipart(bucket, to, params));
  std::vector<std::string> etags;
  Status err = interrupt::Stopping() ? interrupt::AsStatus() : Status::OK();
  for (int i = 0; i < parts && err.ok(); ++i) {
    uint64_t first = static_cast<uint64_t>(i) * part_size;
    uint64_t last = std::min(src.size, first + part_size) - 1;
    auto etag = UploadPartCopy(bucket, to, upload_id, i + 1, from, first, last);
    if (etag.ok()) etags.push_back(*etag);
    else err = etag.status();
  }
  SILT_ASSIGN_OR_RETURN(ObjectInfo done,
                        FinishMultipart(bucket, to, upload_id, err, etags, /*if_none_match=*/false));
  done.size = src.size;
  return done;
}

Status S3Client::CreateBucket(std::string_view bucket) {
  Call c{"CREATE-BUCKET", "PUT", std::string(bucket), "", {}, {}, {}, {}, nullptr};
  HttpResponse r;
  Status st = Execute(c, &r);
  if (!st.ok() && st.message().find("BucketAlreadyOwnedByYou") != std::string::npos) return Status::OK();
  return st;
}

Status S3Client::DeleteBucket(std::string_view bucket) {
  Call c{"DELETE-BUCKET", "DELETE", std::string(bucket), "", {}, {}, {}, {}, nullptr};
  HttpResponse r;
  return Execute(c, &r);
}

}  // namespace silt::s3
