#include "silt/common/time_format.h"

#include <gtest/gtest.h>

#include "silt/common/civil_time.h"

namespace silt {
namespace {

std::string Fmt(const TimeFormat& f, std::string_view t) {
  int64_t us;
  return f.ToMicros(t, &us) ? FormatTimestampUtc(us) : "no";
}

TEST(TimeFormat, Iso8601) {
  auto f = *TimeFormat::Parse("iso8601");
  EXPECT_EQ(Fmt(f, "2024-03-01T12:34:56Z"), "2024-03-01T12:34:56Z");
  EXPECT_EQ(Fmt(f, "2024-03-01 12:34:56.123456789+05:30"), "2024-03-01T07:04:56.123456Z");
  EXPECT_EQ(Fmt(f, "2024-03-01T12:34:56-0700"), "2024-03-01T19:34:56Z");
  EXPECT_EQ(Fmt(f, "2024-03-01T12:34"), "2024-03-01T12:34:00Z");
  EXPECT_EQ(Fmt(f, "2024-03-01"), "2024-03-01T00:00:00Z");
  EXPECT_EQ(Fmt(f, "2024-02-30T00:00:00Z"), "no");
  EXPECT_EQ(Fmt(f, "2024-03-01T12:34:56Zjunk"), "no");
  EXPECT_EQ(Fmt(f, "yesterday"), "no");
}

TEST(TimeFormat, Epochs) {
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_s"), "1709296496"), "2024-03-01T12:34:56Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_s"), "1709296496.5"), "2024-03-01T12:34:56.500000Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_ms"), "1709296496123"), "2024-03-01T12:34:56.123000Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("auto"), "1709296496123"), "2024-03-01T12:34:56.123000Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("auto"), "1709296496"), "2024-03-01T12:34:56Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("auto"), "2024-03-01T12:34:56Z"), "2024-03-01T12:34:56Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_s"), "12x"), "no");
  // Exact to the microsecond far from 1970 (no detour through a double).
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_ms"), "99999999999999"), "5138-11-16T09:46:39.999000Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_ms"), "253402300799999"), "9999-12-31T23:59:59.999000Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("auto"), "253402300799999"), "9999-12-31T23:59:59.999000Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_us"), "253402300799999999"), "9999-12-31T23:59:59.999999Z");
  // Fractions beyond the microsecond round half up; a negative time counts back from 1970.
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_s"), "1709296496.1234565"), "2024-03-01T12:34:56.123457Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_s"), "1709296496.1234564999"), "2024-03-01T12:34:56.123456Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_ms"), "1709296496123.5"), "2024-03-01T12:34:56.123500Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_us"), "1709296496123456.5"), "2024-03-01T12:34:56.123457Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_s"), "-1.5"), "1969-12-31T23:59:58.500000Z");
  // Past the range of a 64-bit microsecond count: not a time.
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_s"), "99999999999999"), "no");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("epoch_us"), "9999999999999999999"), "no");
}

TEST(TimeFormat, Patterns) {
  EXPECT_EQ(Fmt(*TimeFormat::Parse("%d/%b/%Y:%H:%M:%S %z"), "06/Feb/2019:00:00:38 +0000"),
            "2019-02-06T00:00:38Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("%Y-%m-%d %T.%f"), "2024-03-01 01:02:03.5"),
            "2024-03-01T01:02:03.500000Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("%b %e %T"), "Mar  1 01:02:03"), "1970-03-01T01:02:03Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("%Y %j"), "2024 061"), "2024-03-01T00:00:00Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("%s"), "1709296496"), "2024-03-01T12:34:56Z");
  EXPECT_EQ(Fmt(*TimeFormat::Parse("%Y-%m-%d"), "2024-3-1x"), "no");
  EXPECT_FALSE(TimeFormat::Parse("%Q").ok());
}

}  // namespace
}  // namespace silt
