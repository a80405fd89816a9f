// Shared machinery of the Elastic Load Balancing access log formats (alb, elb, nlb).
//
// The three logs are written the same way: one request (or TLS connection) per line, fields
// separated by single spaces, some fields "quoted" because they may hold spaces, '-' for an
// absent value, new fields appended at the end over the years. A format is therefore a table:
// the line's field layout (names and quoting, the shortest generation accepted) and its
// columns (which field each reads and how it is decoded). One parser runs every table:
//   1. the tokenizer finds field boundaries (a quoted field closes at the quote after which
//      the rest of the line reads as the fields that follow, so a quote inside a value does
//      not end it);
//   2. every column is decoded and validated, wanted or not (which lines are rejected never
//      depends on the query's projection), then the wanted ones are written.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/formats/format.h"

namespace silt::formats::elb {

enum class Quoting : uint8_t {
  kBare,    // up to the next space
  kQuoted,  // "..." (may hold spaces); a bare token is also accepted
};

struct FieldSpec {
  const char* name;  // as AWS names it ("client:port"), used in reject reasons
  Quoting quoting;
};

struct Layout {
  std::vector<FieldSpec> fields;  // every field known, in line order
  int min_fields;                 // the oldest generation ends after this many fields
};

enum class Decode : uint8_t {
  kString,        // VARCHAR as logged; '-' is NULL
  kWord,          // VARCHAR, lowercase letters and digits (a type such as http, h2, tls)
  kVersion,       // VARCHAR, digits '.' digits (a log entry version such as 2.0)
  kTime,          // TIMESTAMPTZ from ISO-8601 (UTC); '-' is NULL
  kTimeRequired,  // TIMESTAMPTZ from ISO-8601 (UTC); '-' rejects
  kIp,            // VARCHAR: the address of an ip:port field (IPv6 bare or in brackets)
  kPort,          // INTEGER: the port of an ip:port field
  kSeconds,       // DOUBLE, decimal seconds >= 0; -1 ("not measured") and '-' are NULL
  kStatus,        // INTEGER, an HTTP status code (0-999); '-' is NULL
  kCount,         // BIGINT >= 0; '-' is NULL
  kSmallCount,    // INTEGER >= 0 (fits 32 bits); '-' is NULL
  kInt,           // INTEGER, any 32-bit value (e.g. -1); '-' is NULL
  kMethod,        // VARCHAR derived from a "request" field: the HTTP method
  kUrl,           // ... the URL (protocol://host:port/uri)
  kProtocol,      // ... the HTTP version (HTTP/1.1, HTTP/2.0)
};

struct ColumnDef {
  const char* name;
  ColumnType type;
  const char* doc;
  int field;  // index into Layout::fields
  Decode decode;
};

Schema MakeSchema(const std::vector<ColumnDef>& columns);

// A parser for `layout` and `columns` (both must outlive it).
std::unique_ptr<LineParser> MakeElbParser(const Layout* layout,
                                          const std::vector<ColumnDef>* columns,
                                          const std::vector<bool>& wanted);

// Which load balancers a log object name may come from, for TimeHintFromKey.
enum class LbKind { kApplication, kNetwork, kClassic };

// Elastic Load Balancing names log objects
//   ..._elasticloadbalancing_<region>_<lb-id>_<YYYYMMDDTHHMMZ>_[<ip>_]<random>.log[.gz]
// where <lb-id> is app.<name>.<id> (ALB), net.<name>.<id> (NLB) or <name> (Classic), and the
// time is the end of the 5-minute interval the object covers. Returns that time, or nullopt
// when the name does not read so (or names another kind of load balancer).
std::optional<int64_t> TimeFromElbKey(std::string_view key, LbKind kind);

// Building blocks, exposed for tests.

// "2018-07-02T22:23:00.186641Z": date 'T' time, optional .fraction (1-9 digits, kept to the
// microsecond), optional 'Z'. UTC either way. Microseconds since the epoch.
bool ParseIsoTime(std::string_view s, int64_t* micros);
// "10.0.0.1:80", "2001:db8::1:443", "[2001:db8::1]:443". The address is checked for shape
// (IPv4 dotted quad, or IPv6 hex groups), the port for 0-65535.
bool SplitIpPort(std::string_view s, std::string_view* ip, int* port);
// "GET http://host:80/p HTTP/1.1" -> method, url, protocol; each empty when absent or '-'.
struct RequestParts {
  std::string_view method, url, protocol;
};
RequestParts SplitRequest(std::string_view request);

// What alb, elb and nlb share as Formats: a layout and column table run by one parser, the
// event time in `time`, and object names carrying the end of the interval they cover.
class LbFormat : public Format {
 public:
  LbFormat(Layout layout, std::vector<ColumnDef> columns, LbKind kind)
      : layout_(std::move(layout)), columns_(std::move(columns)),
        schema_(MakeSchema(columns_)), kind_(kind) {}
  const Schema& schema() const override { return schema_; }
  std::string_view time_column() const override { return "time"; }
  std::optional<int64_t> TimeHintFromKey(std::string_view key) const override {
    return TimeFromElbKey(key, kind_);
  }
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override {
    return MakeElbParser(&layout_, &columns_, wanted);
  }

 private:
  Layout layout_;
  std::vector<ColumnDef> columns_;
  Schema schema_;
  LbKind kind_;
};

}  // namespace silt::formats::elb
