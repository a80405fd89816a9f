#include "silt/formats/alb.h"

namespace silt::formats {

namespace {

using elb::ColumnDef;
using elb::Decode;
using elb::Layout;
using elb::Quoting;

// Field indices, in line order.
enum Field : int {
  kType = 0, kTime, kElb, kClient, kTarget, kRequestProcessingTime, kTargetProcessingTime,
  kResponseProcessingTime, kElbStatusCode, kTargetStatusCode, kReceivedBytes, kSentBytes,
  kRequest, kUserAgent, kSslCipher, kSslProtocol, kTargetGroupArn,
  // 17: the oldest lines end here
  kTraceId, kDomainName, kChosenCertArn, kMatchedRulePriority, kRequestCreationTime,
  kActionsExecuted, kRedirectUrl, kErrorReason, kTargetPortList, kTargetStatusCodeList,
  kClassification, kClassificationReason, kConnTraceId, kTransformedHost, kTransformedUri,
  kRequestTransformStatus,
  kFieldCount
};

Layout MakeLayout() {
  constexpr Quoting B = Quoting::kBare;
  constexpr Quoting Q = Quoting::kQuoted;
  return {{
              {"type", B},
              {"time", B},
              {"elb", B},
              {"client:port", B},
              {"target:port", B},
              {"request_processing_time", B},
              {"target_processing_time", B},
              {"response_processing_time", B},
              {"elb_status_code", B},
              {"target_status_code", B},
              {"received_bytes", B},
              {"sent_bytes", B},
              {"request", Q},
              {"user_agent", Q},
              {"ssl_cipher", B},
              {"ssl_protocol", B},
              {"target_group_arn", B},
              {"trace_id", Q},
              {"domain_name", Q},
              {"chosen_cert_arn", Q},
              {"matched_rule_priority", B},
              {"request_creation_time", B},
              {"actions_executed", Q},
              {"redirect_url", Q},
              {"error_reason", Q},
              {"target:port_list", Q},
              {"target_status_code_list", Q},
              {"classification", Q},
              {"classification_reason", Q},
              {"conn_trace_id", B},
              {"transformed_host", Q},
              {"transformed_uri", Q},
              {"request_transform_status", Q},
          },
          kTargetGroupArn + 1};
}

std::vector<ColumnDef> MakeColumns() {
  using T = ColumnType;
  using D = Decode;
  return {
      {"type", T::kVarchar, "Request or connection type: http, https, h2, grpcs, ws, wss",
       kType, D::kWord},
      {"time", T::kTimestampTz,
       "Time the load balancer generated the response (WebSockets: closed the connection), UTC",
       kTime, D::kTimeRequired},
      {"elb", T::kVarchar, "Resource ID of the load balancer, e.g. app/my-lb/50dc6c495c0c9188",
       kElb, D::kString},
      {"client_ip", T::kVarchar, "IP address (IPv4 or IPv6) of the requesting client", kClient,
       D::kIp},
      {"client_port", T::kInt32, "Port of the requesting client", kClient, D::kPort},
      {"target_ip", T::kVarchar,
       "IP address of the target that processed the request; NULL if none (not dispatched, "
       "Lambda target, blocked by WAF)",
       kTarget, D::kIp},
      {"target_port", T::kInt32, "Port of the target; NULL if none", kTarget, D::kPort},
      {"request_processing_time", T::kDouble,
       "Seconds from receiving the request to sending it to a target; NULL where ALB logs -1 "
       "(not dispatched)",
       kRequestProcessingTime, D::kSeconds},
      {"target_processing_time", T::kDouble,
       "Seconds from sending the request to the target until it started the response headers; "
       "NULL where ALB logs -1",
       kTargetProcessingTime, D::kSeconds},
      {"response_processing_time", T::kDouble,
       "Seconds from receiving the target's response headers to starting the response to the "
       "client; NULL where ALB logs -1",
       kResponseProcessingTime, D::kSeconds},
      {"elb_status_code", T::kInt32, "HTTP status code of the load balancer's response",
       kElbStatusCode, D::kStatus},
      {"target_status_code", T::kInt32,
       "HTTP status code of the target's response; NULL if the target sent none", kTargetStatusCode,
       D::kStatus},
      {"received_bytes", T::kInt64,
       "Bytes received from the client, headers included (WebSockets: for the connection)",
       kReceivedBytes, D::kCount},
      {"sent_bytes", T::kInt64,
       "Bytes sent to the client, headers included (WebSockets: for the connection)", kSentBytes,
       D::kCount},
      {"request", T::kVarchar,
       "Request line as logged: method protocol://host:port/uri version ('- - -' if unreadable)",
       kRequest, D::kString},
      {"user_agent", T::kVarchar, "User-Agent header (truncated by ALB past 8 KB)", kUserAgent,
       D::kString},
      {"ssl_cipher", T::kVarchar, "TLS cipher (OpenSSL name); NULL if not a TLS listener",
       kSslCipher, D::kString},
      {"ssl_protocol", T::kVarchar, "TLS protocol, e.g. TLSv1.2; NULL if not a TLS listener",
       kSslProtocol, D::kString},
      {"target_group_arn", T::kVarchar, "ARN of the target group; NULL if none", kTargetGroupArn,
       D::kString},
      {"trace_id", T::kVarchar, "Contents of the X-Amzn-Trace-Id header", kTraceId, D::kString},
      {"domain_name", T::kVarchar,
       "SNI domain the client sent in the TLS handshake; NULL if none or not TLS", kDomainName,
       D::kString},
      {"chosen_cert_arn", T::kVarchar,
       "ARN of the certificate presented to the client, or 'session-reused'; NULL if not TLS",
       kChosenCertArn, D::kString},
      {"matched_rule_priority", T::kInt32,
       "Priority of the rule that matched (1-50000; 0 = default action; -1 = error during rule "
       "evaluation); NULL for other errors",
       kMatchedRulePriority, D::kInt},
      {"request_creation_time", T::kTimestampTz,
       "Time the load balancer received the request from the client, UTC",
       kRequestCreationTime, D::kTime},
      {"actions_executed", T::kVarchar,
       "Comma-separated actions taken: waf, waf-failed, authenticate, redirect, fixed-response, "
       "forward, ...; NULL if none",
       kActionsExecuted, D::kString},
      {"redirect_url", T::kVarchar, "Redirect target of a redirect action; NULL if none",
       kRedirectUrl, D::kString},
      {"error_reason", T::kVarchar,
       "Error reason code (e.g. LambdaInvalidResponse, AuthInvalidCookie); NULL if none",
       kErrorReason, D::kString},
      {"target_port_list", T::kVarchar,
       "Space-separated ip:port of the targets that processed the request; NULL if none",
       kTargetPortList, D::kString},
      {"target_status_code_list", T::kVarchar,
       "Space-separated status codes of those targets' responses; NULL if none",
       kTargetStatusCodeList, D::kString},
      {"classification", T::kVarchar,
       "Desync mitigation classification: Acceptable, Ambiguous, Severe; NULL if compliant",
       kClassification, D::kString},
      {"classification_reason", T::kVarchar, "Classification reason code; NULL if compliant",
       kClassificationReason, D::kString},
      {"conn_trace_id", T::kVarchar,
       "Connection traceability ID (TID_...), matching the connection log", kConnTraceId,
       D::kString},
      {"transformed_host", T::kVarchar, "Host header after a rewrite transform; NULL if none",
       kTransformedHost, D::kString},
      {"transformed_uri", T::kVarchar, "URI after a rewrite transform; NULL if none",
       kTransformedUri, D::kString},
      {"request_transform_status", T::kVarchar, "Status of the rewrite transform; NULL if none",
       kRequestTransformStatus, D::kString},
      {"request_method", T::kVarchar, "Derived: HTTP method from request; NULL if '-'", kRequest,
       D::kMethod},
      {"request_url", T::kVarchar,
       "Derived: protocol://host:port/uri from request, as logged; NULL if '-'", kRequest,
       D::kUrl},
      {"request_protocol", T::kVarchar,
       "Derived: HTTP version from request, e.g. HTTP/1.1, HTTP/2.0; NULL if '-'", kRequest,
       D::kProtocol},
  };
}

static_assert(kFieldCount == 33);

}  // namespace

AlbFormat::AlbFormat()
    : elb::LbFormat(MakeLayout(), MakeColumns(), elb::LbKind::kApplication) {}

}  // namespace silt::formats
