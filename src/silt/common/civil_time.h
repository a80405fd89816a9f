// Calendar arithmetic for log timestamps, without time zone databases: logs carry explicit
// UTC offsets, and silt stores instants as microseconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace silt {

// Days since 1970-01-01 for a proleptic Gregorian date (any year, month 1..12, day 1..31).
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};
CivilDate CivilFromDays(int64_t days);

bool IsLeapYear(int64_t y);
unsigned DaysInMonth(int64_t y, unsigned m);

// "Jan" -> 1 ... "Dec" -> 12 (exact case as logs write it); 0 when not a month.
unsigned MonthFromAbbrev(const char* p);

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400LL * kMicrosPerSecond;

// "2024-03-01T12:34:56.000123Z" (microseconds shown only when non-zero).
std::string FormatTimestampUtc(int64_t micros);
// "2024-03-01"
std::string FormatDate(int64_t days);
// Parses "YYYY-MM-DD"; returns false when malformed or not a real date.
bool ParseDate(std::string_view text, int64_t* days);

}  // namespace silt
