// HTTP for the S3 client: a request/response model, the transport interface, and the libcurl
// transport. Retries, signing and error decoding live above this layer (client.h); a transport
// only moves one request and its response, so tests can wrap it (fault_transport.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "silt/common/status.h"

namespace silt::s3 {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string endpoint;  // scheme://host[:port], no trailing slash
  std::string path;      // URI-encoded absolute path ("/bucket/some%20key")
  // Query parameters, not encoded (the transport and the signer encode them). Sorted by the
  // signer; order does not matter to servers.
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;    // names in lowercase
  // The body: `body` (a view the caller keeps alive), or a byte range of a local file.
  std::string_view body;
  std::string body_file;
  uint64_t body_file_offset = 0;
  uint64_t body_file_length = 0;

  bool has_file_body() const { return !body_file.empty(); }
  uint64_t body_size() const { return has_file_body() ? body_file_length : body.size(); }
  // "http://127.0.0.1:7480/bucket/key?list-type=2&prefix=a"
  std::string Url() const;
  void SetHeader(std::string name, std::string value);
};

struct HttpResponse {
  long status = 0;
  HeaderList headers;  // names in lowercase, in arrival order
  std::string body;    // when no sink was given
  uint64_t body_bytes = 0;  // bytes of body received (into `body` or the sink)

  // The value of the last header named `name` (lowercase), or "".
  std::string Header(std::string_view name) const;
};

// Where a response body goes instead of HttpResponse::body: a caller buffer of fixed size.
// A body longer than the buffer is an error (Corruption), not a silent truncation.
struct BodySink {
  char* data = nullptr;
  size_t capacity = 0;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request and reads its whole response. Any HTTP status is a success here (the
  // caller interprets it); errors are for requests that got no complete response: Unavailable
  // for connection failures, resets, timeouts and short bodies (all retriable),
  // InvalidArgument for a malformed URL, IoError when a file body cannot be read.
  // Thread-safe.
  virtual Status Send(const HttpRequest& request, HttpResponse* response,
                      const BodySink* sink = nullptr) = 0;
};

struct TransportOptions {
  int connect_timeout_ms = 5000;
  // A transfer slower than 1 KiB/s for this long is aborted (a stalled connection).
  int low_speed_time_s = 30;
  // Whole-request limit (0 = none): large bodies may take long on slow links.
  int request_timeout_ms = 0;
  bool verify_tls = true;
  std::string ca_bundle;  // empty: the system's
};

std::shared_ptr<HttpTransport> MakeCurlTransport(const TransportOptions& options = {});

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - . _ ~)
// stay, everything else becomes %XX (uppercase hex); '/' stays when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);

}  // namespace silt::s3
