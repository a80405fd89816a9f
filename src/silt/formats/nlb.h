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

class NlbFormat final : public Format {
 public:
  NlbFormat();
  std::string_view name() const override { return "nlb"; }
  std::string_view description() const override {
    return "AWS Network Load Balancer TLS access logs (18 to 22+ fields)";
  }
  const Schema& schema() const override { return schema_; }
  std::string_view time_column() const override { return "time"; }
  // ..._elasticloadbalancing_<region>_net.<lb>.<id>_<YYYYMMDDTHHMMZ>_<random>.log.gz: the end
  // of the 5-minute interval the object covers.
  std::optional<int64_t> TimeHintFromKey(std::string_view key) const override;
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;

 private:
  elb::Layout layout_;
  std::vector<elb::ColumnDef> columns_;
  Schema schema_;
};

}  // namespace silt::formats
