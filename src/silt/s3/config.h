// Where an S3 store is and how to reach it, resolved the way AWS users expect:
//   built-in defaults
//   <- the AWS shared config file's profile (region, endpoint_url, s3.addressing_style)
//   <- environment (AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL,
//      AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)
//   <- silt's own config file ($SILT_CONFIG, else ~/.config/silt/config): sections named by an
//      s3:// URI prefix; the longest prefix matching the store's root applies
//   <- process-wide overrides (CLI flags such as --s3-role, --s3-endpoint).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"

namespace silt::s3 {

struct S3Settings {
  std::string endpoint;             // "" = AWS: https://s3.<region>.amazonaws.com
  std::string region;               // "" = us-east-1
  std::optional<bool> path_style;   // unset: path-style for custom endpoints, virtual-hosted on AWS
  std::string profile;              // AWS profile name ("" = AWS_PROFILE, else "default")
  std::string role_arn;             // assume this role (STS AssumeRole) for every request
  std::string role_session_name;    // default "silt-<pid>"
  std::string external_id;
  std::string sts_endpoint;         // "" = AWS_ENDPOINT_URL_STS, the custom S3 endpoint, or AWS
  std::string access_key_id;        // explicit keys (discouraged; prefer profiles)
  std::string secret_access_key;
  std::string session_token;
  bool anonymous = false;           // unsigned requests (public buckets)
  std::string storage_class;        // x-amz-storage-class for writes ("" = the bucket default)
  int max_connections = 16;         // requests in flight per store
  int max_attempts = 10;            // per request, retries included
  int base_backoff_ms = 50;         // full-jitter exponential backoff: base * 2^attempt, capped
  int max_backoff_ms = 5000;
  uint64_t multipart_threshold = 64ull << 20;  // PUTs larger than this use multipart upload
  uint64_t part_size = 16ull << 20;
  uint64_t copy_threshold = 5ull << 30;        // copies larger than this use UploadPartCopy
  uint64_t read_ahead = 8ull << 20;            // bytes fetched ahead by streaming readers
  bool verify_tls = true;
  int connect_timeout_ms = 5000;

  // The effective values.
  std::string EffectiveRegion() const { return region.empty() ? "us-east-1" : region; }
  std::string EffectiveEndpoint() const;
  bool UsePathStyle() const;
};

// Process-wide overrides, applied last (set once by the CLI before opening stores).
void SetGlobalOverrides(std::map<std::string, std::string> overrides);

// Applies one "key = value" setting (the names of silt's config file: endpoint, region,
// path_style, profile, role_arn, role_session_name, external_id, sts_endpoint,
// access_key_id, secret_access_key, session_token, anonymous, storage_class,
// max_connections, max_attempts, multipart_threshold, part_size, copy_threshold,
// read_ahead, verify_tls, connect_timeout_ms). InvalidArgument for unknown keys (with a
// did-you-mean) and bad values.
Status ApplySetting(S3Settings& settings, std::string_view key, std::string_view value);

// The settings for the store rooted at s3://<bucket>/<prefix>.
Result<S3Settings> ResolveSettings(std::string_view bucket, std::string_view prefix);

// --- INI files (AWS shared config/credentials, silt's config) ---------------------------
struct IniSection {
  std::string name;
  std::vector<std::pair<std::string, std::string>> values;  // nested "s3 =" keys as "s3.x"
  const std::string* Find(std::string_view key) const;
};
// Parses INI text; ParseError naming `source` and the line for malformed lines.
Result<std::vector<IniSection>> ParseIni(std::string_view text, std::string_view source);
// Reads and parses a file; an absent file is an empty list.
Result<std::vector<IniSection>> ReadIniFile(const std::string& path);

// Paths of the AWS shared files, honouring AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE.
std::string AwsConfigPath();
std::string AwsCredentialsPath();
// The section of `profile` in the config file ("default" or "profile <name>").
const IniSection* FindProfile(const std::vector<IniSection>& config, std::string_view profile);

}  // namespace silt::s3
