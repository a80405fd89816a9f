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
