// Timestamps written in user-declared formats (csv, jsonl and regex formats).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "silt/common/status.h"

namespace silt {

// A parsed time format:
//   "iso8601"   2024-03-01T12:34:56Z, 2024-03-01 12:34:56.123+05:30, 2024-03-01T12:34:56
//               (no zone = UTC), 2024-03-01 (midnight UTC)
//   "epoch_s", "epoch_ms", "epoch_us"  integer or decimal seconds / milliseconds / microseconds
//   "auto"      iso8601, or epoch seconds/milliseconds told apart by magnitude
//   otherwise a strptime-like pattern: %Y %m %d %H %M %S %f (fraction, 1-9 digits) %z (+hhmm,
//   +hh:mm, Z) %b (Jan..Dec) %e (day, space-padded) %j (day of year) %T (= %H:%M:%S) %s
//   (epoch seconds) %% and literal characters; fields missing from the pattern default to
//   1970-01-01 00:00:00 UTC.
class TimeFormat {
 public:
  // InvalidArgument for an unknown %-directive.
  static Result<TimeFormat> Parse(std::string_view spec);
  // Microseconds since the epoch, UTC; false when `text` does not match.
  bool ToMicros(std::string_view text, int64_t* micros) const;
  const std::string& spec() const { return spec_; }

 private:
  enum class Kind { kIso8601, kEpochS, kEpochMs, kEpochUs, kAuto, kPattern };
  Kind kind_ = Kind::kIso8601;
  std::string spec_;
};

// ISO-8601 / RFC 3339 date-time (see "iso8601" above).
bool ParseIso8601(std::string_view text, int64_t* micros);

}  // namespace silt
