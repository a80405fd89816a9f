#include "silt/formats/nlb.h"

namespace silt::formats {

namespace {

using elb::ColumnDef;
using elb::Decode;
using elb::Layout;
using elb::Quoting;

// Field indices, in line order.
enum Field : int {
  kType = 0, kVersion, kTime, kElb, kListener, kClient, kDestination, kConnectionTime,
  kTlsHandshakeTime, kReceivedBytes, kSentBytes, kIncomingTlsAlert, kChosenCertArn,
  kChosenCertSerial, kTlsCipher, kTlsProtocolVersion, kTlsNamedGroup, kDomainName,
  // 18: the oldest lines end here
  kAlpnFeProtocol, kAlpnBeProtocol, kAlpnClientPreferenceList, kTlsConnectionCreationTime,
  kFieldCount
};

Layout MakeLayout() {
  // Every field is a bare token: values that could hold spaces (domain_name,
  // alpn_client_preference_list) are URL-encoded.
  constexpr Quoting B = Quoting::kBare;
  return {{
              {"type", B},
              {"version", B},
              {"time", B},
              {"elb", B},
              {"listener", B},
              {"client:port", B},
              {"destination:port", B},
              {"connection_time", B},
              {"tls_handshake_time", B},
              {"received_bytes", B},
              {"sent_bytes", B},
              {"incoming_tls_alert", B},
              {"chosen_cert_arn", B},
              {"chosen_cert_serial", B},
              {"tls_cipher", B},
              {"tls_protocol_version", B},
              {"tls_named_group", B},
              {"domain_name", B},
              {"alpn_fe_protocol", B},
              {"alpn_be_protocol", B},
              {"alpn_client_preference_list", B},
              {"tls_connection_creation_time", B},
          },
          kDomainName + 1};
}

std::vector<ColumnDef> MakeColumns() {
  using T = ColumnType;
  using D = Decode;
  return {
      {"type", T::kVarchar, "Listener type: tls", kType, D::kWord},
      {"version", T::kVarchar, "Version of the log entry, e.g. 2.0", kVersion, D::kVersion},
      {"time", T::kTimestampTz, "Time the TLS connection ended, UTC", kTime, D::kTimeRequired},
      {"elb", T::kVarchar, "Resource ID of the load balancer, e.g. net/my-nlb/c6e77e28c25b2234",
       kElb, D::kString},
      {"listener", T::kVarchar, "Resource ID of the TLS listener", kListener, D::kString},
      {"client_ip", T::kVarchar, "IP address (IPv4 or IPv6) of the client", kClient, D::kIp},
      {"client_port", T::kInt32, "Port of the client", kClient, D::kPort},
      {"destination_ip", T::kVarchar,
       "IP address of the destination: the listener, or the VPC endpoint the client used",
       kDestination, D::kIp},
      {"destination_port", T::kInt32, "Port of the destination", kDestination, D::kPort},
      {"connection_time_ms", T::kInt64,
       "Milliseconds the connection lasted, from start to closure", kConnectionTime, D::kCount},
      {"tls_handshake_time_ms", T::kInt64,
       "Milliseconds the TLS handshake took after the TCP connection was established (part of "
       "connection_time_ms); NULL if no or a failed handshake",
       kTlsHandshakeTime, D::kCount},
      {"received_bytes", T::kInt64, "Bytes received from the client, after decryption",
       kReceivedBytes, D::kCount},
      {"sent_bytes", T::kInt64, "Bytes sent to the client, before encryption", kSentBytes,
       D::kCount},
      {"incoming_tls_alert", T::kInt32,
       "Integer value of the TLS alert received from the client; NULL if none",
       kIncomingTlsAlert, D::kSmallCount},
      {"chosen_cert_arn", T::kVarchar,
       "ARN of the certificate served to the client; NULL if no valid ClientHello",
       kChosenCertArn, D::kString},
      {"chosen_cert_serial", T::kVarchar, "Reserved by AWS (always NULL so far)",
       kChosenCertSerial, D::kString},
      {"tls_cipher", T::kVarchar,
       "Cipher suite negotiated (OpenSSL name); NULL if negotiation did not complete",
       kTlsCipher, D::kString},
      {"tls_protocol_version", T::kVarchar,
       "TLS protocol negotiated: tlsv10, tlsv11, tlsv12, tlsv13; NULL if not completed",
       kTlsProtocolVersion, D::kString},
      {"tls_named_group", T::kVarchar, "Key exchange group, e.g. x25519; NULL if none",
       kTlsNamedGroup, D::kString},
      {"domain_name", T::kVarchar,
       "server_name (SNI) of the ClientHello, URL-encoded as logged; NULL if absent",
       kDomainName, D::kString},
      {"alpn_fe_protocol", T::kVarchar,
       "Application protocol negotiated with the client: h2, http/1.1, http/1.0; NULL if none",
       kAlpnFeProtocol, D::kString},
      {"alpn_be_protocol", T::kVarchar,
       "Application protocol negotiated with the target; NULL if none", kAlpnBeProtocol,
       D::kString},
      {"alpn_client_preference_list", T::kVarchar,
       "ALPN extension of the ClientHello as logged: URL-encoded, quoted, comma-separated "
       "protocols (e.g. \"h2\",\"http/1.1\"); NULL if absent",
       kAlpnClientPreferenceList, D::kString},
      {"tls_connection_creation_time", T::kTimestampTz, "Time the TLS connection began, UTC",
       kTlsConnectionCreationTime, D::kTime},
  };
}

static_assert(kFieldCount == 22);

}  // namespace

NlbFormat::NlbFormat()
    : elb::LbFormat(MakeLayout(), MakeColumns(), elb::LbKind::kNetwork) {}

}  // namespace silt::formats
