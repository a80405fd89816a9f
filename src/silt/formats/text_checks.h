// Byte-level helpers every text format shares: SSE2 searches and the checks made on a line
// before it is tokenized (no NUL bytes; UTF-8, since values become VARCHAR).
#pragma once

#include <emmintrin.h>

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "silt/common/strings.h"

namespace silt::formats {

// First `c` in [p, e), or e. Loads 16 bytes at a time within [p, e) only.
inline const char* FindByte(const char* p, const char* e, char c) {
  const __m128i needle = _mm_set1_epi8(c);
  while (e - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)));
    if (mask != 0) return p + __builtin_ctz(mask);
    p += 16;
  }
  while (p < e && *p != c) ++p;
  return p;
}

inline const char* FindSpace(const char* p, const char* e) { return FindByte(p, e, ' '); }

// Whether [p, e) holds a NUL byte and whether it holds bytes >= 0x80 (one pass, 16 at a time).
inline void ScanBytes(const char* p, const char* e, bool* has_nul, bool* has_high) {
  const __m128i zero = _mm_setzero_si128();
  unsigned nul = 0, high = 0;
  while (e - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    nul |= static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
    high |= static_cast<unsigned>(_mm_movemask_epi8(v));
    p += 16;
  }
  for (; p < e; ++p) {
    nul |= *p == '\0';
    high |= static_cast<unsigned char>(*p) >= 0x80;
  }
  *has_nul = nul != 0;
  *has_high = high != 0;
}

// The line checks, given ScanBytes' answers: false with the standard reason when the line holds
// a NUL byte (binary data or a damaged file, never a log line) or is not UTF-8.
inline bool CheckLineBytes(const char* p, const char* e, bool has_nul, bool has_high,
                           std::string* reason) {
  if (has_nul) {
    *reason = "line contains a NUL byte (binary data, not a log line)";
    return false;
  }
  size_t bad = 0;
  if (has_high && !IsValidUtf8(std::string_view(p, static_cast<size_t>(e - p)), &bad)) {
    *reason = fmt::format("line is not valid UTF-8 (byte {} of the line)", bad);
    return false;
  }
  return true;
}

// A value as shown in a reject reason: at most `max` bytes, cut at a UTF-8 character
// boundary, "..." marking the cut.
inline std::string ClipForReason(std::string_view v, size_t max = 80) {
  if (v.size() <= max) return std::string(v);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
  return std::string(v.substr(0, n)) + "...";
}

inline bool CheckLine(const char* p, const char* e, std::string* reason) {
  bool has_nul, has_high;
  ScanBytes(p, e, &has_nul, &has_high);
  return CheckLineBytes(p, e, has_nul, has_high, reason);
}

}  // namespace silt::formats
