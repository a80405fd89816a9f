// AWS Signature Version 4 (header authorization), as S3 and STS expect it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "silt/s3/http.h"

namespace silt::s3 {

struct SigningKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

// The payload hash for bodies that are not hashed (allowed by S3 over any transport).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// Signs `request` in place: sets host-independent headers x-amz-date, x-amz-content-sha256
// (= `payload_hash`, a lowercase hex SHA-256 or kUnsignedPayload), x-amz-security-token when
// there is a session token, and Authorization. Signs "host" (taken from request.endpoint, with
// the port when it is not the scheme's default) and every header already in the request.
// `unix_seconds` is the signing time (tests pass a fixed one).
void SignV4(HttpRequest& request, const SigningKey& key, std::string_view region,
            std::string_view service, std::string_view payload_hash, int64_t unix_seconds);

// The pieces, exposed for tests against AWS's published examples.
std::string CanonicalRequest(const HttpRequest& request, std::string_view host,
                             std::string_view payload_hash, std::string* signed_headers);
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// "host[:port]" as sent in the Host header for `endpoint` ("https://s3.amazonaws.com").
std::string HostOf(std::string_view endpoint);

// "20130524T000000Z" for a Unix time.
std::string AmzDate(int64_t unix_seconds);

}  // namespace silt::s3
