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

class ElbFormat final : public elb::LbFormat {
 public:
  ElbFormat();
  std::string_view name() const override { return "elb"; }
  std::string_view description() const override {
    return "AWS Classic Load Balancer access logs (12 to 15+ fields)";
  }
  // ..._elasticloadbalancing_<region>_<lb-name>_<YYYYMMDDTHHMMZ>_<ip>_<random>.log: the end of
  // the 5- (or 60-) minute interval the object covers.
  // (Object names with this time are read by elb::LbFormat::TimeHintFromKey.)
};

}  // namespace silt::formats
