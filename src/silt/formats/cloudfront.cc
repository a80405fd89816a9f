#include "silt/formats/cloudfront.h"

#include <emmintrin.h>

#include <bit>
#include <cctype>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "silt/common/civil_time.h"
#include "silt/common/strings.h"
#include "silt/formats/text_checks.h"

namespace silt::formats {

namespace {

using C = CloudFrontFormat::Col;

Schema MakeSchema() {
  using T = ColumnType;
  return {
      {"request_time", T::kTimestampTz,
       "date + time: when the edge server finished responding (for WebSocket connections, when "
       "the connection closed), UTC"},
      {"edge_location", T::kVarchar,
       "x-edge-location: edge location that served the request, e.g. DFW3, SEA19-C1"},
      {"sc_bytes", T::kInt64, "sc-bytes: bytes the server sent to the viewer, headers included"},
      {"client_ip", T::kVarchar,
       "c-ip: IP address (IPv4 or IPv6) of the viewer, or of its proxy / load balancer"},
      {"cs_method", T::kVarchar, "cs-method: HTTP request method, e.g. GET"},
      {"cs_host", T::kVarchar,
       "cs(Host): domain name of the CloudFront distribution, e.g. d111111abcdef8.cloudfront.net"},
      {"cs_uri_stem", T::kVarchar,
       "cs-uri-stem: path of the request URL without the query, as the viewer sent it"},
      {"sc_status", T::kInt32,
       "sc-status: HTTP status of the response; 0 when the viewer closed the connection first"},
      {"cs_referer", T::kVarchar, "cs(Referer): Referer header of the request"},
      {"cs_user_agent", T::kVarchar, "cs(User-Agent): User-Agent header of the request"},
      {"cs_uri_query", T::kVarchar,
       "cs-uri-query: query string of the request URL without the '?', as the viewer sent it"},
      {"cs_cookie", T::kVarchar, "cs(Cookie): Cookie header of the request (when cookie logging is on)"},
      {"edge_result_type", T::kVarchar,
       "x-edge-result-type: Hit, RefreshHit, OriginShieldHit, Miss, LimitExceeded, "
       "CapacityExceeded, Error or Redirect, after the last byte left the server"},
      {"edge_request_id", T::kVarchar,
       "x-edge-request-id: opaque ID of the request (the x-amz-cf-id response header)"},
      {"host_header", T::kVarchar,
       "x-host-header: Host header the viewer sent (an alternate domain name or the CloudFront one)"},
      {"cs_protocol", T::kVarchar, "cs-protocol: http, https, ws or wss"},
      {"cs_bytes", T::kInt64, "cs-bytes: bytes of the viewer's request, headers included"},
      {"time_taken", T::kDouble,
       "time-taken: seconds from receiving the request to writing the last byte of the response"},
      {"x_forwarded_for", T::kVarchar,
       "x-forwarded-for: the originating viewer's IP when the request came through a proxy"},
      {"ssl_protocol", T::kVarchar, "ssl-protocol: SSL/TLS protocol negotiated, e.g. TLSv1.2; NULL for http"},
      {"ssl_cipher", T::kVarchar, "ssl-cipher: SSL/TLS cipher negotiated; NULL for http"},
      {"edge_response_result_type", T::kVarchar,
       "x-edge-response-result-type: result type just before the response was returned"},
      {"cs_protocol_version", T::kVarchar, "cs-protocol-version: HTTP/0.9, HTTP/1.0, HTTP/1.1, HTTP/2.0, HTTP/3.0"},
      {"fle_status", T::kVarchar,
       "fle-status: field-level encryption outcome, e.g. Processed; NULL when not configured"},
      {"fle_encrypted_fields", T::kInt32,
       "fle-encrypted-fields: number of fields field-level encryption encrypted"},
      {"client_port", T::kInt32, "c-port: port number of the viewer's request"},
      {"time_to_first_byte", T::kDouble,
       "time-to-first-byte: seconds from receiving the request to writing the first byte"},
      {"edge_detailed_result_type", T::kVarchar,
       "x-edge-detailed-result-type: edge_result_type, or the specific error when that is Error"},
      {"sc_content_type", T::kVarchar, "sc-content-type: Content-Type header of the response"},
      {"sc_content_len", T::kInt64, "sc-content-len: Content-Length header of the response"},
      {"sc_range_start", T::kInt64, "sc-range-start: range start of a Content-Range response"},
      {"sc_range_end", T::kInt64, "sc-range-end: range end of a Content-Range response"},
  };
}

// Slots a field position can map to: a column (except request_time), date, or time.
constexpr int kDateSlot = C::kColumnCount;
constexpr int kTimeSlot = C::kColumnCount + 1;
constexpr int kSlotCount = C::kColumnCount + 2;

// The 33 fields of AWS's documented order, which lines without a '#Fields' header follow.
struct KnownField {
  std::string_view name;
  int slot;
};
constexpr KnownField kStandardFields[] = {
    {"date", kDateSlot},
    {"time", kTimeSlot},
    {"x-edge-location", C::kEdgeLocation},
    {"sc-bytes", C::kScBytes},
    {"c-ip", C::kClientIp},
    {"cs-method", C::kCsMethod},
    {"cs(Host)", C::kCsHost},
    {"cs-uri-stem", C::kCsUriStem},
    {"sc-status", C::kScStatus},
    {"cs(Referer)", C::kCsReferer},
    {"cs(User-Agent)", C::kCsUserAgent},
    {"cs-uri-query", C::kCsUriQuery},
    {"cs(Cookie)", C::kCsCookie},
    {"x-edge-result-type", C::kEdgeResultType},
    {"x-edge-request-id", C::kEdgeRequestId},
    {"x-host-header", C::kHostHeader},
    {"cs-protocol", C::kCsProtocol},
    {"cs-bytes", C::kCsBytes},
    {"time-taken", C::kTimeTaken},
    {"x-forwarded-for", C::kXForwardedFor},
    {"ssl-protocol", C::kSslProtocol},
    {"ssl-cipher", C::kSslCipher},
    {"x-edge-response-result-type", C::kEdgeResponseResultType},
    {"cs-protocol-version", C::kCsProtocolVersion},
    {"fle-status", C::kFleStatus},
    {"fle-encrypted-fields", C::kFleEncryptedFields},
    {"c-port", C::kClientPort},
    {"time-to-first-byte", C::kTimeToFirstByte},
    {"x-edge-detailed-result-type", C::kEdgeDetailedResultType},
    {"sc-content-type", C::kScContentType},
    {"sc-content-len", C::kScContentLen},
    {"sc-range-start", C::kScRangeStart},
    {"sc-range-end", C::kScRangeEnd},
};
constexpr int kStandardCount = static_cast<int>(std::size(kStandardFields));
static_assert(kStandardCount == 33);
// The oldest logs end after cs-uri-query.
constexpr int kOldestCount = 12;
// Fields past this many in a header are ignored (CloudFront has 33).
constexpr int kMaxFields = 128;

// Slot of a W3C field name, or -1. Case-insensitive: the names in parentheses are HTTP header
// names, which are.
int SlotOf(std::string_view name) {
  for (const KnownField& f : kStandardFields) {
    if (f.name.size() != name.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < name.size() && eq; ++i) {
      eq = std::tolower(static_cast<unsigned char>(f.name[i])) ==
           std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (eq) return f.slot;
  }
  return -1;
}

// Where each slot sits in a line, and how many fields a line must have.
struct Layout {
  int count = 0;       // fields a line is read up to (the header's count, or 33)
  int min_fields = 0;  // lines with fewer fields are rejected
  bool from_header = false;
  int pos[kSlotCount];

  static Layout Standard() {
    Layout l;
    std::fill(std::begin(l.pos), std::end(l.pos), -1);
    for (int i = 0; i < kStandardCount; ++i) l.pos[kStandardFields[i].slot] = i;
    l.count = kStandardCount;
    l.min_fields = kOldestCount;
    return l;
  }
};

struct Field {
  const char* b;
  const char* e;
  std::string_view view() const { return {b, static_cast<size_t>(e - b)}; }
};

// One pass over a line, 16 bytes at a time: the field boundaries (tabs), which fields hold a
// '%' (only those need URL-decoding), and whether the line holds a NUL or bytes >= 0x80.
struct Tokens {
  int n = 0;        // fields found (at most the limit asked for)
  int tabs = 0;     // tabs in the line (fields - 1), counted past the limit too
  bool nul = false;
  bool high = false;
};

inline void Tokenize(const char* p, const char* e, int limit, Field* fields, uint8_t* pct,
                     Tokens* out) {
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i percent = _mm_set1_epi8('%');
  const __m128i zero = _mm_setzero_si128();
  unsigned nul = 0, high = 0;
  int tabs = 0;
  fields[0].b = p;
  pct[0] = 0;
  // A tab ends field `tabs` and starts the next; a '%' marks the current field. fields and
  // pct have room for limit + 1 entries.
  auto on_tab = [&](const char* t) {
    if (tabs < limit) {
      fields[tabs].e = t;
      fields[tabs + 1].b = t + 1;
      pct[tabs + 1] = 0;
    }
    ++tabs;
  };
  const char* s = p;
  while (e - s >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    nul |= static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
    high |= static_cast<unsigned>(_mm_movemask_epi8(v));
    unsigned t = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, tab)));
    unsigned c = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, percent)));
    unsigned m = t | c;
    while (m != 0) {
      const unsigned bit = m & (0u - m);
      const char* at = s + __builtin_ctz(m);
      if (t & bit) {
        on_tab(at);
      } else if (tabs < limit) {
        pct[tabs] = 1;
      }
      m ^= bit;
    }
    s += 16;
  }
  for (; s < e; ++s) {
    const char ch = *s;
    nul |= ch == '\0';
    high |= static_cast<unsigned char>(ch) >= 0x80;
    if (ch == '\t') {
      on_tab(s);
    } else if (ch == '%' && tabs < limit) {
      pct[tabs] = 1;
    }
  }
  if (tabs < limit) fields[tabs].e = e;
  out->n = tabs < limit ? tabs + 1 : limit;
  out->tabs = tabs;
  out->nul = nul != 0;
  out->high = high != 0;
}

// '-' (CloudFront's "absent") or an empty field: NULL.
inline bool IsNull(Field f) { return f.e == f.b || (f.e - f.b == 1 && *f.b == '-'); }

// A value for a reject reason: at most 80 bytes (cut at a character boundary; the line is
// valid UTF-8 by then).
std::string_view Shown(Field f) {
  std::string_view v = f.view();
  if (v.size() <= 80) return v;
  size_t n = 80;
  while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
  return v.substr(0, n);
}
std::string_view Ellipsis(Field f) { return f.e - f.b > 80 ? "..." : ""; }

// Digits only (no sign), at most `max`.
inline bool ParseUnsigned(Field f, int64_t max, int64_t* out) {
  const char* p = f.b;
  if (p == f.e || f.e - p > 19) return false;
  uint64_t v = 0;
  for (; p < f.e; ++p) {
    unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d > 9) return false;
    v = v * 10 + d;  // 19 digits cannot overflow uint64
  }
  if (v > static_cast<uint64_t>(max)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

// Seconds as CloudFront writes them: digits, optionally '.' and more digits ("0.082").
inline bool ParseSeconds(Field f, double* out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* p = f.b;
  uint64_t m = 0;
  int digits = 0, frac = 0;
  const char* int_end = p;
  while (int_end < f.e && static_cast<unsigned>(*int_end - '0') <= 9) ++int_end;
  if (int_end == p) return false;
  const char* end = int_end;
  if (end < f.e) {
    if (*end != '.') return false;
    ++end;
    const char* fb = end;
    while (end < f.e && static_cast<unsigned>(*end - '0') <= 9) ++end;
    if (end == fb || end != f.e) return false;
    frac = static_cast<int>(end - fb);
  }
  digits = static_cast<int>(int_end - p) + frac;
  if (digits <= 15) {
    // Exact: both operands are exactly representable, so the quotient is correctly rounded.
    for (const char* c = p; c < f.e; ++c) {
      if (*c != '.') m = m * 10 + static_cast<unsigned>(*c - '0');
    }
    *out = static_cast<double>(m) / kPow10[frac];
    return true;
  }
  double v = 0;
  auto r = std::from_chars(f.b, f.e, v);
  if (r.ec != std::errc() || r.ptr != f.e) return false;
  *out = v;
  return true;
}

// HH:MM:SS with an optional fraction (W3C allows one; CloudFront writes whole seconds).
inline bool ParseTimeOfDay(Field f, int64_t* micros) {
  const char* p = f.b;
  const ptrdiff_t n = f.e - p;
  if (n < 8 || p[2] != ':' || p[5] != ':') return false;
  auto d2 = [](const char* s, unsigned* v) {
    unsigned a = static_cast<unsigned char>(s[0]) - '0';
    unsigned b = static_cast<unsigned char>(s[1]) - '0';
    if (a > 9 || b > 9) return false;
    *v = a * 10 + b;
    return true;
  };
  unsigned hh, mm, ss;
  if (!d2(p, &hh) || !d2(p + 3, &mm) || !d2(p + 6, &ss) || hh > 23 || mm > 59 || ss > 60) {
    return false;
  }
  int64_t frac_us = 0;
  if (n > 8) {
    if (p[8] != '.' || n == 9 || n > 18) return false;
    int64_t scale = 100000;
    for (const char* c = p + 9; c < f.e; ++c) {
      unsigned d = static_cast<unsigned char>(*c) - '0';
      if (d > 9) return false;
      frac_us += d * scale;
      scale /= 10;
    }
  }
  *micros = (static_cast<int64_t>(hh) * 3600 + mm * 60 + ss) * kMicrosPerSecond + frac_us;
  return true;
}

inline int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Decoded {
  size_t n = 0;
  bool risky = false;      // an escape gave a NUL or a byte >= 0x80: check the result is UTF-8
  bool space = false;      // an escape gave a space (%20)
  bool space_twice = false;  // a doubly encoded space (%2520)
};

// %XX escapes of `in` decoded into `out` (room for in.size() bytes); a malformed escape stays
// as is and '+' stays '+'.
Decoded Decode(std::string_view in, char* out) {
  Decoded d;
  const char* p = in.data();
  const char* e = p + in.size();
  char* o = out;
  while (p < e) {
    const char* q = static_cast<const char*>(std::memchr(p, '%', static_cast<size_t>(e - p)));
    const char* run = q != nullptr ? q : e;
    std::memcpy(o, p, static_cast<size_t>(run - p));
    o += run - p;
    p = run;
    if (q == nullptr) break;
    int hi, lo;
    if (e - p >= 3 && (hi = Hex(p[1])) >= 0 && (lo = Hex(p[2])) >= 0) {
      const unsigned char c = static_cast<unsigned char>(hi * 16 + lo);
      d.risky |= c == 0 || c >= 0x80;
      d.space |= c == ' ';
      d.space_twice |= c == '%' && e - p >= 5 && p[3] == '2' && p[4] == '0';
      *o++ = static_cast<char>(c);
      p += 3;
    } else {
      *o++ = *p++;
    }
  }
  d.n = static_cast<size_t>(o - out);
  return d;
}

// Decoded text becomes VARCHAR: it may not hold a NUL and must be UTF-8.
inline bool Acceptable(const char* p, size_t n, bool risky) {
  return !risky || (std::memchr(p, '\0', n) == nullptr && IsValidUtf8(std::string_view(p, n)));
}

enum class Kind { kCount, kStatus, kPort, kInt32, kSeconds };

struct TypedField {
  int col;
  Kind kind;
};
constexpr TypedField kTypedFields[] = {
    {C::kScBytes, Kind::kCount},          {C::kScStatus, Kind::kStatus},
    {C::kCsBytes, Kind::kCount},          {C::kTimeTaken, Kind::kSeconds},
    {C::kFleEncryptedFields, Kind::kInt32}, {C::kClientPort, Kind::kPort},
    {C::kTimeToFirstByte, Kind::kSeconds}, {C::kScContentLen, Kind::kCount},
    {C::kScRangeStart, Kind::kCount},     {C::kScRangeEnd, Kind::kCount},
};

constexpr int kTextFields[] = {
    C::kEdgeLocation,   C::kClientIp,        C::kCsMethod,
    C::kCsHost,         C::kCsUriStem,       C::kCsReferer,
    C::kCsUserAgent,    C::kCsUriQuery,      C::kCsCookie,
    C::kEdgeResultType, C::kEdgeRequestId,   C::kHostHeader,
    C::kCsProtocol,     C::kXForwardedFor,   C::kSslProtocol,
    C::kSslCipher,      C::kEdgeResponseResultType, C::kCsProtocolVersion,
    C::kFleStatus,      C::kEdgeDetailedResultType, C::kScContentType,
};

class CloudFrontParser final : public LineParser {
 public:
  CloudFrontParser(const Schema& schema, const std::vector<bool>& wanted)
      : schema_(schema), wanted_(wanted), layout_(Layout::Standard()) {}

  void BeginObject() override {
    layout_ = Layout::Standard();
    fields_line_.clear();
  }
  std::string_view Preamble() const override { return fields_line_; }

  LineResult Parse(std::string_view line, RowBatch& batch, size_t row,
                   std::string* reason) override;

 private:
  LineResult Header(std::string_view line, std::string* reason);
  void SetText(RowBatch& batch, int col, size_t row, Field f, bool has_pct);

  const Schema& schema_;
  std::vector<bool> wanted_;
  Layout layout_;
  std::string fields_line_;  // the current '#Fields:' line, or empty
  Field fields_[kMaxFields + 1];
  uint8_t pct_[kMaxFields + 1];  // whether field i holds a '%'
};

LineResult CloudFrontParser::Header(std::string_view line, std::string* reason) {
  static constexpr std::string_view kFields = "#Fields:";
  // '#Version', '#Software', '#Date', '#Remark' and other W3C directives carry no data.
  if (line.substr(0, kFields.size()) != kFields) return LineResult::kSkip;
  Layout l;
  std::fill(std::begin(l.pos), std::end(l.pos), -1);
  l.from_header = true;
  size_t i = kFields.size();
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j == i) break;
    if (l.count < kMaxFields) {
      // The first occurrence of a name counts; unknown names are read and ignored.
      int slot = SlotOf(line.substr(i, j - i));
      if (slot >= 0 && l.pos[slot] < 0) l.pos[slot] = l.count;
      ++l.count;
    }
    i = j;
  }
  if (l.count == 0) {
    layout_ = Layout::Standard();
    fields_line_.clear();
    *reason = "#Fields header lists no fields (lines after it are read in the standard order)";
    return LineResult::kReject;
  }
  l.min_fields = l.count;
  layout_ = l;
  fields_line_.assign(line);
  return LineResult::kSkip;
}

void CloudFrontParser::SetText(RowBatch& batch, int col, size_t row, Field f, bool has_pct) {
  if (IsNull(f)) {
    batch.nulls(col)[row] = 1;
    return;
  }
  batch.nulls(col)[row] = 0;
  std::string_view raw = f.view();
  if (!has_pct) {
    batch.strings(col)[row] = raw;
    return;
  }
  // CloudFront's log encoding, undone once. A value whose escapes do not decode to UTF-8
  // without NULs stays as logged.
  char* dst = batch.Allocate(raw.size());
  const Decoded d = Decode(raw, dst);
  if (d.n == raw.size() || !Acceptable(dst, d.n, d.risky)) {
    batch.strings(col)[row] = raw;
    return;
  }
  // Older logs encoded user agents twice (a space as %2520): a user agent with a doubly
  // encoded space and no singly encoded one is decoded twice.
  if (col == C::kCsUserAgent && d.space_twice && !d.space) {
    char* dst2 = batch.Allocate(d.n);
    const Decoded d2 = Decode(std::string_view(dst, d.n), dst2);
    if (d2.n != d.n && Acceptable(dst2, d2.n, d2.risky)) {
      batch.strings(col)[row] = std::string_view(dst2, d2.n);
      return;
    }
  }
  batch.strings(col)[row] = std::string_view(dst, d.n);
}

LineResult CloudFrontParser::Parse(std::string_view line, RowBatch& batch, size_t row,
                                   std::string* reason) {
  const char* p = line.data();
  const char* e = p + line.size();
  if (e > p && e[-1] == '\r') --e;
  if (p < e && *p == '#') return Header(std::string_view(p, static_cast<size_t>(e - p)), reason);
  const Layout& l = layout_;
  // Fields after the layout's count are ignored.
  Tokens tk;
  Tokenize(p, e, l.count, fields_, pct_, &tk);
  // CloudFront URL-encodes control characters: a NUL means binary data or a damaged file.
  // CloudFront also encodes bytes >= 0x80, but values become VARCHAR: check what is there.
  if (!CheckLineBytes(p, e, tk.nul, tk.high, reason)) return LineResult::kReject;
  const int n = tk.n;
  if (n < l.min_fields) {
    if (n == 1 && std::memchr(p, ' ', static_cast<size_t>(e - p)) != nullptr) {
      *reason = fmt::format(
          "line has no tab: CloudFront fields are tab-separated (at least {} expected)",
          l.min_fields);
    } else if (l.from_header) {
      *reason = fmt::format("line has {} field{}; the #Fields header lists {}", n,
                            n == 1 ? "" : "s", l.count);
    } else {
      *reason = fmt::format("line has {} field{}; at least {} expected (no #Fields header)", n,
                            n == 1 ? "" : "s", l.min_fields);
    }
    return LineResult::kReject;
  }
  auto present = [&](int slot) { return l.pos[slot] >= 0 && l.pos[slot] < n; };
  const auto& w = wanted_;

  // Typed fields are validated whether or not they are wanted, so that which lines are
  // rejected never depends on the query's projection.
  // request_time needs both date and time; either is validated wherever it is present.
  int64_t days = 0, tod = 0;
  if (present(kDateSlot)) {
    Field d = fields_[l.pos[kDateSlot]];
    if (!ParseDate(d.view(), &days)) {
      *reason = fmt::format("field request_time: date '{}{}' is not a date like 2019-12-04",
                            Shown(d), Ellipsis(d));
      return LineResult::kReject;
    }
  }
  if (present(kTimeSlot)) {
    Field t = fields_[l.pos[kTimeSlot]];
    if (!ParseTimeOfDay(t, &tod)) {
      *reason = fmt::format("field request_time: time '{}{}' is not a time like 21:02:31",
                            Shown(t), Ellipsis(t));
      return LineResult::kReject;
    }
  }
  if (w[C::kRequestTime]) {
    if (present(kDateSlot) && present(kTimeSlot)) {
      batch.nulls(C::kRequestTime)[row] = 0;
      batch.ints(C::kRequestTime)[row] = days * kMicrosPerDay + tod;
    } else {
      batch.nulls(C::kRequestTime)[row] = 1;
    }
  }

  for (const TypedField& tf : kTypedFields) {
    const int col = tf.col;
    if (!present(col)) {
      if (w[col]) batch.nulls(col)[row] = 1;
      continue;
    }
    Field f = fields_[l.pos[col]];
    if (IsNull(f)) {
      if (w[col]) batch.nulls(col)[row] = 1;
      continue;
    }
    int64_t v = 0;
    bool ok = false;
    const char* what = "";
    switch (tf.kind) {
      case Kind::kCount:
        ok = ParseUnsigned(f, INT64_MAX, &v);
        what = "a non-negative 64-bit integer";
        break;
      case Kind::kStatus:
        ok = ParseUnsigned(f, 999, &v);
        what = "an HTTP status";
        break;
      case Kind::kPort:
        ok = ParseUnsigned(f, 65535, &v);
        what = "a port number";
        break;
      case Kind::kInt32:
        ok = ParseUnsigned(f, INT32_MAX, &v);
        what = "a non-negative 32-bit integer";
        break;
      case Kind::kSeconds: {
        double d = 0;
        ok = ParseSeconds(f, &d);
        v = std::bit_cast<int64_t>(d);
        what = "a number of seconds like 0.082";
        break;
      }
    }
    if (!ok) {
      *reason = fmt::format("field {}: '{}{}' is not {}", schema_[col].name, Shown(f),
                            Ellipsis(f), what);
      return LineResult::kReject;
    }
    if (w[col]) {
      batch.nulls(col)[row] = 0;
      batch.ints(col)[row] = v;
    }
  }

  for (int col : kTextFields) {
    if (!w[col]) continue;
    if (present(col)) {
      SetText(batch, col, row, fields_[l.pos[col]], pct_[l.pos[col]] != 0);
    } else {
      batch.nulls(col)[row] = 1;
    }
  }
  return LineResult::kRow;
}

}  // namespace

CloudFrontFormat::CloudFrontFormat() : schema_(MakeSchema()) {}

std::optional<int64_t> CloudFrontFormat::TimeHintFromKey(std::string_view key) const {
  // <optional prefix>/<distribution ID>.YYYY-MM-DD-HH.<unique ID>[.gz]
  size_t slash = key.rfind('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  for (size_t i = 0; i < dot; ++i) {
    if (!std::isalnum(static_cast<unsigned char>(name[i]))) return {};
  }
  std::string_view t = name.substr(dot + 1);
  // "YYYY-MM-DD-HH." and a unique ID of at least one character.
  if (t.size() < 15 || t[13] != '.' || t[14] == '.') return {};
  auto num = [&](size_t pos, size_t n, unsigned* v) {
    *v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      *v = *v * 10 + static_cast<unsigned>(t[i] - '0');
    }
    return true;
  };
  unsigned y, mo, d, h;
  if (!num(0, 4, &y) || t[4] != '-' || !num(5, 2, &mo) || t[7] != '-' || !num(8, 2, &d) ||
      t[10] != '-' || !num(11, 2, &h) || mo < 1 || mo > 12 || d < 1 ||
      d > DaysInMonth(y, mo) || h > 23) {
    return {};
  }
  return (DaysFromCivil(y, mo, d) * 86400 + h * 3600) * kMicrosPerSecond;
}

std::unique_ptr<LineParser> CloudFrontFormat::MakeParser(const std::vector<bool>& wanted) const {
  std::vector<bool> w = wanted;
  w.resize(schema_.size(), false);
  return std::make_unique<CloudFrontParser>(schema_, w);
}

}  // namespace silt::formats
