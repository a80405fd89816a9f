// clf and combined: the Common Log Format and the Combined Log Format, as written by Apache
// httpd (mod_log_config) and nginx (ngx_http_log_module).
//
// Written to the definitions: Apache's `common` is
//   %h %l %u %t "%r" %>s %b
// and `combined` is common followed by ` "%{Referer}i" "%{User-agent}i"` (nginx's predefined
// `combined` log_format is the same line). Variants read as well: a virtual host prefix
// (`%v:%p ...` as in Apache's vhost_combined, or `%v ...`), an X-Forwarded-For list in place of
// %h, IPv6 addresses, `-` for any absent value, Apache's and nginx's backslash escapes
// (\" \\ \xhh ...), and quoted values that hold unescaped quotes (nginx escape=none). Fields
// after the last defined one (%D, $request_time, ...) are tolerated and ignored.
//
// Two stages per line, like s3_access: a tokenizer finds the field boundaries, then each field
// is validated and decoded to its type. Column reference: docs/formats/clf.md and
// docs/formats/combined.md.
#pragma once

#include "silt/formats/format.h"

namespace silt::formats {

// `clf`: the common fields. Lines with more fields (combined lines, added fields) parse too,
// the extra fields ignored, so logs that mix layouts can be read whole with this format.
class ClfFormat final : public Format {
 public:
  ClfFormat();
  std::string_view name() const override { return "clf"; }
  std::string_view description() const override {
    return "Common Log Format (Apache/nginx `common`; vhost and X-Forwarded-For variants)";
  }
  const Schema& schema() const override { return schema_; }
  std::string_view time_column() const override { return "time"; }
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;

  // Column indices, in schema order.
  enum Col : int {
    kRemoteHost = 0, kIdent, kRemoteUser, kTime, kRequest, kStatus, kBytes,
    kVhost, kPort, kForwardedFor,
    // derived
    kRequestMethod, kRequestUri, kRequestProtocol,
    kColumnCount
  };

 private:
  Schema schema_;
};

// `combined`: the common fields, then the quoted referer and user agent, which every line must
// have (a line of the common layout is rejected, naming `clf`).
class CombinedFormat final : public Format {
 public:
  CombinedFormat();
  std::string_view name() const override { return "combined"; }
  std::string_view description() const override {
    return "Combined Log Format (Apache/nginx `combined`; vhost and X-Forwarded-For variants)";
  }
  const Schema& schema() const override { return schema_; }
  std::string_view time_column() const override { return "time"; }
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;

  // Column indices, in schema order.
  enum Col : int {
    kRemoteHost = 0, kIdent, kRemoteUser, kTime, kRequest, kStatus, kBytes,
    kReferer, kUserAgent,
    kVhost, kPort, kForwardedFor,
    // derived
    kRequestMethod, kRequestUri, kRequestProtocol,
    kColumnCount
  };

 private:
  Schema schema_;
};

}  // namespace silt::formats
