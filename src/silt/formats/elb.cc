#include "silt/formats/elb.h"

namespace silt::formats {

namespace {

using elb::ColumnDef;
using elb::Decode;
using elb::Layout;
using elb::Quoting;

// Field indices, in line order.
enum Field : int {
  kTime = 0, kElb, kClient, kBackend, kRequestProcessingTime, kBackendProcessingTime,
  kResponseProcessingTime, kElbStatusCode, kBackendStatusCode, kReceivedBytes, kSentBytes,
  kRequest,
  // 12: the oldest lines end here
  kUserAgent, kSslCipher, kSslProtocol,
  kFieldCount
};

Layout MakeLayout() {
  constexpr Quoting B = Quoting::kBare;
  constexpr Quoting Q = Quoting::kQuoted;
  return {{
              {"time", B},
              {"elb", B},
              {"client:port", B},
              {"backend:port", B},
              {"request_processing_time", B},
              {"backend_processing_time", B},
              {"response_processing_time", B},
              {"elb_status_code", B},
              {"backend_status_code", B},
              {"received_bytes", B},
              {"sent_bytes", B},
              {"request", Q},
              {"user_agent", Q},
              {"ssl_cipher", B},
              {"ssl_protocol", B},
          },
          kRequest + 1};
}

std::vector<ColumnDef> MakeColumns() {
  using T = ColumnType;
  using D = Decode;
  return {
      {"time", T::kTimestampTz,
       "Time the load balancer received the request from the client, UTC", kTime,
       D::kTimeRequired},
      {"elb", T::kVarchar, "Name of the load balancer", kElb, D::kString},
      {"client_ip", T::kVarchar, "IP address (IPv4 or IPv6) of the requesting client", kClient,
       D::kIp},
      {"client_port", T::kInt32, "Port of the requesting client", kClient, D::kPort},
      {"backend_ip", T::kVarchar,
       "IP address of the registered instance that processed the request; NULL if none",
       kBackend, D::kIp},
      {"backend_port", T::kInt32, "Port of that instance; NULL if none", kBackend, D::kPort},
      {"request_processing_time", T::kDouble,
       "HTTP: seconds from receiving the request to sending it to an instance; TCP: from "
       "accepting the connection to sending the first byte; NULL where ELB logs -1",
       kRequestProcessingTime, D::kSeconds},
      {"backend_processing_time", T::kDouble,
       "HTTP: seconds from sending the request to the instance until it started the response; "
       "TCP: to establish the backend connection; NULL where ELB logs -1",
       kBackendProcessingTime, D::kSeconds},
      {"response_processing_time", T::kDouble,
       "HTTP: seconds from receiving the instance's response headers to starting the response to "
       "the client; TCP: to the first byte back; NULL where ELB logs -1",
       kResponseProcessingTime, D::kSeconds},
      {"elb_status_code", T::kInt32,
       "HTTP status code of the load balancer's response; NULL for TCP listeners", kElbStatusCode,
       D::kStatus},
      {"backend_status_code", T::kInt32,
       "HTTP status code of the instance's response; NULL if none or TCP", kBackendStatusCode,
       D::kStatus},
      {"received_bytes", T::kInt64,
       "Bytes received from the client (HTTP listeners: the body, without headers)", kReceivedBytes,
       D::kCount},
      {"sent_bytes", T::kInt64, "Bytes sent to the client (HTTP listeners: the body, without headers)",
       kSentBytes, D::kCount},
      {"request", T::kVarchar,
       "Request line as logged: method protocol://host:port/uri version ('- - - ' for TCP)",
       kRequest, D::kString},
      {"user_agent", T::kVarchar, "User-Agent header; NULL for TCP listeners or older lines",
       kUserAgent, D::kString},
      {"ssl_cipher", T::kVarchar, "SSL/TLS cipher (OpenSSL name); NULL if not an HTTPS/SSL listener",
       kSslCipher, D::kString},
      {"ssl_protocol", T::kVarchar, "SSL/TLS protocol, e.g. TLSv1.2; NULL if not HTTPS/SSL",
       kSslProtocol, D::kString},
      {"request_method", T::kVarchar, "Derived: HTTP method from request; NULL if '-'", kRequest,
       D::kMethod},
      {"request_url", T::kVarchar,
       "Derived: protocol://host:port/uri from request, as logged; NULL if '-'", kRequest,
       D::kUrl},
      {"request_protocol", T::kVarchar, "Derived: HTTP version from request; NULL if '-'",
       kRequest, D::kProtocol},
  };
}

static_assert(kFieldCount == 15);

}  // namespace

ElbFormat::ElbFormat()
    : elb::LbFormat(MakeLayout(), MakeColumns(), elb::LbKind::kClassic) {}

}  // namespace silt::formats
