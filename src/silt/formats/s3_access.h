// s3_access: AWS S3 server access logs.
//
// Written to the AWS specification of the format ("Amazon S3 server access log format"), every
// generation of it: the oldest lines end after the user agent (17 fields, the bracketed time
// counting as one) or the version id (18); later ones add signature version, cipher suite,
// auth type, host header, TLS version (24), access point ARN, ACL required (26) and source
// region (27). Fields AWS may add in the future are tolerated and ignored.
//
// Two stages per line: the tokenizer finds field boundaries (space separated; the time in
// [brackets]; request URI, referer and user agent in "quotes" whose content may itself hold
// quotes, because AWS writes them as the client sent them), then each wanted field is decoded
// to its type ('-' is NULL). Column reference: docs/formats/s3_access.md.
#pragma once

#include "silt/formats/format.h"

namespace silt::formats {

class S3AccessFormat final : public Format {
 public:
  S3AccessFormat();
  std::string_view name() const override { return "s3_access"; }
  std::string_view description() const override {
    return "AWS S3 server access logs (every field generation, 17 to 27+ fields)";
  }
  const Schema& schema() const override { return schema_; }
  std::string_view time_column() const override { return "request_time"; }
  // AWS names log objects <prefix>YYYY-MM-DD-HH-MM-SS-<16 hex>: the delivery time, shortly
  // after the requests in it.
  std::optional<int64_t> TimeHintFromKey(std::string_view key) const override;
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;

  // Column indices, in schema order.
  enum Col : int {
    kBucketOwner = 0, kBucket, kRequestTime, kRemoteIp, kRequester, kRequestId, kOperation,
    kKey, kRequestUri, kHttpStatus, kErrorCode, kBytesSent, kObjectSize, kTotalTimeMs,
    kTurnAroundTimeMs, kReferer, kUserAgent, kVersionId, kHostId, kSignatureVersion,
    kCipherSuite, kAuthType, kHostHeader, kTlsVersion, kAccessPointArn, kAclRequired,
    kSourceRegion,
    // derived
    kRequestMethod, kKeyRaw,
    kColumnCount
  };

 private:
  Schema schema_;
};

// Parses "[06/Feb/2019:00:00:38 +0000]"'s inside ("06/Feb/2019:00:00:38 +0000", exactly 26
// bytes) into microseconds since the epoch, UTC. Returns false when malformed.
bool ParseClfTime(const char* p, int64_t* micros);

}  // namespace silt::formats
