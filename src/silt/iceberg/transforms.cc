#include "silt/iceberg/transforms.h"

#include <fmt/format.h>

#include "silt/common/civil_time.h"
#include "silt/iceberg/murmur3.h"

namespace silt::iceberg {
namespace {

constexpr int64_t kMicrosPerHour = 3600LL * kMicrosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool IsTemporal(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
}

bool IsBucketable(TypeId id) {
  switch (id) {
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kFixed:
    case TypeId::kBinary: return true;
    default: return false;
  }
}

// Days since the epoch of a date or timestamp literal.
int64_t EpochDays(const Literal& v) {
  if (v.type_id() == TypeId::kDate) return v.as_int();
  return FloorDiv(v.as_long(), kMicrosPerDay);
}

bool ParseParam(std::string_view text, std::string_view prefix, int* out) {
  if (!text.starts_with(prefix) || !text.ends_with("]")) return false;
  std::string_view digits = text.substr(prefix.size(), text.size() - prefix.size() - 1);
  if (digits.empty() || digits.size() > 9) return false;
  int v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Result<Transform> Transform::Parse(std::string_view text) {
  if (text == "identity") return Identity();
  if (text == "year") return Year();
  if (text == "month") return Month();
  if (text == "day") return Day();
  if (text == "hour") return Hour();
  if (text == "void") return Void();
  int n = 0;
  if (ParseParam(text, "bucket[", &n) && n > 0) return Bucket(n);
  if (ParseParam(text, "truncate[", &n) && n > 0) return Truncate(n);
  return Status::InvalidArgument("unknown partition transform \"" + std::string(text) + "\"");
}

std::string Transform::ToString() const {
  switch (kind_) {
    case TransformKind::kIdentity: return "identity";
    case TransformKind::kBucket: return "bucket[" + std::to_string(param_) + "]";
    case TransformKind::kTruncate: return "truncate[" + std::to_string(param_) + "]";
    case TransformKind::kYear: return "year";
    case TransformKind::kMonth: return "month";
    case TransformKind::kDay: return "day";
    case TransformKind::kHour: return "hour";
    case TransformKind::kVoid: return "void";
  }
  return "?";
}

std::string Transform::DefaultName(std::string_view source) const {
  std::string s(source);
  switch (kind_) {
    case TransformKind::kIdentity: return s;
    case TransformKind::kBucket: return s + "_bucket";
    case TransformKind::kTruncate: return s + "_trunc";
    case TransformKind::kYear: return s + "_year";
    case TransformKind::kMonth: return s + "_month";
    case TransformKind::kDay: return s + "_day";
    case TransformKind::kHour: return s + "_hour";
    case TransformKind::kVoid: return s + "_null";
  }
  return s;
}

Result<TypePtr> Transform::ResultType(const TypePtr& source) const {
  const TypeId id = source->id;
  bool ok = false;
  TypePtr result = source;
  switch (kind_) {
    case TransformKind::kIdentity:
    case TransformKind::kVoid: ok = source->is_primitive(); break;
    case TransformKind::kBucket: ok = IsBucketable(id); result = Type::Int(); break;
    case TransformKind::kTruncate:
      ok = id == TypeId::kInt || id == TypeId::kLong || id == TypeId::kDecimal ||
           id == TypeId::kString || id == TypeId::kBinary;
      break;
    case TransformKind::kYear:
    case TransformKind::kMonth: ok = IsTemporal(id); result = Type::Int(); break;
    case TransformKind::kDay: ok = IsTemporal(id); result = Type::Date(); break;
    case TransformKind::kHour:
      ok = id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
      result = Type::Int();
      break;
  }
  if (!ok) {
    return Status::InvalidArgument("transform " + ToString() + " cannot apply to type " +
                                   source->ToString());
  }
  return result;
}

Result<Literal> Transform::Apply(const Literal& v) const {
  if (!v.type()) return Status::InvalidArgument("partition source value has no type");
  SILT_ASSIGN_OR_RETURN(TypePtr result_type, ResultType(v.type()));
  if (v.is_null() || kind_ == TransformKind::kVoid) return Literal::Null(result_type);
  switch (kind_) {
    case TransformKind::kIdentity:
    case TransformKind::kVoid: return v;
    case TransformKind::kBucket: {
      SILT_ASSIGN_OR_RETURN(int32_t h, BucketHash(v));
      return Literal::Int((h & 0x7FFFFFFF) % param_);
    }
    case TransformKind::kTruncate: {
      const int64_t w = param_;
      switch (v.type_id()) {
        case TypeId::kInt: {
          const int64_t x = v.as_int();
          return Literal::Int(static_cast<int32_t>(x - (((x % w) + w) % w)));
        }
        case TypeId::kLong: {
          const int64_t x = v.as_long();
          return Literal::Long(x - (((x % w) + w) % w));
        }
        case TypeId::kDecimal: {
          const __int128 x = v.as_unscaled();
          return Literal::Decimal(x - (((x % w) + w) % w), v.type()->precision, v.type()->scale);
        }
        case TypeId::kString: return Literal::String(TruncateStringLower(v.as_bytes(), param_));
        default: return Literal::Binary(TruncateBinaryLower(v.as_bytes(), param_));
      }
    }
    case TransformKind::kYear:
      return Literal::Int(static_cast<int32_t>(CivilFromDays(EpochDays(v)).year - 1970));
    case TransformKind::kMonth: {
      const CivilDate d = CivilFromDays(EpochDays(v));
      return Literal::Int(static_cast<int32_t>((d.year - 1970) * 12 + (d.month - 1)));
    }
    case TransformKind::kDay: return Literal::Date(static_cast<int32_t>(EpochDays(v)));
    case TransformKind::kHour:
      return Literal::Int(static_cast<int32_t>(FloorDiv(v.as_long(), kMicrosPerHour)));
  }
  return Status::Internal("unreachable transform");
}

std::string Transform::ToHumanString(const Literal& p) const {
  if (p.is_null()) return "null";
  switch (kind_) {
    case TransformKind::kYear: return fmt::format("{:04d}", 1970 + static_cast<int64_t>(p.as_int()));
    case TransformKind::kMonth: {
      const int64_t m = p.as_int();
      return fmt::format("{:04d}-{:02d}", 1970 + FloorDiv(m, 12), m - FloorDiv(m, 12) * 12 + 1);
    }
    case TransformKind::kDay: return FormatDate(p.as_int());
    case TransformKind::kHour: {
      const int64_t h = p.as_int();
      const int64_t days = FloorDiv(h, 24);
      return fmt::format("{}-{:02d}", FormatDate(days), h - days * 24);
    }
    default: return p.ToString();
  }
}

Result<int32_t> BucketHash(const Literal& v) {
  if (v.is_null() || !v.type() || !IsBucketable(v.type_id())) {
    return Status::InvalidArgument("cannot bucket a value of type " +
                                   (v.type() ? v.type()->ToString() : std::string("(none)")));
  }
  switch (v.type_id()) {
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kFixed:
    case TypeId::kBinary: return Murmur3Hash32(v.as_bytes());
    case TypeId::kDecimal: return Murmur3Hash32(DecimalToBytes(v.as_unscaled()));
    default: {
      std::string le;
      const uint64_t x = static_cast<uint64_t>(v.as_long());
      for (int i = 0; i < 8; ++i) le.push_back(static_cast<char>((x >> (8 * i)) & 0xFF));
      return Murmur3Hash32(le);
    }
  }
}

std::string UrlEncodeComponent(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        c == '.' || c == '-' || c == '*' || c == '_') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace silt::iceberg
