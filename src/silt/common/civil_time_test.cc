#include "silt/common/civil_time.h"

#include <gtest/gtest.h>

namespace silt {
namespace {

TEST(CivilTime, DaysRoundTrip) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  for (int64_t d = -800000; d < 800000; d += 97) {
    CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
}

TEST(CivilTime, MonthsAndLeapYears) {
  EXPECT_EQ(MonthFromAbbrev("Jan"), 1u);
  EXPECT_EQ(MonthFromAbbrev("Dec"), 12u);
  EXPECT_EQ(MonthFromAbbrev("dec"), 0u);
  EXPECT_EQ(MonthFromAbbrev("Foo"), 0u);
  EXPECT_EQ(DaysInMonth(2024, 2), 29u);
  EXPECT_EQ(DaysInMonth(1900, 2), 28u);
  EXPECT_EQ(DaysInMonth(2000, 2), 29u);
}

TEST(CivilTime, Formatting) {
  EXPECT_EQ(FormatTimestampUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestampUtc(1549411238000000), "2019-02-06T00:00:38Z");
  EXPECT_EQ(FormatTimestampUtc(-1), "1969-12-31T23:59:59.999999Z");
  int64_t d;
  EXPECT_TRUE(ParseDate("2024-02-29", &d));
  EXPECT_EQ(FormatDate(d), "2024-02-29");
  EXPECT_FALSE(ParseDate("2023-02-29", &d));
  EXPECT_FALSE(ParseDate("2023-2-1", &d));
}

}  // namespace
}  // namespace silt
