// alb: Application Load Balancer access logs.
//
// Written to the AWS specification ("Access logs for your Application Load Balancer", Elastic
// Load Balancing user guide): space-separated fields, some "quoted", '-' for absent values,
// fields appended over the years. Every generation is read: the oldest lines end after
// target_group_arn (17 fields), later ones add trace_id, domain_name, chosen_cert_arn,
// matched_rule_priority, request_creation_time, actions_executed, redirect_url, error_reason,
// target:port_list, target_status_code_list, classification, classification_reason,
// conn_trace_id, transformed_host, transformed_uri and request_transform_status (33); fields
// added after those are tolerated and ignored. Column reference: docs/formats/alb.md.
#pragma once

#include "silt/formats/elb_common.h"
#include "silt/formats/format.h"

namespace silt::formats {

class AlbFormat final : public elb::LbFormat {
 public:
  AlbFormat();
  std::string_view name() const override { return "alb"; }
  std::string_view description() const override {
    return "AWS Application Load Balancer access logs (every field generation, 17 to 33+ fields)";
  }
  // ..._elasticloadbalancing_<region>_app.<lb>.<id>_<YYYYMMDDTHHMMZ>_<ip>_<random>.log.gz:
  // the end of the 5-minute interval the object covers.
  // (Object names with this time are read by elb::LbFormat::TimeHintFromKey.)
};

}  // namespace silt::formats
