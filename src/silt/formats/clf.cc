#include "silt/formats/clf.h"

#include <emmintrin.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "silt/common/strings.h"
#include "silt/formats/s3_access.h"  // ParseClfTime
#include "silt/formats/text_checks.h"

namespace silt::formats {

namespace {

// Where each field goes; -1 for fields the format does not have.
struct Cols {
  int remote_host, ident, remote_user, time, request, status, bytes;
  int referer, user_agent;
  int vhost, port, forwarded_for;
  int method, uri, protocol;
};

constexpr Cols kClfCols = {ClfFormat::kRemoteHost,
                           ClfFormat::kIdent,
                           ClfFormat::kRemoteUser,
                           ClfFormat::kTime,
                           ClfFormat::kRequest,
                           ClfFormat::kStatus,
                           ClfFormat::kBytes,
                           -1,
                           -1,
                           ClfFormat::kVhost,
                           ClfFormat::kPort,
                           ClfFormat::kForwardedFor,
                           ClfFormat::kRequestMethod,
                           ClfFormat::kRequestUri,
                           ClfFormat::kRequestProtocol};

constexpr Cols kCombinedCols = {
    CombinedFormat::kRemoteHost,    CombinedFormat::kIdent,      CombinedFormat::kRemoteUser,
    CombinedFormat::kTime,          CombinedFormat::kRequest,    CombinedFormat::kStatus,
    CombinedFormat::kBytes,         CombinedFormat::kReferer,    CombinedFormat::kUserAgent,
    CombinedFormat::kVhost,         CombinedFormat::kPort,       CombinedFormat::kForwardedFor,
    CombinedFormat::kRequestMethod, CombinedFormat::kRequestUri, CombinedFormat::kRequestProtocol};

Schema MakeSchema(bool combined) {
  using T = ColumnType;
  Schema s = {
      {"remote_host", T::kVarchar,
       "Client address (%h, $remote_addr): IPv4, IPv6 or host name; the first address when the "
       "field holds an X-Forwarded-For list"},
      {"ident", T::kVarchar, "RFC 1413 identity of the client (%l); NULL when '-' (nearly always)"},
      {"remote_user", T::kVarchar,
       "User name the request authenticated as (%u, $remote_user); NULL when '-'"},
      {"time", T::kTimestampTz, "Time the request was received (%t, $time_local), UTC"},
      {"request", T::kVarchar,
       "Request line as received (%r, $request), escapes decoded; NULL when '-'"},
      {"status", T::kInt32, "Final HTTP status of the response (%>s, $status); NULL when '-'"},
      {"bytes", T::kInt64,
       "Response size in bytes (%b, %O, $body_bytes_sent); NULL when '-' (Apache's %b for 0)"},
  };
  if (combined) {
    s.push_back({"referer", T::kVarchar, "Referer request header (%{Referer}i); NULL when '-'"});
    s.push_back(
        {"user_agent", T::kVarchar, "User-Agent request header (%{User-agent}i); NULL when '-'"});
  }
  s.push_back({"vhost", T::kVarchar,
               "Virtual host (%v) when the line starts with one (vhost_combined); else NULL"});
  s.push_back({"port", T::kInt32, "Server port (%p) from a 'vhost:port' prefix; else NULL"});
  s.push_back({"forwarded_for", T::kVarchar,
               "The whole client address field when it is a list (X-Forwarded-For logged in "
               "place of %h); NULL when it holds one address"});
  s.push_back({"request_method", T::kVarchar,
               "Derived: request up to its first space (GET, POST, ...); NULL when the request "
               "does not split into method, URI and protocol (or HTTP/0.9's method and URI)"});
  s.push_back({"request_uri", T::kVarchar,
               "Derived: request between its first and last space (/index.html?q=1), as sent "
               "(not URL-decoded); after the method in HTTP/0.9's 'GET /'; NULL when the "
               "request does not split"});
  s.push_back({"request_protocol", T::kVarchar,
               "Derived: request after its last space (HTTP/1.1); NULL when the request does "
               "not split, and for HTTP/0.9's 'GET /'"});
  return s;
}

struct Span {
  const char* b = nullptr;
  const char* e = nullptr;
  size_t size() const { return static_cast<size_t>(e - b); }
  std::string_view view() const { return std::string_view(b, size()); }
};

inline bool IsDash(Span f) { return f.e - f.b == 1 && *f.b == '-'; }


inline const char* FindQuote(const char* p, const char* e) {
  const void* q = std::memchr(p, '"', static_cast<size_t>(e - p));
  return q != nullptr ? static_cast<const char*>(q) : nullptr;
}

// Whether [p, e) holds a NUL byte, bytes >= 0x80, and a backslash (one pass, 16 at a time).
inline void ScanBytes(const char* p, const char* e, bool* has_nul, bool* has_high,
                      bool* has_backslash) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i bs = _mm_set1_epi8('\\');
  unsigned nul = 0, high = 0, esc = 0;
  while (e - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    nul |= static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
    high |= static_cast<unsigned>(_mm_movemask_epi8(v));
    esc |= static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, bs)));
    p += 16;
  }
  for (; p < e; ++p) {
    nul |= *p == '\0';
    high |= static_cast<unsigned char>(*p) >= 0x80;
    esc |= *p == '\\';
  }
  *has_nul = nul != 0;
  *has_high = high != 0;
  *has_backslash = esc != 0;
}

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

// Whether the quote at q is escaped: preceded (within [b, q)) by an odd number of backslashes.
inline bool Escaped(const char* b, const char* q) {
  size_t n = 0;
  while (q > b && q[-1] == '\\') {
    --q;
    ++n;
  }
  return (n & 1) != 0;
}

inline int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the escapes Apache (ap_escape_logitem: \" \\ \b \n \r \t \v, \xhh for other bytes)
// and nginx (\xHH) write into `out`, which holds e - b bytes. A backslash that starts no
// escape is kept. Returns the decoded length.
size_t UnescapeInto(const char* b, const char* e, char* out) {
  char* o = out;
  while (b < e) {
    const char* bs = static_cast<const char*>(std::memchr(b, '\\', static_cast<size_t>(e - b)));
    if (bs == nullptr) {
      std::memcpy(o, b, static_cast<size_t>(e - b));
      o += e - b;
      break;
    }
    std::memcpy(o, b, static_cast<size_t>(bs - b));
    o += bs - b;
    b = bs;
    char c = b + 1 < e ? b[1] : '\0';
    char d = 0;
    int len = 2;
    switch (c) {
      case '"':
        d = '"';
        break;
      case '\\':
        d = '\\';
        break;
      case 'b':
        d = '\b';
        break;
      case 'n':
        d = '\n';
        break;
      case 'r':
        d = '\r';
        break;
      case 't':
        d = '\t';
        break;
      case 'v':
        d = '\v';
        break;
      case 'x': {
        int hi = e - b >= 4 ? HexDigit(b[2]) : -1;
        int lo = e - b >= 4 ? HexDigit(b[3]) : -1;
        if (hi < 0 || lo < 0) {
          len = 0;
        } else {
          d = static_cast<char>(hi * 16 + lo);
          len = 4;
        }
        break;
      }
      default:
        len = 0;
    }
    if (len == 0) {  // not an escape
      *o++ = '\\';
      ++b;
    } else {
      *o++ = d;
      b += len;
    }
  }
  return static_cast<size_t>(o - out);
}

// Text that a VARCHAR can hold and a reader can read: UTF-8 with no control characters
// other than tab.
bool IsReadableText(std::string_view s) {
  for (char ch : s) {
    unsigned char u = static_cast<unsigned char>(ch);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return IsValidUtf8(s);
}

// `f` for a reject reason: at most about 60 bytes, cut at a UTF-8 boundary.
std::string Excerpt(Span f) {
  std::string_view v = f.view();
  if (v.size() <= 64) return std::string(v);
  size_t cut = 60;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  return std::string(v.substr(0, cut)) + "...";
}

// "name:port" (port 0-65535; a name holding ':' must be [bracketed]) -> name, port.
bool SplitVhostPort(Span f, Span* name, int64_t* port) {
  const char* c = f.e;
  while (c > f.b && c[-1] != ':') --c;
  if (c == f.b || c - 1 == f.b || c == f.e || f.e - c > 5) return false;
  int64_t v = 0;
  for (const char* d = c; d < f.e; ++d) {
    unsigned x = static_cast<unsigned>(*d - '0');
    if (x > 9) return false;
    v = v * 10 + x;
  }
  if (v > 65535) return false;
  Span n{f.b, c - 1};
  if (std::memchr(n.b, ':', n.size()) != nullptr && (*n.b != '[' || n.e[-1] != ']')) return false;
  *name = n;
  *port = v;
  return true;
}

enum class Quoted { kRequest, kReferer, kUserAgent };

const char* QuotedName(Quoted k) {
  switch (k) {
    case Quoted::kRequest:
      return "request";
    case Quoted::kReferer:
      return "referer";
    case Quoted::kUserAgent:
      return "user_agent";
  }
  return "";
}

constexpr int kMaxPrefixGroups = 16;

class ClfParser final : public LineParser {
 public:
  ClfParser(bool combined, const Cols& cols, const std::vector<bool>& wanted)
      : combined_(combined), c_(cols), w_(wanted) {}

  LineResult Parse(std::string_view line, RowBatch& batch, size_t row,
                   std::string* reason) override;

 private:
  // Finds the fields and validates the typed ones; false with *reason set.
  bool Scan(const char* p, const char* e, std::string* reason);
  bool Prefix(const char* p, const char* pe, std::string* reason);
  // A quoted field (or bare '-') at *pp; leaves *pp at the space after it or at e.
  bool QuotedField(Quoted kind, const char** pp, const char* e, Span* out, std::string* reason);
  const char* FindClose(Quoted kind, const char* open, const char* e, bool* fit) const;
  bool Plausible(Quoted kind, const char* q, const char* e) const;
  bool Fail(std::string* reason, std::string text) const;

  bool W(int col) const { return col >= 0 && w_[static_cast<size_t>(col)]; }
  // Sets a text column ('-' is NULL, escapes decoded) and returns the value (empty view for
  // NULL).
  std::string_view SetText(RowBatch& b, int col, size_t row, Span f) const;
  std::string_view Text(RowBatch& b, Span f) const;

  const bool combined_;
  const Cols c_;
  std::vector<bool> w_;

  // Fields of the current line.
  Span vhost_, host_, ident_, user_, request_, referer_, agent_;
  bool has_vhost_ = false;
  bool has_port_ = false;
  int64_t port_ = 0;
  bool has_backslash_ = false;  // anywhere in the line: values may hold escapes
  int64_t time_ = 0;
  int64_t status_ = 0;
  bool status_null_ = false;
  int64_t bytes_ = 0;
  bool bytes_null_ = false;
  // The quoted field whose closing quote was a guess that swallowed another quote, or
  // nullptr: if the rest of the line then fails, that quote is the likely cause.
  const char* suspect_ = nullptr;
};

bool ClfParser::Fail(std::string* reason, std::string text) const {
  if (suspect_ != nullptr) {
    *reason = fmt::format(
        "field {}: quoted value has no closing quote followed by the fields that come after it",
        suspect_);
  } else {
    *reason = std::move(text);
  }
  return false;
}

// Does a closing quote at q (followed by a space or the line's end) leave a plausible rest of
// the line for the fields after `kind`?
bool ClfParser::Plausible(Quoted kind, const char* q, const char* e) const {
  const char* r = q + 1;
  switch (kind) {
    case Quoted::kRequest: {
      // status bytes, then (combined) the referer: quoted or '-'.
      if (r == e) return false;
      const char* a;
      if (!NumOrDashAt(r + 1, e, &a) || a >= e) return false;
      const char* b;
      if (!NumOrDashAt(a + 1, e, &b)) return false;
      if (!combined_) return true;
      return b + 1 < e && (b[1] == '"' || (b[1] == '-' && (b + 2 == e || b[2] == ' ')));
    }
    case Quoted::kReferer:
      // the user agent: quoted or '-'.
      if (r == e || r + 1 == e) return false;
      return r[1] == '"' || (r[1] == '-' && (r + 2 == e || r[2] == ' '));
    case Quoted::kUserAgent: {
      // The line's end, or added fields. If a quote follows, it must open a field (`"x"`,
      // `key="x"`); one that ends a token (`Safari/537.36"`) is the user agent's own closing
      // quote, so this one was inside it.
      if (r == e) return true;
      const char* nq = FindQuote(r + 1, e);
      return nq == nullptr || nq[-1] == ' ' || (nq[-1] == '=' && nq + 1 < e && nq[1] != ' ');
    }
  }
  return false;
}

const char* ClfParser::FindClose(Quoted kind, const char* open, const char* e, bool* fit) const {
  const char* first = nullptr;      // first unescaped quote followed by a space or the end
  const char* first_esc = nullptr;  // first escaped one
  for (const char* s = open + 1;;) {
    const char* q = FindQuote(s, e);
    if (q == nullptr) break;
    s = q + 1;
    if (q + 1 != e && q[1] != ' ') continue;
    if (Escaped(open + 1, q)) {
      if (first_esc == nullptr) first_esc = q;
      continue;
    }
    if (first == nullptr) first = q;
    if (Plausible(kind, q, e)) {
      *fit = true;
      return q;
    }
  }
  // Servers that do not escape (nginx escape=none) may end a value with a backslash.
  if (first_esc != nullptr) {
    for (const char* s = first_esc;;) {
      const char* q = FindQuote(s, e);
      if (q == nullptr) break;
      s = q + 1;
      if ((q + 1 == e || q[1] == ' ') && Escaped(open + 1, q) && Plausible(kind, q, e)) {
        *fit = true;
        return q;
      }
    }
  }
  *fit = false;
  return first != nullptr ? first : first_esc;
}

bool ClfParser::QuotedField(Quoted kind, const char** pp, const char* e, Span* out,
                            std::string* reason) {
  const char* p = *pp;
  if (p < e && *p == '"') {
    bool fit;
    const char* q = FindClose(kind, p, e, &fit);
    if (q == nullptr) {
      return Fail(reason,
                  fmt::format("field {}: quoted value has no closing quote", QuotedName(kind)));
    }
    // No closing quote fitted and the value swallowed another quote: most likely this quote
    // is unterminated.
    if (!fit && suspect_ == nullptr) {
      for (const char* s = FindQuote(p + 1, q); s != nullptr; s = FindQuote(s + 1, q)) {
        if (!Escaped(p + 1, s)) {
          suspect_ = QuotedName(kind);
          break;
        }
      }
    }
    *out = {p + 1, q};
    *pp = q + 1;
    return true;
  }
  if (p < e && *p == '-' && (p + 1 == e || p[1] == ' ')) {
    *out = {p, p + 1};
    *pp = p + 1;
    return true;
  }
  return Fail(reason, fmt::format("field {}: expected '\"' to open it, found '{}'",
                                  QuotedName(kind), Excerpt({p, FindSpace(p, e)})));
}

// The fields before the time: [vhost[:port]] remote_host ident remote_user, where remote_host
// may be a list ("203.0.113.7, 10.0.0.1") and remote_user may hold spaces.
bool ClfParser::Prefix(const char* p, const char* pe, std::string* reason) {
  Span g[kMaxPrefixGroups];
  int n = 0;
  for (const char* s = p; pe > p;) {
    const char* t = FindSpace(s, pe);
    if (n > 0 && g[n - 1].e > g[n - 1].b && g[n - 1].e[-1] == ',') {
      g[n - 1].e = t;  // the list goes on
    } else {
      if (n == kMaxPrefixGroups) {
        *reason = fmt::format(
            "more than {} fields before the time; expected [vhost] "
            "remote_host ident remote_user",
            kMaxPrefixGroups);
        return false;
      }
      g[n++] = {s, t};
    }
    if (t >= pe) break;
    s = t + 1;
  }
  if (n < 3) {
    *reason = fmt::format(
        "line has {} field{} before the time; expected remote_host ident "
        "remote_user [time]",
        n, n == 1 ? "" : "s");
    return false;
  }
  // Four or more fields: a virtual host comes first, unless the line reads as an ident of '-'
  // and a user name with spaces (`10.0.0.1 - John Smith [...]`).
  has_vhost_ = false;
  has_port_ = false;
  if (n >= 4) {
    Span name;
    if (SplitVhostPort(g[0], &name, &port_)) {
      has_vhost_ = true;
      has_port_ = true;
      vhost_ = name;
    } else if (!(IsDash(g[1]) && !IsDash(g[2]))) {
      has_vhost_ = true;
      vhost_ = g[0];
    }
  }
  const int h = has_vhost_ ? 1 : 0;
  host_ = g[h];
  ident_ = g[h + 1];
  user_ = {g[h + 2].b, g[n - 1].e};
  return true;
}

bool ClfParser::Scan(const char* p, const char* e, std::string* reason) {
  suspect_ = nullptr;
  // The time: the first '[' (at the start or after a space) that opens a [time]-shaped field;
  // failing that, the first '[' (to name it in the reason).
  const char* tb = nullptr;
  const char* first = nullptr;
  for (const char* s = p; s < e;) {
    const char* b = static_cast<const char*>(std::memchr(s, '[', static_cast<size_t>(e - s)));
    if (b == nullptr) break;
    if (b == p || b[-1] == ' ') {
      if (first == nullptr) first = b;
      if (e - b >= 28 && b[27] == ']' && b[3] == '/' && b[7] == '/' && b[12] == ':' &&
          b[21] == ' ') {
        tb = b;
        break;
      }
    }
    s = b + 1;
  }
  if (tb == nullptr) tb = first;
  if (tb == nullptr) {
    *reason =
        "field time: no '[' opening the time (expected remote_host ident remote_user "
        "[time] \"request\" status bytes)";
    return false;
  }
  if (!Prefix(p, tb == p ? p : tb - 1, reason)) return false;

  const char* close;
  if (e - tb >= 28 && tb[27] == ']') {
    close = tb + 27;
  } else {
    close = static_cast<const char*>(std::memchr(tb, ']', static_cast<size_t>(e - tb)));
    if (close == nullptr) {
      *reason = fmt::format("field time: no ']' closing the time '{}'", Excerpt({tb + 1, e}));
      return false;
    }
  }
  if (close - tb != 27 || !ParseClfTime(tb + 1, &time_)) {
    *reason = fmt::format("field time: '{}' is not a time like 10/Oct/2000:13:55:36 -0700",
                          Excerpt({tb + 1, close}));
    return false;
  }
  const char* r = close + 1;
  if (r < e && *r != ' ') {
    *reason = "field time: expected a space after ']'";
    return false;
  }
  if (r + 1 >= e) {
    *reason = "line ends after the time; \"request\" status bytes expected";
    return false;
  }
  ++r;
  if (!QuotedField(Quoted::kRequest, &r, e, &request_, reason)) return false;

  // status
  if (r >= e) return Fail(reason, "line ends after the request; status and bytes expected");
  ++r;
  Span st{r, FindSpace(r, e)};
  r = st.e;
  status_null_ = IsDash(st);
  if (!status_null_) {
    unsigned v = 0;
    bool ok = st.size() == 3;
    for (const char* c = st.b; ok && c < st.e; ++c) {
      unsigned d = static_cast<unsigned>(*c - '0');
      ok = d <= 9;
      v = v * 10 + d;
    }
    if (!ok) {
      return Fail(reason, fmt::format("field status: '{}' is not an HTTP status", Excerpt(st)));
    }
    status_ = v;
  }
  // bytes
  if (r >= e) return Fail(reason, "line ends after the status; bytes expected");
  ++r;
  Span by{r, FindSpace(r, e)};
  r = by.e;
  bytes_null_ = IsDash(by);
  if (!bytes_null_ && (by.size() == 0 || *by.b == '-' || !ParseInt64(by.view(), &bytes_))) {
    return Fail(reason, fmt::format("field bytes: '{}' is not a byte count (a non-negative "
                                    "64-bit integer, or -)",
                                    Excerpt(by)));
  }
  if (!combined_) return true;  // anything after the common fields is ignored

  if (r >= e) {
    return Fail(reason,
                "line ends after bytes; combined lines go on with \"referer\" "
                "\"user_agent\" (read common-format lines with format clf)");
  }
  ++r;
  if (!QuotedField(Quoted::kReferer, &r, e, &referer_, reason)) return false;
  if (r >= e) return Fail(reason, "line ends after the referer; \"user_agent\" expected");
  ++r;
  if (!QuotedField(Quoted::kUserAgent, &r, e, &agent_, reason)) return false;
  return true;  // fields after the user agent are ignored
}

std::string_view ClfParser::Text(RowBatch& b, Span f) const {
  std::string_view raw = f.view();
  if (!has_backslash_ || std::memchr(f.b, '\\', f.size()) == nullptr) return raw;
  char* dst = b.Allocate(f.size());
  size_t n = UnescapeInto(f.b, f.e, dst);
  std::string_view decoded(dst, n);
  // Escapes that decode to binary (a TLS handshake sent to an HTTP port) stay as logged.
  return IsReadableText(decoded) ? decoded : raw;
}

std::string_view ClfParser::SetText(RowBatch& b, int col, size_t row, Span f) const {
  if (IsDash(f)) {
    b.nulls(col)[row] = 1;
    return {};
  }
  std::string_view v = Text(b, f);
  b.nulls(col)[row] = 0;
  b.strings(col)[row] = v;
  return v;
}

inline void SetNull(RowBatch& b, int col, size_t row) {
  if (col >= 0) b.nulls(col)[row] = 1;
}

}  // namespace

LineResult ClfParser::Parse(std::string_view line, RowBatch& batch, size_t row,
                            std::string* reason) {
  const char* p = line.data();
  const char* e = p + line.size();
  if (e > p && e[-1] == '\r') --e;
  // No field of an access log holds a NUL (servers escape control bytes): such a line is
  // binary data or a damaged file.
  bool has_nul, has_high;
  ScanBytes(p, e, &has_nul, &has_high, &has_backslash_);
  if (has_nul) {
    *reason = "line contains a NUL byte (binary data, not a log line)";
    return LineResult::kReject;
  }
  // Values become VARCHAR, which must be UTF-8. Apache and nginx escape bytes >= 0x80 unless
  // told not to; unescaped text that is not UTF-8 cannot be stored.
  size_t bad = 0;
  if (has_high && !IsValidUtf8(std::string_view(p, static_cast<size_t>(e - p)), &bad)) {
    *reason = fmt::format("line is not valid UTF-8 (byte {} of the line)", bad);
    return LineResult::kReject;
  }
  // Every field is validated whether or not it is wanted, so that which lines are rejected
  // never depends on the query's projection.
  if (!Scan(p, e, reason)) return LineResult::kReject;

  if (W(c_.remote_host) || W(c_.forwarded_for)) {
    Span h = host_;
    const char* comma = static_cast<const char*>(std::memchr(h.b, ',', h.size()));
    if (comma == nullptr) {
      SetNull(batch, c_.forwarded_for, row);
    } else {
      if (W(c_.forwarded_for)) SetText(batch, c_.forwarded_for, row, h);
      h.e = comma;
      while (h.e > h.b && h.e[-1] == ' ') --h.e;
    }
    if (W(c_.remote_host)) SetText(batch, c_.remote_host, row, h);
  }
  if (W(c_.ident)) SetText(batch, c_.ident, row, ident_);
  if (W(c_.remote_user)) {
    // Apache writes an empty user name as "".
    if (user_.size() == 2 && user_.b[0] == '"' && user_.b[1] == '"') {
      batch.nulls(c_.remote_user)[row] = 0;
      batch.strings(c_.remote_user)[row] = std::string_view();
    } else {
      SetText(batch, c_.remote_user, row, user_);
    }
  }
  if (W(c_.time)) {
    batch.nulls(c_.time)[row] = 0;
    batch.ints(c_.time)[row] = time_;
  }
  if (W(c_.status)) {
    batch.nulls(c_.status)[row] = status_null_ ? 1 : 0;
    batch.ints(c_.status)[row] = status_;
  }
  if (W(c_.bytes)) {
    batch.nulls(c_.bytes)[row] = bytes_null_ ? 1 : 0;
    batch.ints(c_.bytes)[row] = bytes_;
  }
  if (W(c_.referer)) SetText(batch, c_.referer, row, referer_);
  if (W(c_.user_agent)) SetText(batch, c_.user_agent, row, agent_);
  if (W(c_.vhost)) {
    if (has_vhost_) {
      SetText(batch, c_.vhost, row, vhost_);
    } else {
      SetNull(batch, c_.vhost, row);
    }
  }
  if (W(c_.port)) {
    batch.nulls(c_.port)[row] = has_port_ ? 0 : 1;
    batch.ints(c_.port)[row] = port_;
  }
  const bool parts = W(c_.method) || W(c_.uri) || W(c_.protocol);
  if (W(c_.request) || parts) {
    std::string_view req;
    bool null = IsDash(request_);
    if (W(c_.request)) {
      req = SetText(batch, c_.request, row, request_);
    } else if (!null) {
      req = Text(batch, request_);
    }
    if (parts) {
      // method SP uri SP protocol; the URI is everything between the first and last space.
      size_t a = null ? std::string_view::npos : req.find(' ');
      size_t z = a == std::string_view::npos ? a : req.rfind(' ');
      // HTTP/0.9's simple request is "GET /path": a method (capital letters) and a URI, no
      // protocol (RFC 1945 section 5).
      const bool simple = a != std::string_view::npos && a > 0 && z == a && a + 1 < req.size() &&
                          std::all_of(req.begin(), req.begin() + static_cast<ptrdiff_t>(a),
                                      [](char ch) { return ch >= 'A' && ch <= 'Z'; });
      if (simple) {
        batch.nulls(c_.method)[row] = 0;
        batch.strings(c_.method)[row] = req.substr(0, a);
        batch.nulls(c_.uri)[row] = 0;
        batch.strings(c_.uri)[row] = req.substr(a + 1);
        SetNull(batch, c_.protocol, row);
      } else if (a == std::string_view::npos || a == 0 || z <= a + 1 || z + 1 == req.size()) {
        SetNull(batch, c_.method, row);
        SetNull(batch, c_.uri, row);
        SetNull(batch, c_.protocol, row);
      } else {
        batch.nulls(c_.method)[row] = 0;
        batch.strings(c_.method)[row] = req.substr(0, a);
        batch.nulls(c_.uri)[row] = 0;
        batch.strings(c_.uri)[row] = req.substr(a + 1, z - a - 1);
        batch.nulls(c_.protocol)[row] = 0;
        batch.strings(c_.protocol)[row] = req.substr(z + 1);
      }
    }
  }
  return LineResult::kRow;
}

ClfFormat::ClfFormat() : schema_(MakeSchema(false)) {}

std::unique_ptr<LineParser> ClfFormat::MakeParser(const std::vector<bool>& wanted) const {
  std::vector<bool> w = wanted;
  w.resize(schema_.size(), false);
  return std::make_unique<ClfParser>(false, kClfCols, w);
}

CombinedFormat::CombinedFormat() : schema_(MakeSchema(true)) {}

std::unique_ptr<LineParser> CombinedFormat::MakeParser(const std::vector<bool>& wanted) const {
  std::vector<bool> w = wanted;
  w.resize(schema_.size(), false);
  return std::make_unique<ClfParser>(true, kCombinedCols, w);
}

}  // namespace silt::formats
