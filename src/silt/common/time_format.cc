#include "silt/common/time_format.h"

#include <cmath>

#include <fmt/format.h>

#include "silt/common/civil_time.h"

namespace silt {

namespace {

bool Digits(std::string_view t, size_t* pos, size_t min, size_t max, int64_t* out) {
  size_t i = *pos;
  int64_t v = 0;
  while (i < t.size() && i - *pos < max && t[i] >= '0' && t[i] <= '9') {
    v = v * 10 + (t[i] - '0');
    ++i;
  }
  if (i - *pos < min) return false;
  *pos = i;
  *out = v;
  return true;
}

// Fraction digits after '.' or ',' into microseconds (extra digits are dropped).
bool Fraction(std::string_view t, size_t* pos, int64_t* micros) {
  size_t i = *pos;
  int64_t v = 0;
  int n = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
    if (n < 6) {
      v = v * 10 + (t[i] - '0');
      ++n;
    }
    ++i;
  }
  if (i == *pos) return false;
  while (n < 6) {
    v *= 10;
    ++n;
  }
  *pos = i;
  *micros = v;
  return true;
}

// Z, +hh, +hhmm, +hh:mm into seconds east of UTC.
bool Zone(std::string_view t, size_t* pos, int64_t* offset) {
  size_t i = *pos;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    *pos = i + 1;
    *offset = 0;
    return true;
  }
  if (i >= t.size() || (t[i] != '+' && t[i] != '-')) return false;
  const int sign = t[i] == '-' ? -1 : 1;
  ++i;
  int64_t hh, mm = 0;
  if (!Digits(t, &i, 2, 2, &hh)) return false;
  if (i < t.size() && t[i] == ':') ++i;
  if (i < t.size() && t[i] >= '0' && t[i] <= '9' && !Digits(t, &i, 2, 2, &mm)) return false;
  if (hh > 23 || mm > 59) return false;
  *offset = sign * (hh * 3600 + mm * 60);
  *pos = i;
  return true;
}

bool Assemble(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s, int64_t us,
              int64_t offset, int64_t* micros) {
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(mo)) || h > 23 ||
      mi > 59 || s > 60) {
    return false;
  }
  int64_t secs = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                 h * 3600 + mi * 60 + s - offset;
  *micros = secs * kMicrosPerSecond + us;
  return true;
}

// A number of seconds, milliseconds or microseconds since the epoch ("1700000000",
// "1700000000123.5", "-12"), in integers: a double would lose microseconds past ~2^53.
bool Epoch(std::string_view t, int64_t scale_to_micros, int64_t* micros) {
  if (t.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (t[0] == '-') {
    neg = true;
    i = 1;
  }
  int64_t whole;  // up to 18 digits: no overflow here, and 10^18 microseconds are 31,688 years
  if (!Digits(t, &i, 1, 18, &whole) || (i < t.size() && t[i] >= '0' && t[i] <= '9')) return false;
  // The fraction in micros: as many digits as the unit has micros (6, 3 or 0), the next one
  // rounds half up, the rest only have to be digits.
  int64_t frac = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    const size_t start = i;
    int64_t unit = scale_to_micros;
    bool rounding_taken = false, round_up = false;
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
      const int digit = t[i] - '0';
      if (unit > 1) {
        unit /= 10;
        frac += digit * unit;
      } else if (!rounding_taken) {
        round_up = digit >= 5;
        rounding_taken = true;
      }
    }
    if (i == start) return false;
    if (round_up) ++frac;
  }
  if (i != t.size()) return false;
  int64_t v;
  if (__builtin_mul_overflow(whole, scale_to_micros, &v) || __builtin_add_overflow(v, frac, &v)) {
    return false;
  }
  *micros = neg ? -v : v;
  return true;
}

}  // namespace

bool ParseIso8601(std::string_view t, int64_t* micros) {
  size_t i = 0;
  int64_t y, mo, d, h = 0, mi = 0, s = 0, us = 0, off = 0;
  if (!Digits(t, &i, 4, 4, &y) || i >= t.size() || t[i++] != '-') return false;
  if (!Digits(t, &i, 2, 2, &mo) || i >= t.size() || t[i++] != '-') return false;
  if (!Digits(t, &i, 2, 2, &d)) return false;
  if (i < t.size()) {
    if (t[i] != 'T' && t[i] != 't' && t[i] != ' ') return false;
    ++i;
    if (!Digits(t, &i, 2, 2, &h) || i >= t.size() || t[i++] != ':') return false;
    if (!Digits(t, &i, 2, 2, &mi)) return false;
    if (i < t.size() && t[i] == ':') {
      ++i;
      if (!Digits(t, &i, 2, 2, &s)) return false;
      if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
        ++i;
        if (!Fraction(t, &i, &us)) return false;
      }
    }
    if (i < t.size() && t[i] == ' ') ++i;
    if (i < t.size() && !Zone(t, &i, &off)) return false;
  }
  if (i != t.size()) return false;
  return Assemble(y, mo, d, h, mi, s, us, off, micros);
}

Result<TimeFormat> TimeFormat::Parse(std::string_view spec) {
  TimeFormat f;
  f.spec_ = std::string(spec);
  if (spec == "iso8601" || spec.empty()) {
    f.kind_ = Kind::kIso8601;
  } else if (spec == "epoch_s" || spec == "epoch") {
    f.kind_ = Kind::kEpochS;
  } else if (spec == "epoch_ms") {
    f.kind_ = Kind::kEpochMs;
  } else if (spec == "epoch_us") {
    f.kind_ = Kind::kEpochUs;
  } else if (spec == "auto") {
    f.kind_ = Kind::kAuto;
  } else {
    f.kind_ = Kind::kPattern;
    for (size_t i = 0; i < spec.size(); ++i) {
      if (spec[i] != '%') continue;
      if (i + 1 >= spec.size() || std::string_view("YmdHMSfzbejTs%").find(spec[i + 1]) ==
                                      std::string_view::npos) {
        return Status::InvalidArgument(fmt::format(
            "time format '{}': unsupported directive at {} (use %Y %m %d %H %M %S %f %z %b %e "
            "%j %T %s, or iso8601, epoch_s, epoch_ms, epoch_us, auto)",
            spec, i));
      }
      ++i;
    }
  }
  return f;
}

bool TimeFormat::ToMicros(std::string_view t, int64_t* micros) const {
  switch (kind_) {
    case Kind::kIso8601: return ParseIso8601(t, micros);
    case Kind::kEpochS: return Epoch(t, 1'000'000, micros);
    case Kind::kEpochMs: return Epoch(t, 1'000, micros);
    case Kind::kEpochUs: return Epoch(t, 1, micros);
    case Kind::kAuto: {
      if (ParseIso8601(t, micros)) return true;
      int64_t v;
      if (!Epoch(t, 1, &v)) return false;
      // Seconds until year ~5138 are < 1e11; milliseconds since 1973 are > 1e11.
      return Epoch(t, std::llabs(v) < 100'000'000'000LL ? 1'000'000 : 1'000, micros);
    }
    case Kind::kPattern: break;
  }
  int64_t y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, us = 0, off = 0;
  int64_t doy = -1;
  size_t i = 0;
  const std::string_view p = spec_;
  for (size_t k = 0; k < p.size(); ++k) {
    if (p[k] != '%') {
      if (i >= t.size() || t[i] != p[k]) return false;
      ++i;
      continue;
    }
    const char c = p[++k];
    switch (c) {
      case 'Y': if (!Digits(t, &i, 4, 4, &y)) return false; break;
      case 'm': if (!Digits(t, &i, 1, 2, &mo)) return false; break;
      case 'd': if (!Digits(t, &i, 1, 2, &d)) return false; break;
      case 'e':
        if (i < t.size() && t[i] == ' ') ++i;
        if (!Digits(t, &i, 1, 2, &d)) return false;
        break;
      case 'j': if (!Digits(t, &i, 1, 3, &doy)) return false; break;
      case 'H': if (!Digits(t, &i, 1, 2, &h)) return false; break;
      case 'M': if (!Digits(t, &i, 1, 2, &mi)) return false; break;
      case 'S': if (!Digits(t, &i, 1, 2, &s)) return false; break;
      case 'T':
        if (!Digits(t, &i, 1, 2, &h) || i >= t.size() || t[i++] != ':' ||
            !Digits(t, &i, 1, 2, &mi) || i >= t.size() || t[i++] != ':' ||
            !Digits(t, &i, 1, 2, &s)) {
          return false;
        }
        break;
      case 'f': if (!Fraction(t, &i, &us)) return false; break;
      case 'z': if (!Zone(t, &i, &off)) return false; break;
      case 'b': {
        if (i + 3 > t.size()) return false;
        mo = MonthFromAbbrev(t.data() + i);
        if (mo == 0) return false;
        i += 3;
        break;
      }
      case 's': {
        size_t start = i;
        if (i < t.size() && t[i] == '-') ++i;
        int64_t v;
        if (!Digits(t, &i, 1, 19, &v)) return false;
        int64_t m;
        if (!Epoch(t.substr(start, i - start), 1'000'000, &m)) return false;
        if (i != t.size()) return false;
        *micros = m;
        return k + 1 == p.size();
      }
      case '%':
        if (i >= t.size() || t[i] != '%') return false;
        ++i;
        break;
      default: return false;
    }
  }
  if (i != t.size()) return false;
  if (doy >= 0) {
    if (doy < 1 || doy > (IsLeapYear(y) ? 366 : 365)) return false;
    CivilDate cd = CivilFromDays(DaysFromCivil(y, 1, 1) + doy - 1);
    mo = cd.month;
    d = cd.day;
  }
  return Assemble(y, mo, d, h, mi, s, us, off, micros);
}

}  // namespace silt
