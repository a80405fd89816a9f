// Typed primitive values (partition values, column bounds) and Iceberg's single-value binary
// serialization (spec Appendix D), used for lower/upper bounds and partition summaries.
//
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "silt/common/status.h"
#include "silt/iceberg/schema.h"

namespace silt::iceberg {

// A value of a primitive Iceberg type, or null of that type. Storage by type:
// boolean -> bool; int, date (days) -> int32; long, time, timestamp, timestamptz (micros) ->
// int64; float; double; decimal -> the unscaled 128-bit integer; string (UTF-8), uuid (16
// bytes, big-endian), fixed, binary -> bytes.
class Literal {
 public:
  Literal() = default;  // null of no type; used only as a placeholder
  static Literal Null(TypePtr type);
  static Literal Boolean(bool v);
  static Literal Int(int32_t v);
  static Literal Long(int64_t v);
  static Literal Float(float v);
  static Literal Double(double v);
  static Literal Decimal(__int128 unscaled, int precision, int scale);
  static Literal Date(int32_t days);
  static Literal Time(int64_t micros);
  static Literal Timestamp(int64_t micros);
  static Literal TimestampTz(int64_t micros);
  static Literal String(std::string v);
  static Literal Uuid(std::string bytes16);
  static Literal Fixed(std::string v);
  static Literal Binary(std::string v);
  // A value of `type` from raw storage (int64 for int-like types; REQUIRES a primitive type).
  static Literal OfInt64(TypePtr type, int64_t v);

  const TypePtr& type() const { return type_; }
  TypeId type_id() const { return type_ ? type_->id : TypeId::kBoolean; }
  bool is_null() const { return null_; }

  bool as_bool() const { return i_ != 0; }
  int32_t as_int() const { return static_cast<int32_t>(i_); }  // int, date
  int64_t as_long() const { return i_; }                       // every integer-like type
  float as_float() const { return static_cast<float>(d_); }
  double as_double() const { return d_; }
  __int128 as_unscaled() const { return wide_; }               // decimal
  const std::string& as_bytes() const { return s_; }           // string, uuid, fixed, binary

  // Same type (Type::Equals) and same value; nulls of the same type are equal.
  bool operator==(const Literal& other) const;

  // Human-readable: "true", "34", "14.20", "2017-11-16", "22:31:08", "2017-11-16T22:31:08",
  // "2017-11-16T22:31:08Z" (timestamptz), the string itself, canonical uuid, binary/fixed as
  // base64; "null" for null. Used in partition paths.
  std::string ToString() const;

 private:
  TypePtr type_;
  bool null_ = true;
  int64_t i_ = 0;
  double d_ = 0;
  __int128 wide_ = 0;
  std::string s_;
};

// Compares two non-null values of the same type: <0, 0, >0. Strings and binary compare as
// unsigned bytes (UTF-8 byte order is code point order); floats order -0.0 before +0.0 and
// NaN after everything.
int Compare(const Literal& a, const Literal& b);

// Appendix D single-value serialization. InvalidArgument for null values.
Result<std::string> ToBytes(const Literal& value);
// The inverse for a primitive `type`. Corruption when the length is wrong for the type.
Result<Literal> FromBytes(const TypePtr& type, std::string_view bytes);

// The minimal big-endian two's-complement bytes of a decimal's unscaled value (>= 1 byte).
std::string DecimalToBytes(__int128 unscaled);
__int128 DecimalFromBytes(std::string_view bytes);  // REQUIRES 1..16 bytes

// "f79c3e09-677c-4bbd-a479-3f349cb785e7" <-> 16 bytes. InvalidArgument for malformed text.
Result<std::string> UuidFromString(std::string_view text);
std::string UuidToString(std::string_view bytes16);

// Bound truncation for metrics (Java's truncate(16) mode). Lower: the first `n` code points
// (string) or bytes (binary). Upper: the same with the last code point/byte incremented
// (carrying over 0xFF bytes / U+10FFFF); false when no upper bound of that length exists, in
// which case the bound must be omitted. Inputs that are already short enough come back
// unchanged. Strings must be valid UTF-8.
std::string TruncateStringLower(std::string_view utf8, size_t n);
bool TruncateStringUpper(std::string_view utf8, size_t n, std::string* out);
std::string TruncateBinaryLower(std::string_view bytes, size_t n);
bool TruncateBinaryUpper(std::string_view bytes, size_t n, std::string* out);

}  // namespace silt::iceberg
