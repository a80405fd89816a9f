#include "silt/s3/sigv4.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "silt/s3/crypto.h"

namespace silt::s3 {

std::string HostOf(std::string_view endpoint) {
  bool https = endpoint.starts_with("https://");
  size_t p = endpoint.find("://");
  std::string_view rest = p == std::string_view::npos ? endpoint : endpoint.substr(p + 3);
  size_t slash = rest.find('/');
  if (slash != std::string_view::npos) rest = rest.substr(0, slash);
  // Drop a default port: curl does not send it in Host either.
  if (https && rest.ends_with(":443")) rest.remove_suffix(4);
  if (!https && rest.ends_with(":80")) rest.remove_suffix(3);
  return std::string(rest);
}

std::string AmzDate(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

namespace {

std::string Trim(std::string_view v) {
  // Trims and collapses runs of spaces, as the canonical form wants.
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string CanonicalRequest(const HttpRequest& request, std::string_view host,
                             std::string_view payload_hash, std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> q;
  q.reserve(request.query.size());
  for (const auto& [k, v] : request.query) q.emplace_back(UriEncode(k, false), UriEncode(v, false));
  std::sort(q.begin(), q.end());
  std::string query;
  for (const auto& [k, v] : q) {
    if (!query.empty()) query += '&';
    query += k;
    query += '=';
    query += v;
  }
  std::vector<std::pair<std::string, std::string>> h;
  h.emplace_back("host", std::string(host));
  for (const auto& [k, v] : request.headers) {
    if (k == "host" || k == "authorization") continue;
    h.emplace_back(k, Trim(v));
  }
  std::sort(h.begin(), h.end());
  std::string headers;
  signed_headers->clear();
  for (const auto& [k, v] : h) {
    headers += k;
    headers += ':';
    headers += v;
    headers += '\n';
    if (!signed_headers->empty()) *signed_headers += ';';
    *signed_headers += k;
  }
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method,
                     request.path.empty() ? "/" : request.path, query, headers, *signed_headers,
                     payload_hash);
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  return fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date, scope,
                     HexLower(Sha256(canonical_request)));
}

void SignV4(HttpRequest& request, const SigningKey& key, std::string_view region,
            std::string_view service, std::string_view payload_hash, int64_t unix_seconds) {
  const std::string amz_date = AmzDate(unix_seconds);
  const std::string date = amz_date.substr(0, 8);
  request.SetHeader("x-amz-date", amz_date);
  request.SetHeader("x-amz-content-sha256", std::string(payload_hash));
  if (!key.session_token.empty()) request.SetHeader("x-amz-security-token", key.session_token);
  std::string signed_headers;
  const std::string canonical =
      CanonicalRequest(request, HostOf(request.endpoint), payload_hash, &signed_headers);
  const std::string scope = fmt::format("{}/{}/{}/aws4_request", date, region, service);
  const std::string to_sign = StringToSign(amz_date, scope, canonical);
  Sha256Digest k = HmacSha256("AWS4" + key.secret_access_key, date);
  auto step = [&](std::string_view data) {
    k = HmacSha256(std::string_view(reinterpret_cast<const char*>(k.data()), k.size()), data);
  };
  step(region);
  step(service);
  step("aws4_request");
  step(to_sign);
  request.SetHeader("authorization",
                    fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                                key.access_key_id, scope, signed_headers, HexLower(k)));
}

}  // namespace silt::s3
