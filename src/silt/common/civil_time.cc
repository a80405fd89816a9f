#include "silt/common/civil_time.h"

#include <fmt/format.h>

namespace silt {

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

unsigned MonthFromAbbrev(const char* p) {
  // Pack the three letters into an integer and compare.
  const uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(p[0])) << 16) |
                     (static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8) |
                     static_cast<uint32_t>(static_cast<unsigned char>(p[2]));
  constexpr auto K = [](const char* s) {
    return (static_cast<uint32_t>(s[0]) << 16) | (static_cast<uint32_t>(s[1]) << 8) |
           static_cast<uint32_t>(s[2]);
  };
  switch (v) {
    case K("Jan"): return 1;
    case K("Feb"): return 2;
    case K("Mar"): return 3;
    case K("Apr"): return 4;
    case K("May"): return 5;
    case K("Jun"): return 6;
    case K("Jul"): return 7;
    case K("Aug"): return 8;
    case K("Sep"): return 9;
    case K("Oct"): return 10;
    case K("Nov"): return 11;
    case K("Dec"): return 12;
    default: return 0;
  }
}

static int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string FormatTimestampUtc(int64_t micros) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  CivilDate d = CivilFromDays(days);
  int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", d.year, d.month, d.day,
                                secs / 3600, (secs / 60) % 60, secs % 60);
  if (frac != 0) out += fmt::format(".{:06d}", frac);
  out += 'Z';
  return out;
}

std::string FormatDate(int64_t days) {
  CivilDate d = CivilFromDays(days);
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

bool ParseDate(std::string_view t, int64_t* days) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  auto digits = [&](size_t pos, size_t n, unsigned* out) {
    unsigned v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + static_cast<unsigned>(t[i] - '0');
    }
    *out = v;
    return true;
  };
  unsigned y, m, d;
  if (!digits(0, 4, &y) || !digits(5, 2, &m) || !digits(8, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return false;
  *days = DaysFromCivil(y, m, d);
  return true;
}

}  // namespace silt
