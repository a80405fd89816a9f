// nlb: Network Load Balancer access logs (TLS listeners).
//
// Written to the AWS specification ("Access logs for your Network Load Balancer", Elastic Load
// Balancing user guide): one TLS connection per line, space-separated fields, '-' for absent
// values, new fields appended. Lines that end after domain_name (18 fields, before the ALPN
// fields were added), after alpn_client_preference_list (21) and after
// tls_connection_creation_time (22) are read; later fields are tolerated and ignored. Column
// reference: docs/formats/nlb.md.
#pragma once

#include "silt/formats/elb_common.h"
#include "silt/formats/format.h"

namespace silt::formats {

class NlbFormat final : public elb::LbFormat {
 public:
  NlbFormat();
  std::string_view name() const override { return "nlb"; }
  std::string_view description() const override {
    return "AWS Network Load Balancer TLS access logs (18 to 22+ fields)";
  }
  // ..._elasticloadbalancing_<region>_net.<lb>.<id>_<YYYYMMDDTHHMMZ>_<random>.log.gz: the end
  // of the 5-minute interval the object covers.
  // (Object names with this time are read by elb::LbFormat::TimeHintFromKey.)
};

}  // namespace silt::formats
