#include "silt/common/strings.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace silt {

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool NeedsUrlDecode(std::string_view s) {
  for (size_t i = s.find('%'); i != std::string_view::npos; i = s.find('%', i + 1)) {
    if (i + 2 < s.size() + 0 && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) return true;
  }
  return false;
}

bool UrlDecode(std::string_view in, std::string* out) {
  bool changed = false;
  out->reserve(out->size() + in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size() + 0 && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out->push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
      changed = true;
    } else {
      out->push_back(c);
    }
  }
  return changed;
}

size_t UrlDecodeInto(std::string_view in, char* out) {
  const char* p = in.data();
  const char* e = p + in.size();
  char* o = out;
  while (p < e) {
    const char* pct = static_cast<const char*>(std::memchr(p, '%', static_cast<size_t>(e - p)));
    const char* run_end = pct != nullptr ? pct : e;
    std::memcpy(o, p, static_cast<size_t>(run_end - p));
    o += run_end - p;
    p = run_end;
    if (pct == nullptr) break;
    int hi, lo;
    if (e - p >= 3 && (hi = HexValue(p[1])) >= 0 && (lo = HexValue(p[2])) >= 0) {
      *o++ = static_cast<char>(hi * 16 + lo);
      p += 3;
    } else {
      *o++ = *p++;
    }
  }
  return static_cast<size_t>(o - out);
}

// Length of the well-formed UTF-8 sequence at p (p < e), or 0.
static size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* e) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](size_t i) { return p + i < e && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] > 0x8F) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

bool IsValidUtf8(std::string_view s, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* e = p + s.size();
  const auto* b = p;
  while (p < e) {
    // ASCII eight bytes at a time (log text is mostly ASCII).
    while (e - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if ((word & 0x8080808080808080ull) != 0) break;
      p += 8;
    }
    if (p == e) break;
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t n = Utf8SequenceLength(p, e);
    if (n == 0) {
      if (bad_offset != nullptr) *bad_offset = static_cast<size_t>(p - b);
      return false;
    }
    p += n;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view s) {
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* e = p + s.size();
  while (p < e) {
    size_t n = Utf8SequenceLength(p, e);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++p;
    } else {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    }
  }
  return out;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-') {
    neg = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  if (u == 0) return fmt::format("{} B", bytes);
  return fmt::format("{:.1f} {}", v, kUnits[u]);
}

bool ParseByteSize(std::string_view text, uint64_t* out) {
  size_t i = 0;
  uint64_t n = 0;
  bool any = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (n > (std::numeric_limits<uint64_t>::max() / 10) - 10) return false;
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
    any = true;
  }
  if (!any) return false;
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit;
  for (; i < text.size(); ++i) unit += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  uint64_t mult = 1;
  if (unit.empty() || unit == "B") {
    mult = 1;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    mult = 1ull << 10;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    mult = 1ull << 20;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    mult = 1ull << 30;
  } else if (unit == "T" || unit == "TB" || unit == "TIB") {
    mult = 1ull << 40;
  } else {
    return false;
  }
  if (n != 0 && mult > std::numeric_limits<uint64_t>::max() / n) return false;
  *out = n * mult;
  return true;
}

void JsonEscape(std::string_view in, std::string* out) {
  // Runs of characters that need no escape (nearly all of a key or a log line) are appended
  // whole: one append per run instead of one push_back per character.
  size_t run = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(in.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: *out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  out->append(in.data() + run, in.size() - run);
}

static bool MatchClass(std::string_view pat, size_t* pi, char c) {
  // pat[*pi] == '['
  size_t i = *pi + 1;
  bool negate = false;
  if (i < pat.size() && (pat[i] == '!' || pat[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < pat.size() && (first || pat[i] != ']')) {
    first = false;
    char lo = pat[i];
    char hi = lo;
    if (i + 2 < pat.size() && pat[i + 1] == '-' && pat[i + 2] != ']') {
      hi = pat[i + 2];
      i += 2;
    }
    if (c >= lo && c <= hi) matched = true;
    ++i;
  }
  if (i >= pat.size()) return false;  // unterminated class: no match
  *pi = i + 1;
  return matched != negate;
}

static bool GlobAt(std::string_view p, size_t pi, std::string_view t, size_t ti) {
  while (pi < p.size()) {
    char pc = p[pi];
    if (pc == '*') {
      bool dbl = pi + 1 < p.size() && p[pi + 1] == '*';
      size_t next = pi + (dbl ? 2 : 1);
      if (dbl && next < p.size() && p[next] == '/') {
        // "**/" also matches zero directories.
        if (GlobAt(p, next + 1, t, ti)) return true;
      }
      for (size_t k = ti; k <= t.size(); ++k) {
        if (GlobAt(p, next, t, k)) return true;
        if (k < t.size() && !dbl && t[k] == '/') break;
      }
      return false;
    }
    if (ti >= t.size()) return false;
    if (pc == '?') {
      if (t[ti] == '/') return false;
      ++pi;
      ++ti;
    } else if (pc == '[') {
      if (!MatchClass(p, &pi, t[ti])) return false;
      ++ti;
    } else {
      if (pc != t[ti]) return false;
      ++pi;
      ++ti;
    }
  }
  return ti == t.size();
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  return GlobAt(pattern, 0, text, 0);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string ClosestName(std::string_view key, const std::vector<std::string_view>& names) {
  std::string best;
  size_t best_d = 3;
  for (std::string_view n : names) {
    size_t d = EditDistance(key, n);
    if (d < best_d) {
      best_d = d;
      best = std::string(n);
    }
  }
  return best;
}

}  // namespace silt
