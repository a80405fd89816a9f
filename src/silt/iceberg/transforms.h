// Iceberg partition transforms (spec "Partition Transforms", "Bucket Transform Details",
// "Truncate Transform Details"): identity, bucket[N], truncate[W], year, month, day, hour,
// void. A transform maps a source value to a partition value; every transform maps null to
// null.
//
// Thread safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "silt/common/status.h"
#include "silt/iceberg/literal.h"
#include "silt/iceberg/schema.h"

namespace silt::iceberg {

enum class TransformKind { kIdentity, kBucket, kTruncate, kYear, kMonth, kDay, kHour, kVoid };

class Transform {
 public:
  Transform() = default;  // identity
  static Transform Identity() { return Transform(TransformKind::kIdentity, 0); }
  static Transform Bucket(int n) { return Transform(TransformKind::kBucket, n); }
  static Transform Truncate(int width) { return Transform(TransformKind::kTruncate, width); }
  static Transform Year() { return Transform(TransformKind::kYear, 0); }
  static Transform Month() { return Transform(TransformKind::kMonth, 0); }
  static Transform Day() { return Transform(TransformKind::kDay, 0); }
  static Transform Hour() { return Transform(TransformKind::kHour, 0); }
  static Transform Void() { return Transform(TransformKind::kVoid, 0); }

  // "identity", "bucket[16]", "truncate[10]", "year", "month", "day", "hour", "void".
  // InvalidArgument for anything else (writers must never commit an unknown transform) and
  // for a bucket count or width below 1.
  static Result<Transform> Parse(std::string_view text);

  TransformKind kind() const { return kind_; }
  int param() const { return param_; }  // N of bucket[N], W of truncate[W]
  std::string ToString() const;
  bool operator==(const Transform&) const = default;

  // The partition value type for a source column of `source` type; InvalidArgument naming
  // both when the transform does not apply to that type (e.g. hour of a date).
  Result<TypePtr> ResultType(const TypePtr& source) const;

  // The partition value of `value` (null -> null). InvalidArgument when the transform does
  // not apply to the value's type.
  Result<Literal> Apply(const Literal& value) const;

  // The partition value as Iceberg's human string, used in partition paths: year "2017",
  // month "2017-11", day "2017-11-16", hour "2017-11-16-22", otherwise the value's own
  // Literal::ToString(); "null" for null.
  std::string ToHumanString(const Literal& partition_value) const;

  // Java's default partition field name: "<source>" for identity, "<source>_bucket",
  // "<source>_trunc", "<source>_year", ..., "<source>_null" for void.
  std::string DefaultName(std::string_view source_name) const;

 private:
  Transform(TransformKind kind, int param) : kind_(kind), param_(param) {}

  TransformKind kind_ = TransformKind::kIdentity;
  int param_ = 0;
};

// The 32-bit Murmur3 hash the bucket transform uses for a non-null value (spec Appendix B):
// int/long/date/time/timestamp(tz) hash their value as an 8-byte little-endian long, strings
// their UTF-8 bytes, uuids their 16 big-endian bytes, decimals the minimal big-endian bytes of
// the unscaled value, fixed/binary their bytes. InvalidArgument for other types.
Result<int32_t> BucketHash(const Literal& value);

// Escapes a partition name or value for a path like Java's URLEncoder (UTF-8): letters,
// digits and ".-*_" stay, space becomes '+', everything else %XX.
std::string UrlEncodeComponent(std::string_view s);

}  // namespace silt::iceberg
