// cloudfront: Amazon CloudFront standard (legacy) access logs.
//
// Written to the AWS specification ("Standard log file fields" in the CloudFront developer
// guide): W3C extended log format, tab-separated, one request per line, '-' for absent values.
// Each log object starts with '#Version: 1.0' and a '#Fields:' header naming the fields of its
// lines; the field list has grown from 12 fields (date ... cs-uri-query) in the oldest logs to
// 33 today. The parser reads every object by its own '#Fields' header (so it keeps per-object
// state: reset in BeginObject, header lines are skipped, Preamble() returns the current
// '#Fields:' line), falls back to AWS's documented 33-field order for lines without a header,
// and ignores fields it does not know.
//
// Two stages per line: the tokenizer finds the tab-separated field boundaries, then each
// field is decoded to its type by the column the header maps it to. CloudFront URL-encodes
// spaces, control and non-ASCII bytes and a set of characters (among them '%') in every field
// value; text values are decoded once, which gives the value as the viewer sent it. Column
// reference: docs/formats/cloudfront.md.
#pragma once

#include "silt/formats/format.h"

namespace silt::formats {

class CloudFrontFormat final : public Format {
 public:
  CloudFrontFormat();
  std::string_view name() const override { return "cloudfront"; }
  std::string_view description() const override {
    return "Amazon CloudFront standard (legacy) access logs (W3C, tab-separated, 12 to 33+ fields)";
  }
  const Schema& schema() const override { return schema_; }
  std::string_view time_column() const override { return "request_time"; }
  // Each object's '#Fields' header names the fields of the lines after it.
  bool splittable() const override { return false; }
  // AWS names log objects <optional prefix>/<distribution ID>.YYYY-MM-DD-HH.<unique ID>.gz,
  // the hour (UTC) in which the requests in it occurred: the hint is that hour's start.
  std::optional<int64_t> TimeHintFromKey(std::string_view key) const override;
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;

  // Column indices, in schema order (the order of the 33 standard fields; date and time are
  // one column).
  enum Col : int {
    kRequestTime = 0, kEdgeLocation, kScBytes, kClientIp, kCsMethod, kCsHost, kCsUriStem,
    kScStatus, kCsReferer, kCsUserAgent, kCsUriQuery, kCsCookie, kEdgeResultType,
    kEdgeRequestId, kHostHeader, kCsProtocol, kCsBytes, kTimeTaken, kXForwardedFor,
    kSslProtocol, kSslCipher, kEdgeResponseResultType, kCsProtocolVersion, kFleStatus,
    kFleEncryptedFields, kClientPort, kTimeToFirstByte, kEdgeDetailedResultType,
    kScContentType, kScContentLen, kScRangeStart, kScRangeEnd,
    kColumnCount
  };

 private:
  Schema schema_;
};

}  // namespace silt::formats
