#include "silt/s3/http.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "silt/common/interrupt.h"

namespace silt::s3 {

std::string UriEncode(std::string_view text, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 16);
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string HttpRequest::Url() const {
  std::string url = endpoint + path;
  char sep = '?';
  for (const auto& [k, v] : query) {
    url += sep;
    url += UriEncode(k, false);
    if (!v.empty() || k.empty()) {
      url += '=';
      url += UriEncode(v, false);
    } else {
      // S3 sub-resources ("?uploads", "?delete") are sent bare; the signer uses "name=".
    }
    sep = '&';
  }
  return url;
}

void HttpRequest::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string HttpResponse::Header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return {};
}

namespace {

struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  const BodySink* sink = nullptr;
  bool overflow = false;
  long status = 0;  // of the response being received (error bodies never go to the sink)
  // Request body reading.
  uint64_t sent = 0;
  int fd = -1;
  int read_errno = 0;
};

size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (t->sink != nullptr && t->status >= 200 && t->status < 300) {
    if (t->response->body_bytes + len > t->sink->capacity) {
      t->overflow = true;
      return 0;  // aborts the transfer
    }
    std::memcpy(t->sink->data + t->response->body_bytes, data, len);
  } else {
    t->response->body.append(data, len);
  }
  t->response->body_bytes += len;
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100 Continue or a redirect)
    size_t sp = line.find(' ');
    t->status = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  t->response->headers.emplace_back(std::move(name), std::string(value));
  return len;
}

size_t OnRead(char* out, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const HttpRequest& r = *t->request;
  uint64_t left = r.body_size() - t->sent;
  size_t want = static_cast<size_t>(std::min<uint64_t>(left, size * n));
  if (want == 0) return 0;
  if (r.has_file_body()) {
    ssize_t got;
    do {
      got = ::pread(t->fd, out, want, static_cast<off_t>(r.body_file_offset + t->sent));
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
      t->read_errno = got < 0 ? errno : EIO;
      return CURL_READFUNC_ABORT;
    }
    want = static_cast<size_t>(got);
  } else {
    std::memcpy(out, r.body.data() + t->sent, want);
  }
  t->sent += want;
  return want;
}

int OnSeek(void* user, curl_off_t offset, int origin) {
  // curl rewinds the body when it must resend it (a reused connection that was closed).
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 ||
      static_cast<uint64_t>(offset) > t->request->body_size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  t->sent = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

// Ctrl-C ends a transfer while its request body is still being sent, or while a GET's response
// arrives. A request whose body has been sent whole is left to finish: the server may already
// have acted on it (a PUT stored), and its answer is what tells.
int OnProgress(void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
  if (!interrupt::Stopping()) return 0;
  const HttpRequest& r = *static_cast<const HttpRequest*>(p);
  const uint64_t body = r.body_size();
  if (body > 0) return static_cast<uint64_t>(ulnow) < body ? 1 : 0;
  return r.method == "GET" ? 1 : 0;
}

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(TransportOptions options) : options_(std::move(options)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  ~CurlTransport() override {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }

  Status Send(const HttpRequest& request, HttpResponse* response,
              const BodySink* sink) override {
    *response = HttpResponse{};
    Transfer t;
    t.request = &request;
    t.response = response;
    t.sink = sink;
    if (request.has_file_body()) {
      t.fd = ::open(request.body_file.c_str(), O_RDONLY | O_CLOEXEC);
      if (t.fd < 0) return ErrnoStatus("open", request.body_file, errno);
    }
    CURL* h = Acquire();
    std::string url = request.Url();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time_s));
    if (options_.request_timeout_ms > 0) {
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
    }
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024);
    curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 1024L * 1024);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnWrite);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);

    const std::string& m = request.method;
    const bool has_body = request.body_size() > 0 || m == "PUT" || m == "POST";
    if (m == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (m == "PUT") {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_size()));
    } else if (m == "POST") {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body_size()));
    } else if (m != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
    }
    if (has_body) {
      curl_easy_setopt(h, CURLOPT_READFUNCTION, OnRead);
      curl_easy_setopt(h, CURLOPT_READDATA, &t);
      curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, OnSeek);
      curl_easy_setopt(h, CURLOPT_SEEKDATA, &t);
    }
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : request.headers) {
      headers = curl_slist_append(headers, fmt::format("{}: {}", k, v).c_str());
    }
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    if (m == "POST" && !HasHeader(request, "content-type")) {
      headers = curl_slist_append(headers, "Content-Type:");
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    // Ctrl-C ends a transfer in progress (curl calls this at least once a second).
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &request);

    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response->status);
    curl_slist_free_all(headers);
    if (t.fd >= 0) ::close(t.fd);
    Release(h, rc == CURLE_OK);

    if (rc == CURLE_OK) return Status::OK();
    if (rc == CURLE_ABORTED_BY_CALLBACK) return interrupt::AsStatus();
    std::string where = fmt::format("{} {}", request.method, request.endpoint + request.path);
    if (t.overflow) {
      return Status::Corruption(fmt::format(
          "{}: response body longer than the {} bytes expected", where, sink->capacity));
    }
    if (t.read_errno != 0) {
      return ErrnoStatus("read", request.body_file, t.read_errno);
    }
    if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
      return Status::InvalidArgument(fmt::format("{}: {}", where, curl_easy_strerror(rc)));
    }
    return Status::Unavailable(fmt::format("{}: {}", where, curl_easy_strerror(rc)));
  }

 private:
  static bool HasHeader(const HttpRequest& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return true;
    }
    return false;
  }

  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        curl_easy_reset(h);  // keeps the live connection and caches
        return h;
      }
    }
    return curl_easy_init();
  }

  void Release(CURL* h, bool reusable) {
    if (!reusable) {
      // A failed transfer may leave a broken connection behind: start afresh.
      curl_easy_cleanup(h);
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(h);
  }

  TransportOptions options_;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeCurlTransport(const TransportOptions& options) {
  return std::make_shared<CurlTransport>(options);
}

}  // namespace silt::s3
