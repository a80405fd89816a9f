#include "silt/formats/s3_access.h"

#include <emmintrin.h>

#include <cstring>

#include <fmt/format.h>

#include "silt/common/civil_time.h"
#include "silt/common/strings.h"
#include "silt/formats/text_checks.h"

namespace silt::formats {

namespace {

using C = S3AccessFormat::Col;

Schema MakeSchema() {
  using T = ColumnType;
  return {
      {"bucket_owner", T::kVarchar, "Canonical user ID of the source bucket's owner"},
      {"bucket", T::kVarchar, "Name of the bucket the request was processed against"},
      {"request_time", T::kTimestampTz, "Time the request was received, UTC"},
      {"remote_ip", T::kVarchar, "Apparent IP address (IPv4 or IPv6) of the requester"},
      {"requester", T::kVarchar, "Canonical user ID or IAM ARN of the requester; NULL if anonymous"},
      {"request_id", T::kVarchar, "ID S3 generated for the request"},
      {"operation", T::kVarchar, "Operation, e.g. REST.GET.OBJECT, S3.TRANSITION_SIA.OBJECT"},
      {"key", T::kVarchar, "Object key of the request, URL-decoded; NULL if none"},
      {"request_uri", T::kVarchar, "Request-URI part of the HTTP request message, as sent"},
      {"http_status", T::kInt32, "HTTP status code of the response"},
      {"error_code", T::kVarchar, "S3 error code, e.g. NoSuchKey; NULL if none"},
      {"bytes_sent", T::kInt64, "Response bytes sent, excluding protocol overhead"},
      {"object_size", T::kInt64, "Total size of the object in question"},
      {"total_time_ms", T::kInt64, "Milliseconds the request was in flight, server side"},
      {"turn_around_time_ms", T::kInt64, "Milliseconds S3 spent processing the request"},
      {"referer", T::kVarchar, "HTTP Referer header value"},
      {"user_agent", T::kVarchar, "HTTP User-Agent header value"},
      {"version_id", T::kVarchar, "Version ID in the request"},
      {"host_id", T::kVarchar, "x-amz-id-2 request ID"},
      {"signature_version", T::kVarchar, "SigV2 or SigV4; NULL for unauthenticated requests"},
      {"cipher_suite", T::kVarchar, "TLS cipher negotiated for HTTPS; NULL for HTTP"},
      {"auth_type", T::kVarchar, "AuthHeader, QueryString; NULL if unauthenticated"},
      {"host_header", T::kVarchar, "Endpoint used to connect to S3"},
      {"tls_version", T::kVarchar, "TLSv1.1, TLSv1.2, TLSv1.3; NULL if not TLS"},
      {"access_point_arn", T::kVarchar, "ARN of the access point of the request"},
      {"acl_required", T::kVarchar, "'Yes' when the request required an ACL; NULL otherwise"},
      {"source_region", T::kVarchar, "AWS Region the request came from, where known"},
      {"request_method", T::kVarchar, "Derived: HTTP method from request_uri (GET, PUT, ...)"},
      {"key_raw", T::kVarchar, "Derived: the key as logged (URL-encoded), where it differs from key"},
  };
}

constexpr int kMinFields = 17;  // through user_agent
constexpr int kMaxFields = 27;  // through source_region; later fields are ignored

struct Field {
  const char* b;
  const char* e;
};


inline const char* FindQuote(const char* p, const char* e) {
  const void* q = std::memchr(p, '"', static_cast<size_t>(e - p));
  return q != nullptr ? static_cast<const char*>(q) : nullptr;
}

inline bool IsDash(Field f) { return f.e - f.b == 1 && *f.b == '-'; }

// The token starting at p (up to a space or e) is digits, or '-'.
inline bool NumOrDashAt(const char* p, const char* e, const char** after) {
  const char* s = FindSpace(p, e);
  *after = s;
  if (s == p) return false;
  if (s - p == 1 && *p == '-') return true;
  for (const char* c = p; c < s; ++c) {
    if (static_cast<unsigned>(*c - '0') > 9) return false;
  }
  return true;
}


enum class QuotedKind { kRequestUri, kReferer, kUserAgent };

// Does the line from r on read as what follows the request URI: http_status, error_code,
// bytes_sent?
inline bool RequestUriTailFits(const char* r, const char* e) {
  const char* a;
  if (!NumOrDashAt(r, e, &a) || a >= e) return false;
  const char* ec = FindSpace(a + 1, e);
  if (ec >= e || ec == a + 1) return false;
  const char* b;
  return NumOrDashAt(ec + 1, e, &b);
}

// Does a closing quote at q (followed by a space or the line's end) leave a plausible rest
// of the line for the field after `kind`?
bool PlausibleClose(QuotedKind kind, const char* q, const char* e) {
  const char* r = q + 1;
  if (r == e) return kind == QuotedKind::kUserAgent;
  if (*r != ' ') return false;
  ++r;
  switch (kind) {
    case QuotedKind::kRequestUri:
      return RequestUriTailFits(r, e);
    case QuotedKind::kReferer:
      // user_agent follows: quoted, or '-'.
      return r < e && (*r == '"' || (*r == '-' && (r + 1 == e || r[1] == ' ')));
    case QuotedKind::kUserAgent: {
      // Unquoted trailing fields follow. A quote within the next ten fields means this quote
      // was part of the user agent; one further on belongs to a field added in the future,
      // which it opens, so it starts a field. A quote within a token (`... Safari/537.36"`) is
      // the user agent's own closing quote: this one was inside it.
      const char* nq = FindQuote(r, e);
      if (nq == nullptr) return true;
      if (nq[-1] != ' ') return false;
      int spaces = 0;
      for (const char* c = r; c < nq; ++c) spaces += *c == ' ';
      return spaces >= kMaxFields - kMinFields;
    }
  }
  return false;
}

const char* KindName(QuotedKind k) {
  switch (k) {
    case QuotedKind::kRequestUri: return "request_uri";
    case QuotedKind::kReferer: return "referer";
    case QuotedKind::kUserAgent: return "user_agent";
  }
  return "";
}

class S3AccessParser final : public LineParser {
 public:
  explicit S3AccessParser(const std::vector<bool>& wanted) : wanted_(wanted) {}

  LineResult Parse(std::string_view line, RowBatch& batch, size_t row,
                   std::string* reason) override;

 private:
  // Tokenizes into fields_; returns the number of fields or -1 with *reason set.
  int Tokenize(const char* p, const char* e, std::string* reason);
  bool QuotedOrDash(const char** pp, const char* e, QuotedKind kind, Field* out,
                    std::string* reason);

  std::vector<bool> wanted_;
  Field fields_[kMaxFields];
  // The quoted field that looks unterminated, or -1: if the line then turns out too short,
  // that quote is the likely cause.
  int suspect_quote_ = -1;
  std::string decoded_;
};

bool S3AccessParser::QuotedOrDash(const char** pp, const char* e, QuotedKind kind, Field* out,
                                  std::string* reason) {
  const char* p = *pp;
  if (p < e && *p == '"') {
    const char* s = p + 1;
    const char* first_close = nullptr;
    bool fits = false;
    while (true) {
      const char* q = FindQuote(s, e);
      if (q == nullptr) break;
      bool closes = q + 1 == e || q[1] == ' ';
      if (closes) {
        if (first_close == nullptr) first_close = q;
        if (PlausibleClose(kind, q, e)) {
          first_close = q;
          fits = true;
          break;
        }
      }
      s = q + 1;
    }
    if (first_close == nullptr) {
      *reason = fmt::format("field {}: quoted value has no closing quote", KindName(kind));
      return false;
    }
    // No closing quote fitted, and the value swallowed another field's quote: most likely
    // this quote is unterminated.
    if (!fits && std::memchr(p + 1, '"', static_cast<size_t>(first_close - (p + 1))) != nullptr) {
      suspect_quote_ = static_cast<int>(kind);
    }
    *out = {p + 1, first_close};
    *pp = first_close + 1 < e ? first_close + 2 : e;
    return true;
  }
  // Unquoted: '-' for "absent" (AWS writes lifecycle and some old lines so), or a bare token.
  const char* s = FindSpace(p, e);
  *out = {p, s};
  *pp = s < e ? s + 1 : e;
  return true;
}

int S3AccessParser::Tokenize(const char* p, const char* e, std::string* reason) {
  int n = 0;
  suspect_quote_ = -1;
  auto token = [&]() {
    const char* s = FindSpace(p, e);
    fields_[n++] = {p, s};
    p = s < e ? s + 1 : e;
  };
  auto truncated = [&]() {
    if (suspect_quote_ >= 0) {
      // Most likely an unterminated quote that swallowed the fields after it.
      *reason = fmt::format(
          "field {}: quoted value has no closing quote followed by the fields that come after "
          "it (line ends after {} fields)",
          KindName(static_cast<QuotedKind>(suspect_quote_)), n);
    } else {
      *reason = fmt::format("line ends after {} field{}; at least {} expected", n,
                            n == 1 ? "" : "s", kMinFields);
    }
    return -1;
  };
  // 1-2: bucket_owner, bucket
  token();
  if (p >= e) return truncated();
  token();
  if (p >= e) return truncated();
  // 3: [time], or '-' (the format allows '-' in any field: unknown)
  if (*p == '-' && (p + 1 == e || p[1] == ' ')) {
    token();
  } else if (*p != '[') {
    *reason = "field request_time: expected '[' to open the time";
    return -1;
  } else {
    const char* close;
    if (e - p > 27 && p[27] == ']') {
      close = p + 27;
    } else {
      const void* c = std::memchr(p, ']', static_cast<size_t>(e - p));
      if (c == nullptr) {
        *reason = "field request_time: no closing ']'";
        return -1;
      }
      close = static_cast<const char*>(c);
    }
    fields_[n++] = {p + 1, close};
    p = close + 1;
    if (p < e) {
      if (*p != ' ') {
        *reason = "field request_time: expected a space after ']'";
        return -1;
      }
      ++p;
    }
  }
  // 4-8: remote_ip, requester, request_id, operation, key
  for (int i = 0; i < 5; ++i) {
    if (p >= e) return truncated();
    token();
  }
  if (p >= e) return truncated();
  // A key that was logged with spaces (not URL-encoded) runs up to the quoted request URI.
  // A '-' here is the (absent) request URI only when status, error code and bytes sent
  // follow it: a key such as "notes - final.txt" has '-' words of its own.
  const bool dash_uri =
      *p == '-' && (p + 1 == e || (p[1] == ' ' && RequestUriTailFits(p + 2, e)));
  if (*p != '"' && !dash_uri) {
    const char* kb = fields_[C::kKey].b;
    for (const char* s = p; s + 1 < e; ++s) {
      if (s[0] == ' ' && s[1] == '"') {
        fields_[C::kKey] = {kb, s};
        p = s + 1;
        break;
      }
    }
  }
  // 9: "request_uri"
  if (!QuotedOrDash(&p, e, QuotedKind::kRequestUri, &fields_[n], reason)) return -1;
  ++n;
  // 10-15: http_status, error_code, bytes_sent, object_size, total_time, turn_around_time
  for (int i = 0; i < 6; ++i) {
    if (p >= e) return truncated();
    token();
  }
  // 16: "referer", 17: "user_agent"
  if (p >= e) return truncated();
  if (!QuotedOrDash(&p, e, QuotedKind::kReferer, &fields_[n], reason)) return -1;
  ++n;
  if (p >= e) return truncated();
  if (!QuotedOrDash(&p, e, QuotedKind::kUserAgent, &fields_[n], reason)) return -1;
  ++n;
  // 18-27 as present; fields added after source_region are ignored.
  while (p < e && n < kMaxFields) token();
  return n;
}

inline void SetNull(RowBatch& b, int col, size_t row) { b.nulls(col)[row] = 1; }

inline void SetString(RowBatch& b, int col, size_t row, Field f) {
  if (IsDash(f)) {
    b.nulls(col)[row] = 1;
  } else {
    b.nulls(col)[row] = 0;
    b.strings(col)[row] = std::string_view(f.b, static_cast<size_t>(f.e - f.b));
  }
}

}  // namespace

bool ParseClfTime(const char* p, int64_t* micros) {
  // dd/Mon/yyyy:HH:MM:SS +hhmm
  auto d2 = [](const char* s, unsigned* v) {
    unsigned a = static_cast<unsigned>(s[0] - '0');
    unsigned b = static_cast<unsigned>(s[1] - '0');
    if (a > 9 || b > 9) return false;
    *v = a * 10 + b;
    return true;
  };
  unsigned day, hh, mm, ss, y1, y2, oh, om;
  if (!d2(p, &day) || p[2] != '/' || p[6] != '/' || !d2(p + 7, &y1) || !d2(p + 9, &y2) ||
      p[11] != ':' || !d2(p + 12, &hh) || p[14] != ':' || !d2(p + 15, &mm) || p[17] != ':' ||
      !d2(p + 18, &ss) || p[20] != ' ' || (p[21] != '+' && p[21] != '-') || !d2(p + 22, &oh) ||
      !d2(p + 24, &om)) {
    return false;
  }
  unsigned month = MonthFromAbbrev(p + 3);
  unsigned year = y1 * 100 + y2;
  if (month == 0 || day == 0 || day > DaysInMonth(year, month) || hh > 23 || mm > 59 ||
      ss > 60 || oh > 23 || om > 59) {
    return false;
  }
  int64_t secs = DaysFromCivil(year, month, day) * 86400 + hh * 3600 + mm * 60 + ss;
  int64_t offset = static_cast<int64_t>(oh) * 3600 + om * 60;
  secs += p[21] == '+' ? -offset : offset;  // local = UTC + offset
  *micros = secs * kMicrosPerSecond;
  return true;
}

LineResult S3AccessParser::Parse(std::string_view line, RowBatch& batch, size_t row,
                                 std::string* reason) {
  const char* p = line.data();
  const char* e = p + line.size();
  if (e > p && e[-1] == '\r') --e;
  // No field of a server access log can hold a NUL (HTTP forbids it in request lines and
  // headers): such a line is binary data or a damaged file, not a request.
  // Values become VARCHAR, which must be UTF-8; AWS writes UTF-8 (and escapes the rest).
  if (!CheckLine(p, e, reason)) return LineResult::kReject;
  const int n = Tokenize(p, e, reason);
  if (n < 0) return LineResult::kReject;
  const auto& w = wanted_;

  // Typed fields are validated whether or not they are wanted, so that which lines are
  // rejected never depends on the query's projection.
  int64_t ts = 0;
  const bool null_time = IsDash(fields_[C::kRequestTime]);
  if (!null_time) {
    Field t = fields_[C::kRequestTime];
    if (t.e - t.b != 26 || !ParseClfTime(t.b, &ts)) {
      *reason = fmt::format("field request_time: '{}' is not a time like 06/Feb/2019:00:00:38 +0000",
                            std::string_view(t.b, static_cast<size_t>(t.e - t.b)));
      return LineResult::kReject;
    }
  }
  int64_t ints[5] = {0, 0, 0, 0, 0};
  bool null_int[5];
  static constexpr int kIntCols[5] = {C::kHttpStatus, C::kBytesSent, C::kObjectSize,
                                      C::kTotalTimeMs, C::kTurnAroundTimeMs};
  // http_status, bytes_sent, object_size, total_time_ms, turn_around_time_ms
  for (int i = 0; i < 5; ++i) {
    int col = kIntCols[i];
    Field f = fields_[col];
    null_int[i] = IsDash(f);
    if (null_int[i]) continue;
    if (!ParseInt64(std::string_view(f.b, static_cast<size_t>(f.e - f.b)), &ints[i]) ||
        ints[i] < 0 || (i == 0 && ints[i] > 999)) {
      static constexpr const char* kNames[5] = {"http_status", "bytes_sent", "object_size",
                                                "total_time_ms", "turn_around_time_ms"};
      *reason = fmt::format("field {}: '{}' is not {}", kNames[i],
                            std::string_view(f.b, static_cast<size_t>(f.e - f.b)),
                            i == 0 ? "an HTTP status" : "a non-negative 64-bit integer");
      return LineResult::kReject;
    }
  }

  // Strings.
  static constexpr int kStringCols[] = {
      C::kBucketOwner, C::kBucket,    C::kRemoteIp,         C::kRequester,   C::kRequestId,
      C::kOperation,   C::kRequestUri, C::kErrorCode,       C::kReferer,     C::kUserAgent};
  for (int col : kStringCols) {
    if (w[col]) SetString(batch, col, row, fields_[col]);
  }
  // Fields the line's generation does not have are NULL.
  for (int col = C::kVersionId; col <= C::kSourceRegion; ++col) {
    if (!w[col]) continue;
    if (col < n) {
      SetString(batch, col, row, fields_[col]);
    } else {
      SetNull(batch, col, row);
    }
  }
  if (w[C::kRequestTime]) {
    batch.nulls(C::kRequestTime)[row] = null_time ? 1 : 0;
    batch.ints(C::kRequestTime)[row] = ts;
  }
  for (int i = 0; i < 5; ++i) {
    int col = kIntCols[i];
    if (!w[col]) continue;
    batch.nulls(col)[row] = null_int[i] ? 1 : 0;
    if (!null_int[i]) batch.ints(col)[row] = ints[i];
  }
  if (w[C::kKey] || w[C::kKeyRaw]) {
    Field k = fields_[C::kKey];
    std::string_view raw(k.b, static_cast<size_t>(k.e - k.b));
    if (IsDash(k)) {
      SetNull(batch, C::kKey, row);
      SetNull(batch, C::kKeyRaw, row);
    } else {
      // Decode %XX straight into the batch; key_raw only where that changed the key. A key
      // whose escapes do not decode to UTF-8 (%FF) stays as logged.
      size_t n = raw.size();
      char* dst = nullptr;
      if (std::memchr(raw.data(), '%', raw.size()) != nullptr) {
        dst = batch.Allocate(raw.size());
        n = UrlDecodeInto(raw, dst);
        if (n != raw.size() && !IsValidUtf8(std::string_view(dst, n))) n = raw.size();
      }
      batch.nulls(C::kKey)[row] = 0;
      if (n != raw.size()) {
        batch.strings(C::kKey)[row] = std::string_view(dst, n);
        batch.nulls(C::kKeyRaw)[row] = 0;
        batch.strings(C::kKeyRaw)[row] = raw;
      } else {
        batch.strings(C::kKey)[row] = raw;
        SetNull(batch, C::kKeyRaw, row);
      }
    }
  }
  if (w[C::kRequestMethod]) {
    Field u = fields_[C::kRequestUri];
    const char* sp = IsDash(u) ? u.b : FindSpace(u.b, u.e);
    if (sp == u.e || sp == u.b) {
      SetNull(batch, C::kRequestMethod, row);
    } else {
      batch.nulls(C::kRequestMethod)[row] = 0;
      batch.strings(C::kRequestMethod)[row] = std::string_view(u.b, static_cast<size_t>(sp - u.b));
    }
  }
  return LineResult::kRow;
}

S3AccessFormat::S3AccessFormat() : schema_(MakeSchema()) {}

std::optional<int64_t> S3AccessFormat::TimeHintFromKey(std::string_view key) const {
  // ...YYYY-MM-DD-HH-MM-SS-XXXXXXXXXXXXXXXX[.gz|.zst]: 20 + 16 characters at the end.
  size_t dot = key.find('.', key.rfind('/') == std::string_view::npos ? 0 : key.rfind('/'));
  if (dot != std::string_view::npos) key = key.substr(0, dot);
  if (key.size() < 36) return {};
  std::string_view t = key.substr(key.size() - 36, 20);
  std::string_view hex = key.substr(key.size() - 16);
  for (char c : hex) {
    if (!isxdigit(static_cast<unsigned char>(c))) return {};
  }
  auto num = [&](size_t pos, size_t n, unsigned* v) {
    *v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      *v = *v * 10 + static_cast<unsigned>(t[i] - '0');
    }
    return true;
  };
  unsigned y, mo, d, h, mi, sec;
  if (!num(0, 4, &y) || t[4] != '-' || !num(5, 2, &mo) || t[7] != '-' || !num(8, 2, &d) ||
      t[10] != '-' || !num(11, 2, &h) || t[13] != '-' || !num(14, 2, &mi) || t[16] != '-' ||
      !num(17, 2, &sec) || t[19] != '-' || mo < 1 || mo > 12 || d < 1 ||
      d > DaysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) {
    return {};
  }
  return (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * kMicrosPerSecond;
}

std::unique_ptr<LineParser> S3AccessFormat::MakeParser(const std::vector<bool>& wanted) const {
  std::vector<bool> w = wanted;
  w.resize(schema_.size(), false);
  return std::make_unique<S3AccessParser>(w);
}

}  // namespace silt::formats
