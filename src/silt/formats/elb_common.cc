#include "silt/formats/elb_common.h"

#include <emmintrin.h>

#include <charconv>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "silt/common/civil_time.h"
#include "silt/common/strings.h"
#include "silt/formats/text_checks.h"

namespace silt::formats::elb {

namespace {


inline const char* FindQuote(const char* p, const char* e) {
  if (p >= e) return nullptr;
  return static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(e - p)));
}

// The first quote in [p, e) that is followed by a space or the line's end, or nullptr.
inline const char* FindCloseCandidate(const char* p, const char* e) {
  while (const char* q = FindQuote(p, e)) {
    if (q + 1 == e || q[1] == ' ') return q;
    p = q + 1;
  }
  return nullptr;
}


inline bool IsDigit(char c) { return static_cast<unsigned>(c - '0') <= 9; }
inline bool IsHex(char c) {
  return IsDigit(c) || static_cast<unsigned>((c | 0x20) - 'a') <= 5;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    const size_t start = i;
    unsigned v = 0;
    while (i < s.size() && IsDigit(s[i])) {
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
      if (++i - start > 3) return false;
    }
    if (i == start || v > 255) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool IsIpv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  const size_t last_colon = s.rfind(':');
  if (last_colon == std::string_view::npos) return false;
  std::string_view head = s;
  bool v4_tail = false;
  if (s.find('.') != std::string_view::npos) {  // ::ffff:192.0.2.1
    if (!IsIpv4(s.substr(last_colon + 1))) return false;
    head = s.substr(0, last_colon + 1);
    v4_tail = true;
  }
  int groups = 0;
  bool compressed = false;
  size_t i = 0;
  if (head.size() >= 2 && head[0] == ':' && head[1] == ':') {
    compressed = true;
    i = 2;
  } else if (head[0] == ':') {
    return false;
  }
  while (i < head.size()) {
    const size_t start = i;
    while (i < head.size() && IsHex(head[i])) ++i;
    if (i == start || i - start > 4) return false;
    ++groups;
    if (i == head.size()) break;
    ++i;  // ':'
    if (i == head.size()) {
      if (!v4_tail) return false;  // a single trailing ':'
      break;
    }
    if (head[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
    }
  }
  if (v4_tail) groups += 2;
  return compressed ? groups <= 7 : groups == 8;
}


bool ParseSeconds(std::string_view s, double* out) {
  // digits, optionally '.' digits: what ELB writes ("0.000", "0.000086").
  size_t i = 0;
  uint64_t mantissa = 0;
  while (i < s.size() && IsDigit(s[i])) mantissa = mantissa * 10 + static_cast<unsigned>(s[i++] - '0');
  if (i == 0) return false;
  const size_t int_digits = i;
  size_t frac_digits = 0;
  if (i < s.size()) {
    if (s[i] != '.' || i + 1 == s.size()) return false;
    for (size_t j = i + 1; j < s.size(); ++j) {
      if (!IsDigit(s[j])) return false;
      mantissa = mantissa * 10 + static_cast<unsigned>(s[j] - '0');
    }
    frac_digits = s.size() - i - 1;
  }
  // Exact when the digits fit 2^53 and the power of ten is exact: one correctly rounded
  // division, the same double as from_chars gives.
  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};
  if (int_digits + frac_digits <= 15 && frac_digits <= 10) {
    *out = static_cast<double>(mantissa) / kPow10[frac_digits];
    return true;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// "-1", "-1.0", "-1.000": the value ELB writes for a time it could not measure.
bool IsMinusOne(std::string_view s) {
  if (s.size() < 2 || s[0] != '-' || s[1] != '1') return false;
  if (s.size() == 2) return true;
  if (s[2] != '.' || s.size() == 3) return false;
  for (size_t i = 3; i < s.size(); ++i) {
    if (s[i] != '0') return false;
  }
  return true;
}

bool IsWord(std::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s) {
    if (!IsDigit(c) && static_cast<unsigned>(c - 'a') > 25) return false;
  }
  return true;
}

bool IsVersion(std::string_view s) {
  const size_t dot = s.find('.');
  return dot != std::string_view::npos && s.size() <= 16 && AllDigits(s.substr(0, dot)) &&
         AllDigits(s.substr(dot + 1));
}

struct Field {
  const char* b;
  const char* e;
};

struct Value {
  bool null;
  int64_t i;
  std::string_view s;
};

class ElbParser final : public LineParser {
 public:
  ElbParser(const Layout* layout, const std::vector<ColumnDef>* columns,
            const std::vector<bool>& wanted)
      : layout_(*layout),
        columns_(*columns),
        wanted_(wanted),
        fields_(layout->fields.size()),
        values_(columns->size()) {
    wanted_.resize(columns_.size(), false);
    for (const FieldSpec& f : layout_.fields) has_quoted_ |= f.quoting == Quoting::kQuoted;
  }

  LineResult Parse(std::string_view line, RowBatch& batch, size_t row,
                   std::string* reason) override;

 private:
  // Splits the line into fields_ (at most the layout's count; later fields are ignored).
  // Returns the number of fields, or -1 with *reason set.
  int Tokenize(const char* p, const char* e, std::string* reason);
  // One reading: careful (FindClose for every quoted field) or not (the first closing
  // candidate; sets *odd when that reading may differ from the careful one).
  int Tokenize(const char* p, const char* e, bool careful, bool* odd, std::string* reason);
  bool ReadsAsFields(int j, const char* r, const char* e, int depth, bool strict) const;
  bool ReadsOnAfter(int j, const char* s, const char* e, int depth, bool strict) const;
  // The closing quote of the quoted field n opened at p, or nullptr with *reason set.
  const char* FindClose(int n, const char* p, const char* e, std::string* reason) const;
  bool Reject(std::string* reason, const ColumnDef& col, std::string_view value,
              const char* what) const {
    *reason = fmt::format("field {}: '{}' is not {}", layout_.fields[col.field].name,
                          ClipForReason(value, 64), what);
    return false;
  }
  // Decodes and validates every column whose field is among the first n.
  bool DecodeAll(int n, std::string* reason);
  // Sets the reason for a line of n < min_fields fields.
  void TooShort(int n, std::string* reason);

  const Layout& layout_;
  const std::vector<ColumnDef>& columns_;
  std::vector<bool> wanted_;
  std::vector<Field> fields_;
  std::vector<Value> values_;
  bool has_quoted_ = false;
  int complete_ = 0;  // after Tokenize fails: the fields before the one that failed
};

// Does the text from r, where field j starts, read as the layout's fields j, j+1, ...? Up to
// `depth` fields are looked at: a bare field must be a token without quotes; a quoted field a
// quoted value whose closing quote in turn leaves a line that reads on (its first few closing
// candidates are tried) or, unless `strict`, a token without quotes. (AWS always quotes those
// fields, "-" included; some published samples do not.) Fields past the layout (added by AWS
// later) may hold anything.
bool ElbParser::ReadsAsFields(int j, const char* r, const char* e, int depth, bool strict) const {
  if (j >= static_cast<int>(layout_.fields.size())) return true;
  if (layout_.fields[j].quoting == Quoting::kQuoted && (strict || *r == '"')) {
    if (*r != '"') return false;
    int tries = 0;
    for (const char* c = FindCloseCandidate(r + 1, e); c != nullptr && tries < 4;
         c = FindCloseCandidate(c + 1, e), ++tries) {
      if (ReadsOnAfter(j, c + 1, e, depth - 1, strict)) return true;
    }
    return false;
  }
  const char* s = FindSpace(r, e);
  if (s == r || std::memchr(r, '"', static_cast<size_t>(s - r)) != nullptr) return false;
  return ReadsOnAfter(j, s, e, depth - 1, strict);
}

// Field j ended just before s: the line may end there only after the oldest generation's last
// field; otherwise a space and `depth` more fields that read as the layout's follow.
bool ElbParser::ReadsOnAfter(int j, const char* s, const char* e, int depth, bool strict) const {
  if (s == e) return j + 1 >= layout_.min_fields;
  if (depth <= 0) return true;
  // s is a space, and the line does not end with one (trailing spaces are stripped).
  return ReadsAsFields(j + 1, s + 1, e, depth, strict);
}

// A quote followed by a space (or the line's end) is a candidate. Values rarely hold quotes
// (ALB writes a quote in a request as \x22), but clients' user agents and requests can, as
// sent. So:
//   1. the first candidate, when the value up to it holds no quote and the line reads on
//      after it (leniently: the fields after it as published samples write them);
//   2. else the first candidate after which the line reads on as AWS writes it (strictly);
//   3. else the first candidate, when the value up to it holds no quote (the line is cut
//      short or otherwise off: later checks say how);
//   4. else the opening quote has no closing quote: reading on would misplace every field.
const char* ElbParser::FindClose(int n, const char* p, const char* e, std::string* reason) const {
  const char* first = FindCloseCandidate(p + 1, e);
  if (first == nullptr) {
    *reason = fmt::format("field {}: quoted value has no closing quote", layout_.fields[n].name);
    return nullptr;
  }
  const bool plain = std::memchr(p + 1, '"', static_cast<size_t>(first - (p + 1))) == nullptr;
  if (plain && ReadsOnAfter(n, first + 1, e, 4, /*strict=*/false)) return first;
  for (const char* q = first; q != nullptr; q = FindCloseCandidate(q + 1, e)) {
    if (ReadsOnAfter(n, q + 1, e, 4, /*strict=*/true)) return q;
  }
  if (plain) return first;
  *reason = fmt::format(
      "field {}: quoted value has no closing quote followed by the fields that come after it",
      layout_.fields[n].name);
  return nullptr;
}

int ElbParser::Tokenize(const char* p, const char* e, std::string* reason) {
  // Nearly every line holds no quote but those around quoted fields: read it so, with each
  // quoted value closing at its first candidate. If that reading is consistent (no quote
  // inside a value, no quote in a bare field, enough fields), FindClose would find the same
  // closing quotes, as the line reads on after each of them. Otherwise read the line again
  // with FindClose.
  bool odd = false;
  if (has_quoted_) {
    const int n = Tokenize(p, e, /*careful=*/false, &odd, reason);
    if (!odd) return n;
  }
  return Tokenize(p, e, /*careful=*/true, &odd, reason);
}

int ElbParser::Tokenize(const char* p, const char* e, bool careful, bool* odd,
                        std::string* reason) {
  const int count = static_cast<int>(layout_.fields.size());
  int n = 0;
  complete_ = 0;
  while (n < count) {
    complete_ = n;
    const FieldSpec& spec = layout_.fields[n];
    if (spec.quoting == Quoting::kQuoted && *p == '"') {
      const char* close;
      if (careful) {
        close = FindClose(n, p, e, reason);
        if (close == nullptr) return -1;
      } else {
        close = FindCloseCandidate(p + 1, e);
        if (close == nullptr ||
            std::memchr(p + 1, '"', static_cast<size_t>(close - (p + 1))) != nullptr) {
          *odd = true;
          return 0;
        }
      }
      fields_[n] = {p + 1, close};
      p = close + 1;
    } else {
      const char* s = FindSpace(p, e);
      if (s == p) {
        if (!careful) {
          *odd = true;  // the careful reading says why
          return 0;
        }
        *reason = n == 0 ? std::string("line starts with a space")
                         : fmt::format("field {} is empty (two spaces in a row)", spec.name);
        return -1;
      }
      if (has_quoted_ && std::memchr(p, '"', static_cast<size_t>(s - p)) != nullptr) {
        // Only quoted fields may hold quotes: the quoting of the line is off.
        if (!careful) {
          *odd = true;
          return 0;
        }
        *reason = fmt::format("field {}: '{}' holds a quote, which only quoted fields may",
                              spec.name, ClipForReason(std::string_view(p, static_cast<size_t>(s - p)), 64));
        return -1;
      }
      fields_[n] = {p, s};
      p = s;
    }
    ++n;
    if (p >= e) break;
    ++p;  // the separating space; more follows, as the line does not end with a space
  }
  if (n < layout_.min_fields) *odd = true;
  return n;
}

void ElbParser::TooShort(int n, std::string* reason) {
  // A line of another format is usually short too: say what is wrong with the fields it has,
  // when something is (the last one may merely be cut off, so it is not judged).
  if (!DecodeAll(n - 1, reason)) return;
  *reason = fmt::format("line ends after {} field{}; at least {} expected", n, n == 1 ? "" : "s",
                        layout_.min_fields);
}

bool ElbParser::DecodeAll(int n, std::string* reason) {
  bool have_request = false;
  RequestParts request;
  int split_field = -1;
  std::string_view ip;
  int port = 0;
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnDef& col = columns_[c];
    Value& v = values_[c];
    v.null = true;
    if (col.field >= n) continue;  // the line's generation has no such field
    const Field f = fields_[col.field];
    const std::string_view s(f.b, static_cast<size_t>(f.e - f.b));
    const bool dash = s.size() == 1 && s[0] == '-';
    switch (col.decode) {
      case Decode::kString:
        if (!dash) v = {false, 0, s};
        break;
      case Decode::kWord:
        if (!IsWord(s)) return Reject(reason, col, s, "a type (lowercase letters and digits)");
        v = {false, 0, s};
        break;
      case Decode::kVersion:
        if (!IsVersion(s)) return Reject(reason, col, s, "a version such as 2.0");
        v = {false, 0, s};
        break;
      case Decode::kTime:
      case Decode::kTimeRequired: {
        if (dash && col.decode == Decode::kTime) break;
        int64_t t;
        if (!ParseIsoTime(s, &t)) {
          return Reject(reason, col, s, "an ISO-8601 time such as 2018-07-02T22:23:00.186641Z");
        }
        v = {false, t, {}};
        break;
      }
      case Decode::kIp:
      case Decode::kPort: {
        if (dash) break;
        if (split_field != col.field) {  // the ip and port columns share their field
          if (!SplitIpPort(s, &ip, &port)) return Reject(reason, col, s, "an IP address and port");
          split_field = col.field;
        }
        if (col.decode == Decode::kIp) {
          v = {false, 0, ip};
        } else {
          v = {false, port, {}};
        }
        break;
      }
      case Decode::kSeconds: {
        if (dash || IsMinusOne(s)) break;
        double d;
        if (!ParseSeconds(s, &d)) return Reject(reason, col, s, "a number of seconds (or -1)");
        int64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        v = {false, bits, {}};
        break;
      }
      case Decode::kStatus: {
        if (dash) break;
        if (s.size() > 3 || !AllDigits(s)) return Reject(reason, col, s, "an HTTP status code");
        int64_t x;
        ParseInt64(s, &x);
        v = {false, x, {}};
        break;
      }
      case Decode::kCount:
      case Decode::kSmallCount: {
        if (dash) break;
        int64_t x;
        const bool small = col.decode == Decode::kSmallCount;
        if (!AllDigits(s) || !ParseInt64(s, &x) ||
            (small && x > std::numeric_limits<int32_t>::max())) {
          return Reject(reason, col, s,
                        small ? "a non-negative 32-bit integer" : "a non-negative 64-bit integer");
        }
        v = {false, x, {}};
        break;
      }
      case Decode::kInt: {
        if (dash) break;
        int64_t x;
        if (!ParseInt64(s, &x) || x < std::numeric_limits<int32_t>::min() ||
            x > std::numeric_limits<int32_t>::max()) {
          return Reject(reason, col, s, "a 32-bit integer");
        }
        v = {false, x, {}};
        break;
      }
      case Decode::kMethod:
      case Decode::kUrl:
      case Decode::kProtocol: {
        if (dash) break;
        if (!have_request) {
          request = SplitRequest(s);
          have_request = true;
        }
        std::string_view part = col.decode == Decode::kMethod ? request.method
                                : col.decode == Decode::kUrl  ? request.url
                                                              : request.protocol;
        if (!part.empty()) v = {false, 0, part};
        break;
      }
    }
  }
  return true;
}

LineResult ElbParser::Parse(std::string_view line, RowBatch& batch, size_t row,
                            std::string* reason) {
  const char* p = line.data();
  const char* e = p + line.size();
  // A trailing '\r' (CRLF files) and trailing spaces are not part of the last field.
  while (e > p && (e[-1] == '\r' || e[-1] == ' ')) --e;
  if (e == p) return LineResult::kSkip;  // blank
  // No field can hold a NUL: such a line is binary data or a damaged file.
  // Values become VARCHAR, which must be UTF-8.
  if (!CheckLine(p, e, reason)) return LineResult::kReject;
  const int n = Tokenize(p, e, reason);
  if (n < 0) {
    // Report the first problem of the line: one in a field before the one that did not
    // tokenize comes first (a line of another format often fails both ways).
    std::string earlier;
    if (!DecodeAll(complete_, &earlier)) *reason = std::move(earlier);
    return LineResult::kReject;
  }
  if (n < layout_.min_fields) {
    TooShort(n, reason);
    return LineResult::kReject;
  }
  if (!DecodeAll(n, reason)) return LineResult::kReject;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (!wanted_[c]) continue;
    const Value& v = values_[c];
    batch.nulls(c)[row] = v.null ? 1 : 0;
    if (v.null) continue;
    if (columns_[c].type == ColumnType::kVarchar) {
      batch.strings(c)[row] = v.s;
    } else {
      batch.ints(c)[row] = v.i;
    }
  }
  return LineResult::kRow;
}

}  // namespace

Schema MakeSchema(const std::vector<ColumnDef>& columns) {
  Schema schema;
  schema.reserve(columns.size());
  for (const ColumnDef& c : columns) schema.push_back({c.name, c.type, c.doc});
  return schema;
}

std::unique_ptr<LineParser> MakeElbParser(const Layout* layout,
                                          const std::vector<ColumnDef>* columns,
                                          const std::vector<bool>& wanted) {
  return std::make_unique<ElbParser>(layout, columns, wanted);
}

bool ParseIsoTime(std::string_view s, int64_t* micros) {
  // YYYY-MM-DDTHH:MM:SS
  if (s.size() < 19) return false;
  const char* p = s.data();
  auto num = [&](size_t pos, size_t n, unsigned* v) {
    *v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!IsDigit(p[i])) return false;
      *v = *v * 10 + static_cast<unsigned>(p[i] - '0');
    }
    return true;
  };
  unsigned y, mo, d, h, mi, sec;
  if (!num(0, 4, &y) || p[4] != '-' || !num(5, 2, &mo) || p[7] != '-' || !num(8, 2, &d) ||
      p[10] != 'T' || !num(11, 2, &h) || p[13] != ':' || !num(14, 2, &mi) || p[16] != ':' ||
      !num(17, 2, &sec) || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 ||
      mi > 59 || sec > 60) {
    return false;
  }
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t digits = 0;
    while (i < s.size() && IsDigit(s[i])) {
      if (digits < 6) frac = frac * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0 || digits > 9) return false;
    for (size_t k = digits; k < 6; ++k) frac *= 10;
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  if (i != s.size()) return false;
  *micros = (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * kMicrosPerSecond + frac;
  return true;
}

bool SplitIpPort(std::string_view s, std::string_view* ip, int* port) {
  std::string_view host, digits;
  if (!s.empty() && s[0] == '[') {
    const size_t close = s.find("]:");
    if (close == std::string_view::npos) return false;
    host = s.substr(1, close - 1);
    digits = s.substr(close + 2);
    if (!IsIpv6(host)) return false;
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = s.substr(0, colon);
    digits = s.substr(colon + 1);
    const bool v6 = host.find(':') != std::string_view::npos;
    if (v6 ? !IsIpv6(host) : !IsIpv4(host)) return false;
  }
  if (digits.size() > 5 || !AllDigits(digits)) return false;
  int64_t v;
  ParseInt64(digits, &v);
  if (v > 65535) return false;
  *ip = host;
  *port = static_cast<int>(v);
  return true;
}

RequestParts SplitRequest(std::string_view r) {
  // "METHOD protocol://host:port/uri VERSION". ELB writes "- - -" (and, for requests it could
  // not read, "- http://host:port- -" or a trailing space) where parts are unknown.
  while (!r.empty() && r.back() == ' ') r.remove_suffix(1);
  RequestParts out;
  const size_t sp = r.find(' ');
  out.method = r.substr(0, sp);
  if (sp != std::string_view::npos) {
    std::string_view rest = r.substr(sp + 1);
    const size_t last = rest.rfind(' ');
    std::string_view tail = last == std::string_view::npos ? std::string_view() : rest.substr(last + 1);
    if (!tail.empty() && (tail == "-" || tail.substr(0, 5) == "HTTP/")) {
      out.protocol = tail;
      out.url = rest.substr(0, last);
    } else {
      out.url = rest;
    }
  }
  for (std::string_view* part : {&out.method, &out.url, &out.protocol}) {
    if (*part == "-") *part = {};
  }
  return out;
}

std::optional<int64_t> TimeFromElbKey(std::string_view key, LbKind kind) {
  const size_t slash = key.rfind('/');
  std::string_view base = slash == std::string_view::npos ? key : key.substr(slash + 1);
  constexpr std::string_view kTag = "_elasticloadbalancing_";
  const size_t at = base.find(kTag);
  if (at == std::string_view::npos) return {};
  std::string_view rest = base.substr(at + kTag.size());  // region_lbid_time_...
  const size_t u1 = rest.find('_');
  if (u1 == std::string_view::npos) return {};
  rest = rest.substr(u1 + 1);
  const size_t u2 = rest.find('_');
  if (u2 == std::string_view::npos) return {};
  const std::string_view lb = rest.substr(0, u2);
  const std::string_view t = rest.substr(u2 + 1);
  const bool app = lb.substr(0, 4) == "app.";
  const bool net = lb.substr(0, 4) == "net.";
  const bool other_v2 = lb.substr(0, 4) == "gwy.";
  switch (kind) {
    case LbKind::kApplication:
      if (!app) return {};
      break;
    case LbKind::kNetwork:
      if (!net) return {};
      break;
    case LbKind::kClassic:
      if (app || net || other_v2 || lb.empty()) return {};
      break;
  }
  // YYYYMMDDTHHMMZ, then '_' (or the extension).
  if (t.size() < 14 || t[8] != 'T' || t[13] != 'Z' || (t.size() > 14 && t[14] != '_' && t[14] != '.')) {
    return {};
  }
  auto num = [&](size_t pos, size_t n, unsigned* v) {
    *v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!IsDigit(t[i])) return false;
      *v = *v * 10 + static_cast<unsigned>(t[i] - '0');
    }
    return true;
  };
  unsigned y, mo, d, h, mi;
  if (!num(0, 4, &y) || !num(4, 2, &mo) || !num(6, 2, &d) || !num(9, 2, &h) || !num(11, 2, &mi) ||
      mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59) {
    return {};
  }
  return (DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60) * kMicrosPerSecond;
}

}  // namespace silt::formats::elb
