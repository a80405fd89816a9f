// elb: Classic Load Balancer access logs.
//
// Written to the AWS specification ("Access logs for your Classic Load Balancer", Elastic Load
// Balancing user guide): space-separated fields, the request and user agent "quoted", '-' for
// absent values. The oldest lines end after the request (12 fields); user_agent, ssl_cipher
// and ssl_protocol were added later (15). Fields added after those are tolerated and ignored.
// Column reference: docs/formats/elb.md.
#pragma once

#include "silt/formats/elb_common.h"
#include "silt/formats/format.h"

namespace silt::formats {

class ElbFormat final : public Format {
 public:
  ElbFormat();
  std::string_view name() const override { return "elb"; }
  std::string_view description() const override {
    return "AWS Classic Load Balancer access logs (12 to 15+ fields)";
  }
  const Schema& schema() const override { return schema_; }
  std::string_view time_column() const override { return "time"; }
  // ..._elasticloadbalancing_<region>_<lb-name>_<YYYYMMDDTHHMMZ>_<ip>_<random>.log: the end of
  // the 5- (or 60-) minute interval the object covers.
  std::optional<int64_t> TimeHintFromKey(std::string_view key) const override;
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;

 private:
  elb::Layout layout_;
  std::vector<elb::ColumnDef> columns_;
  Schema schema_;
};

}  // namespace silt::formats
