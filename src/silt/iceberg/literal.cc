#include "silt/iceberg/literal.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "silt/common/civil_time.h"

namespace silt::iceberg {
namespace {

Literal Make(TypePtr type) {
  return Literal::Null(std::move(type));
}

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(-(v + 1)) + 1
                            : static_cast<unsigned __int128>(v);
  std::string digits;
  while (u != 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) |
                       (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::string TimeOfDay(int64_t micros_of_day) {
  const int64_t secs = micros_of_day / kMicrosPerSecond;
  const int64_t frac = micros_of_day % kMicrosPerSecond;
  std::string out = fmt::format("{:02d}:{:02d}:{:02d}", secs / 3600, (secs / 60) % 60, secs % 60);
  if (frac != 0) out += fmt::format(".{:06d}", frac);
  return out;
}

void PutLittleEndian(uint64_t v, int n, std::string* out) {
  for (int i = 0; i < n; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t GetLittleEndian(std::string_view b) {
  uint64_t v = 0;
  for (size_t i = 0; i < b.size(); ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[i])) << (8 * i);
  return v;
}

// Decodes the code points of valid UTF-8.
std::vector<uint32_t> CodePoints(std::string_view s) {
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len && i + static_cast<size_t>(k) < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<uint8_t>(s[i + static_cast<size_t>(k)]) & 0x3F);
    }
    cps.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return cps;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int CompareBytes(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

template <typename T>
int CompareFloating(T a, T b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : an ? 1 : -1;
  if (a < b) return -1;
  if (a > b) return 1;
  const bool as = std::signbit(a), bs = std::signbit(b);  // -0.0 before +0.0
  return as == bs ? 0 : as ? -1 : 1;
}

}  // namespace

Literal Literal::Null(TypePtr type) {
  Literal l;
  l.type_ = std::move(type);
  return l;
}

#define SILT_LITERAL_INT(Name, TypeFn, CType)   \
  Literal Literal::Name(CType v) {              \
    Literal l = Make(Type::TypeFn());           \
    l.null_ = false;                            \
    l.i_ = v;                                   \
    return l;                                   \
  }
SILT_LITERAL_INT(Int, Int, int32_t)
SILT_LITERAL_INT(Long, Long, int64_t)
SILT_LITERAL_INT(Date, Date, int32_t)
SILT_LITERAL_INT(Time, Time, int64_t)
SILT_LITERAL_INT(Timestamp, Timestamp, int64_t)
SILT_LITERAL_INT(TimestampTz, TimestampTz, int64_t)
#undef SILT_LITERAL_INT

Literal Literal::Boolean(bool v) {
  Literal l = Make(Type::Boolean());
  l.null_ = false;
  l.i_ = v ? 1 : 0;
  return l;
}

Literal Literal::Float(float v) {
  Literal l = Make(Type::Float());
  l.null_ = false;
  l.d_ = v;
  return l;
}

Literal Literal::Double(double v) {
  Literal l = Make(Type::Double());
  l.null_ = false;
  l.d_ = v;
  return l;
}

Literal Literal::Decimal(__int128 unscaled, int precision, int scale) {
  Literal l = Make(Type::Decimal(precision, scale));
  l.null_ = false;
  l.wide_ = unscaled;
  return l;
}

#define SILT_LITERAL_BYTES(Name, TypeExpr)      \
  Literal Literal::Name(std::string v) {        \
    Literal l = Make(TypeExpr);                 \
    l.null_ = false;                            \
    l.s_ = std::move(v);                        \
    return l;                                   \
  }
SILT_LITERAL_BYTES(String, Type::String())
SILT_LITERAL_BYTES(Uuid, Type::Uuid())
SILT_LITERAL_BYTES(Binary, Type::Binary())
#undef SILT_LITERAL_BYTES

Literal Literal::Fixed(std::string v) {
  Literal l = Make(Type::Fixed(static_cast<int>(v.size())));
  l.null_ = false;
  l.s_ = std::move(v);
  return l;
}

Literal Literal::OfInt64(TypePtr type, int64_t v) {
  Literal l = Make(std::move(type));
  l.null_ = false;
  l.i_ = v;
  return l;
}

bool Literal::operator==(const Literal& o) const {
  if ((type_ == nullptr) != (o.type_ == nullptr)) return false;
  if (type_ && !type_->Equals(*o.type_)) return false;
  if (null_ || o.null_) return null_ == o.null_;
  return type_ ? Compare(*this, o) == 0 : true;
}

std::string Literal::ToString() const {
  if (null_ || !type_) return "null";
  switch (type_->id) {
    case TypeId::kBoolean: return as_bool() ? "true" : "false";
    case TypeId::kInt:
    case TypeId::kLong: return std::to_string(i_);
    case TypeId::kFloat: return fmt::format("{}", as_float());
    case TypeId::kDouble: return fmt::format("{}", d_);
    case TypeId::kDecimal: {
      const int scale = type_->scale;
      std::string digits = Int128ToString(wide_ < 0 ? -wide_ : wide_);
      if (scale > 0) {
        if (static_cast<int>(digits.size()) <= scale) {
          digits.insert(0, static_cast<size_t>(scale) - digits.size() + 1, '0');
        }
        digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
      }
      return wide_ < 0 ? "-" + digits : digits;
    }
    case TypeId::kDate: return FormatDate(i_);
    case TypeId::kTime: return TimeOfDay(i_);
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      const int64_t days = FloorDiv(i_, kMicrosPerDay);
      std::string out = FormatDate(days) + "T" + TimeOfDay(i_ - days * kMicrosPerDay);
      if (type_->id == TypeId::kTimestampTz) out += 'Z';
      return out;
    }
    case TypeId::kString: return s_;
    case TypeId::kUuid: return UuidToString(s_);
    case TypeId::kFixed:
    case TypeId::kBinary: return Base64(s_);
    default: return "?";
  }
}

int Compare(const Literal& a, const Literal& b) {
  switch (a.type_id()) {
    case TypeId::kFloat: return CompareFloating(a.as_float(), b.as_float());
    case TypeId::kDouble: return CompareFloating(a.as_double(), b.as_double());
    case TypeId::kDecimal:
      return a.as_unscaled() < b.as_unscaled() ? -1 : a.as_unscaled() > b.as_unscaled() ? 1 : 0;
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kFixed:
    case TypeId::kBinary: return CompareBytes(a.as_bytes(), b.as_bytes());
    default:
      return a.as_long() < b.as_long() ? -1 : a.as_long() > b.as_long() ? 1 : 0;
  }
}

std::string DecimalToBytes(__int128 v) {
  std::string be;
  for (int i = 15; i >= 0; --i) {
    be.push_back(static_cast<char>(static_cast<uint8_t>((static_cast<unsigned __int128>(v) >> (8 * i)) & 0xFF)));
  }
  // Drop leading bytes that only repeat the sign.
  size_t start = 0;
  while (start + 1 < be.size()) {
    const uint8_t b = static_cast<uint8_t>(be[start]);
    const uint8_t next = static_cast<uint8_t>(be[start + 1]);
    if ((b == 0x00 && (next & 0x80) == 0) || (b == 0xFF && (next & 0x80) != 0)) {
      ++start;
    } else {
      break;
    }
  }
  return be.substr(start);
}

__int128 DecimalFromBytes(std::string_view bytes) {
  unsigned __int128 u = (static_cast<uint8_t>(bytes[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (char c : bytes) u = (u << 8) | static_cast<uint8_t>(c);
  return static_cast<__int128>(u);
}

Result<std::string> ToBytes(const Literal& v) {
  if (v.is_null() || !v.type()) return Status::InvalidArgument("a null value has no binary form");
  std::string out;
  switch (v.type_id()) {
    case TypeId::kBoolean: out.push_back(v.as_bool() ? 1 : 0); break;
    case TypeId::kInt:
    case TypeId::kDate: PutLittleEndian(static_cast<uint32_t>(v.as_int()), 4, &out); break;
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: PutLittleEndian(static_cast<uint64_t>(v.as_long()), 8, &out); break;
    case TypeId::kFloat: {
      uint32_t bits;
      const float f = v.as_float();
      std::memcpy(&bits, &f, 4);
      PutLittleEndian(bits, 4, &out);
      break;
    }
    case TypeId::kDouble: {
      uint64_t bits;
      const double d = v.as_double();
      std::memcpy(&bits, &d, 8);
      PutLittleEndian(bits, 8, &out);
      break;
    }
    case TypeId::kDecimal: out = DecimalToBytes(v.as_unscaled()); break;
    case TypeId::kString:
    case TypeId::kUuid:
    case TypeId::kFixed:
    case TypeId::kBinary: out = v.as_bytes(); break;
    default: return Status::InvalidArgument("nested types have no single-value form");
  }
  return out;
}

Result<Literal> FromBytes(const TypePtr& type, std::string_view b) {
  auto need = [&](size_t n) -> Status {
    if (b.size() == n) return Status::OK();
    return Status::Corruption("a " + type->ToString() + " value needs " + std::to_string(n) +
                              " bytes, got " + std::to_string(b.size()));
  };
  switch (type->id) {
    case TypeId::kBoolean:
      SILT_RETURN_IF_ERROR(need(1));
      return Literal::Boolean(b[0] != 0);
    case TypeId::kInt:
    case TypeId::kDate:
      SILT_RETURN_IF_ERROR(need(4));
      return Literal::OfInt64(type, static_cast<int32_t>(static_cast<uint32_t>(GetLittleEndian(b))));
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      SILT_RETURN_IF_ERROR(need(8));
      return Literal::OfInt64(type, static_cast<int64_t>(GetLittleEndian(b)));
    case TypeId::kFloat: {
      SILT_RETURN_IF_ERROR(need(4));
      const uint32_t bits = static_cast<uint32_t>(GetLittleEndian(b));
      float f;
      std::memcpy(&f, &bits, 4);
      return Literal::Float(f);
    }
    case TypeId::kDouble: {
      SILT_RETURN_IF_ERROR(need(8));
      const uint64_t bits = GetLittleEndian(b);
      double d;
      std::memcpy(&d, &bits, 8);
      return Literal::Double(d);
    }
    case TypeId::kDecimal:
      if (b.empty() || b.size() > 16) {
        return Status::Corruption("a decimal value needs 1..16 bytes, got " +
                                  std::to_string(b.size()));
      }
      return Literal::Decimal(DecimalFromBytes(b), type->precision, type->scale);
    case TypeId::kString: return Literal::String(std::string(b));
    case TypeId::kUuid:
      SILT_RETURN_IF_ERROR(need(16));
      return Literal::Uuid(std::string(b));
    case TypeId::kFixed:
      SILT_RETURN_IF_ERROR(need(static_cast<size_t>(type->length)));
      return Literal::Fixed(std::string(b));
    case TypeId::kBinary: return Literal::Binary(std::string(b));
    default:
      return Status::InvalidArgument("nested types have no single-value form");
  }
}

Result<std::string> UuidFromString(std::string_view text) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' &&
      text[23] == '-') {
    for (size_t i = 0; i < text.size();) {
      if (text[i] == '-') {
        ++i;
        continue;
      }
      const int hi = hex(text[i]), lo = i + 1 < text.size() ? hex(text[i + 1]) : -1;
      if (hi < 0 || lo < 0) break;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    if (out.size() == 16) return out;
  }
  return Status::InvalidArgument("not a UUID: \"" + std::string(text) + "\"");
}

std::string UuidToString(std::string_view b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[static_cast<uint8_t>(b[i]) >> 4];
    out += kHex[static_cast<uint8_t>(b[i]) & 0xF];
  }
  return out;
}

std::string TruncateStringLower(std::string_view utf8, size_t n) {
  const std::vector<uint32_t> cps = CodePoints(utf8);
  if (cps.size() <= n) return std::string(utf8);
  std::string out;
  for (size_t i = 0; i < n; ++i) AppendUtf8(cps[i], &out);
  return out;
}

bool TruncateStringUpper(std::string_view utf8, size_t n, std::string* out) {
  std::vector<uint32_t> cps = CodePoints(utf8);
  if (cps.size() <= n) {
    *out = std::string(utf8);
    return true;
  }
  cps.resize(n);
  while (!cps.empty()) {
    uint32_t next = cps.back() + 1;
    if (next >= 0xD800 && next <= 0xDFFF) next = 0xE000;  // skip surrogates
    if (next <= 0x10FFFF) {
      cps.back() = next;
      out->clear();
      for (uint32_t cp : cps) AppendUtf8(cp, out);
      return true;
    }
    cps.pop_back();
  }
  return false;
}

std::string TruncateBinaryLower(std::string_view bytes, size_t n) {
  return std::string(bytes.substr(0, n));
}

bool TruncateBinaryUpper(std::string_view bytes, size_t n, std::string* out) {
  if (bytes.size() <= n) {
    *out = std::string(bytes);
    return true;
  }
  std::string t(bytes.substr(0, n));
  while (!t.empty()) {
    if (static_cast<uint8_t>(t.back()) != 0xFF) {
      t.back() = static_cast<char>(static_cast<uint8_t>(t.back()) + 1);
      *out = std::move(t);
      return true;
    }
    t.pop_back();
  }
  return false;
}

}  // namespace silt::iceberg
