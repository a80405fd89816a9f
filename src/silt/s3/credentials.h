// Where the keys that sign requests come from, in the order the AWS CLI uses:
//   explicit keys in silt's config; a profile named in silt's config; the environment
//   (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); the profile AWS_PROFILE (or
//   "default") in ~/.aws/credentials and ~/.aws/config, including role_arn + source_profile.
// A role (role_arn in silt's config, or --s3-role) is then assumed through STS AssumeRole,
// and its temporary keys are refreshed before they expire.
// Secrets never appear in messages: errors name the access key id only.
#pragma once

#include <memory>
#include <string>

#include "silt/common/status.h"
#include "silt/s3/config.h"
#include "silt/s3/http.h"
#include "silt/s3/sigv4.h"

namespace silt::s3 {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current keys. Thread-safe; refreshing providers block one caller while they refresh.
  virtual Result<SigningKey> Get() = 0;
  // Where the keys come from, for messages: "environment", "profile prod", "role arn:...".
  virtual std::string Describe() const = 0;
};

// Fixed keys.
std::shared_ptr<CredentialsProvider> StaticCredentials(SigningKey key, std::string source);

// Assumes `role_arn` with keys from `base`, through the STS endpoint given (region `region`),
// and refreshes the temporary keys 5 minutes before they expire.
std::shared_ptr<CredentialsProvider> AssumeRoleCredentials(
    std::shared_ptr<CredentialsProvider> base, std::shared_ptr<HttpTransport> transport,
    std::string sts_endpoint, std::string region, std::string role_arn,
    std::string session_name, std::string external_id, int duration_s = 3600);

// The chain above for `settings`. NotFound (saying where silt looked) when no keys are found
// and the settings are not anonymous; an anonymous provider returns empty keys.
Result<std::shared_ptr<CredentialsProvider>> MakeCredentials(
    const S3Settings& settings, std::shared_ptr<HttpTransport> transport);

// The STS endpoint to use for `settings`.
std::string StsEndpoint(const S3Settings& settings);

}  // namespace silt::s3
