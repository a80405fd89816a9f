#include "silt/formats/csv.h"

#include <emmintrin.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "silt/common/strings.h"
#include "silt/common/time_format.h"
#include "silt/formats/text_checks.h"

namespace silt::formats {

struct CsvFormat::Config {
  char delimiter = ',';
  bool quoting = true;  // false: quote='' (quote characters are data)
  char quote = '"';
  char escape = '"';  // == quote: doubled quotes (RFC 4180)
  bool header = true;
  std::string null_text;   // an unquoted field equal to this is NULL
  TimeFormat time_format;  // TIMESTAMPTZ values: the time_format option, or auto
  std::string time_format_name;
  Schema schema;
  std::string time_column;
  // The first object's header line (without BOM and '\r'), "" when unknown or header=false.
  std::string header_text;
  // Per column, the name its field has in header_text (CsvColumnName of the field): headers
  // of other objects are matched against these first, then against the column names.
  std::vector<std::string> header_names;
};

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr size_t kMaxHeaderField = 1024;  // longer first-line fields are data, not names

// ---- tokenizer -----------------------------------------------------------------------------

struct Field {
  const char* b;
  const char* e;
  bool quoted;    // enclosed in quotes (the quotes are outside [b, e))
  bool unescape;  // holds doubled quotes or escape sequences to undo
  std::string_view raw() const { return {b, static_cast<size_t>(e - b)}; }
};

enum class TokStatus { kOk, kUnterminated, kJunkAfterQuote };

inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// The first quote or escape character in [p, e), or nullptr.
inline const char* FindQuoteOrEscape(const CsvFormat::Config& d, const char* p, const char* e) {
  if (d.escape == d.quote) {
    return static_cast<const char*>(std::memchr(p, d.quote, static_cast<size_t>(e - p)));
  }
  for (; p < e; ++p) {
    if (*p == d.quote || *p == d.escape) return p;
  }
  return nullptr;
}

// Splits [p, e) into fields. A field is quoted when its first character other than blanks is
// the quote; after the closing quote only blanks may come before the delimiter. Quote
// characters inside an unquoted field are data. On error *bad is the 0-based index of the
// field at fault.
TokStatus Tokenize(const CsvFormat::Config& d, const char* p, const char* e,
                   std::vector<Field>* out, size_t* bad) {
  out->clear();
  while (true) {
    if (d.quoting) {
      const char* q = p;
      while (q < e && IsBlank(*q) && *q != d.delimiter) ++q;
      if (q < e && *q == d.quote) {
        const char* c = q + 1;
        bool unescape = false;
        while (true) {
          const char* hit = FindQuoteOrEscape(d, c, e);
          if (hit == nullptr) {
            *bad = out->size();
            return TokStatus::kUnterminated;
          }
          if (*hit == d.escape && d.escape != d.quote) {
            if (hit + 1 >= e) {
              *bad = out->size();
              return TokStatus::kUnterminated;
            }
            unescape = true;
            c = hit + 2;
            continue;
          }
          if (d.escape == d.quote && hit + 1 < e && hit[1] == d.quote) {  // "" inside quotes
            unescape = true;
            c = hit + 2;
            continue;
          }
          const char* a = hit + 1;
          while (a < e && IsBlank(*a) && *a != d.delimiter) ++a;
          if (a < e && *a != d.delimiter) {
            *bad = out->size();
            return TokStatus::kJunkAfterQuote;
          }
          out->push_back({q + 1, hit, true, unescape});
          if (a >= e) return TokStatus::kOk;
          p = a + 1;
          break;
        }
        continue;
      }
    }
    const char* dl = static_cast<const char*>(std::memchr(p, d.delimiter, static_cast<size_t>(e - p)));
    if (dl == nullptr) {
      out->push_back({p, e, false, false});
      return TokStatus::kOk;
    }
    out->push_back({p, dl, false, false});
    p = dl + 1;
  }
}

// Undoes doubled quotes / escapes of a quoted field's content into `out` (room for the
// content's size); returns the length.
size_t Unescape(const CsvFormat::Config& d, std::string_view in, char* out) {
  size_t n = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == d.escape && i + 1 < in.size() && (in[i + 1] == d.quote || in[i + 1] == d.escape)) {
      out[n++] = in[i + 1];
      ++i;
    } else {
      out[n++] = c;
    }
  }
  return n;
}

std::string FieldText(const CsvFormat::Config& d, const Field& f) {
  if (!f.unescape) return std::string(f.raw());
  std::string s(f.raw().size(), '\0');
  s.resize(Unescape(d, f.raw(), s.data()));
  return s;
}

// Whether the line holds an odd number of (unescaped) quote characters: the second part of a
// record whose quoted field spans a line break does.
bool OddQuotes(const CsvFormat::Config& d, std::string_view s) {
  size_t n = 0;
  if (d.escape == d.quote) {
    const char* p = s.data();
    const char* e = p + s.size();
    while ((p = static_cast<const char*>(std::memchr(p, d.quote, static_cast<size_t>(e - p)))) !=
           nullptr) {
      ++n;
      ++p;
    }
  } else {
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == d.escape) {
        ++i;
      } else if (s[i] == d.quote) {
        ++n;
      }
    }
  }
  return n % 2 == 1;
}


// ---- values --------------------------------------------------------------------------------

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

bool ParseIntText(std::string_view s, int64_t* out) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  return ParseInt64(s, out);
}

bool ParseDoubleText(std::string_view s, double* out) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// As the regex format reads booleans: true/false, t/f, yes/no, y/n, on/off, 1/0, any case.
bool ParseBoolText(std::string_view s, bool* out) {
  for (std::string_view t : {"true", "t", "yes", "y", "on", "1"}) {
    if (EqualsNoCase(s, t)) {
      *out = true;
      return true;
    }
  }
  for (std::string_view f : {"false", "f", "no", "n", "off", "0"}) {
    if (EqualsNoCase(s, f)) {
      *out = false;
      return true;
    }
  }
  return false;
}

// How a sample value reads as a number, for inference. Integers with a leading zero ("007",
// zip codes) are not numbers: reading them as such would lose the zero.
enum class NumKind { kNotNumber, kInt, kIntOverflow, kDecimal };

NumKind ClassifyNumber(std::string_view s, int64_t* iv) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const size_t int_digits = i - int_start;
  if (int_digits > 1 && s[int_start] == '0') return NumKind::kNotNumber;
  if (i == s.size()) {
    if (int_digits == 0) return NumKind::kNotNumber;
    return ParseIntText(s, iv) ? NumKind::kInt : NumKind::kIntOverflow;
  }
  size_t frac_digits = 0;
  if (s[i] == '.') {
    ++i;
    const size_t f = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    frac_digits = i - f;
  }
  if (int_digits + frac_digits == 0) return NumKind::kNotNumber;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t x = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == x) return NumKind::kNotNumber;
  }
  if (i != s.size()) return NumKind::kNotNumber;
  double d;
  if (!ParseDoubleText(s, &d) || !std::isfinite(d)) return NumKind::kNotNumber;
  return NumKind::kDecimal;
}

std::string_view TypeDescription(ColumnType t) {
  switch (t) {
    case ColumnType::kInt32: return "an INTEGER";
    case ColumnType::kInt64: return "a BIGINT";
    case ColumnType::kDouble: return "a DOUBLE";
    case ColumnType::kBoolean: return "a BOOLEAN (true/false)";
    case ColumnType::kTimestampTz: return "a time";
    case ColumnType::kVarchar: return "a VARCHAR";
  }
  return "";
}


// Converts a value of a non-VARCHAR column; false when it does not convert.
bool ConvertTyped(const CsvFormat::Config& cfg, ColumnType t, std::string_view v, int64_t* out) {
  switch (t) {
    case ColumnType::kInt32: {
      int64_t x;
      if (!ParseIntText(v, &x) || x < std::numeric_limits<int32_t>::min() ||
          x > std::numeric_limits<int32_t>::max()) {
        return false;
      }
      *out = x;
      return true;
    }
    case ColumnType::kInt64: return ParseIntText(v, out);
    case ColumnType::kDouble: {
      double d;
      if (!ParseDoubleText(v, &d)) return false;
      *out = std::bit_cast<int64_t>(d);
      return true;
    }
    case ColumnType::kBoolean: {
      bool b;
      if (!ParseBoolText(v, &b)) return false;
      *out = b ? 1 : 0;
      return true;
    }
    case ColumnType::kTimestampTz: return cfg.time_format.ToMicros(v, out);
    case ColumnType::kVarchar: break;
  }
  return false;
}

// ---- header matching -----------------------------------------------------------------------

// Maps fields of a header to columns: field i -> column (or -1, ignored), in header terms
// first, then by column name.
struct Mapping {
  bool identity = true;
  size_t fields = 0;               // fields a line must have
  std::vector<int> column_of;      // per field (when !identity)
  std::vector<int> missing;        // columns no field maps to: NULL (when !identity)
};

Mapping IdentityMapping(const CsvFormat::Config& cfg) {
  Mapping m;
  m.fields = cfg.schema.size();
  return m;
}

// Matches header names to columns; returns how many fields name a column.
size_t MatchNames(const CsvFormat::Config& cfg, const std::vector<std::string>& names,
                  Mapping* m) {
  const size_t ncols = cfg.schema.size();
  std::vector<bool> taken(ncols, false);
  m->identity = false;
  m->fields = names.size();
  m->column_of.assign(names.size(), -1);
  size_t matched = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    int col = -1;
    for (size_t c = 0; c < ncols && col < 0; ++c) {
      if (!taken[c] && c < cfg.header_names.size() && cfg.header_names[c] == names[i]) {
        col = static_cast<int>(c);
      }
    }
    for (size_t c = 0; c < ncols && col < 0; ++c) {
      if (!taken[c] && cfg.schema[c].name == names[i]) col = static_cast<int>(c);
    }
    if (col >= 0) {
      taken[static_cast<size_t>(col)] = true;
      m->column_of[i] = col;
      ++matched;
    }
  }
  m->missing.clear();
  for (size_t c = 0; c < ncols; ++c) {
    if (!taken[c]) m->missing.push_back(static_cast<int>(c));
  }
  bool same = names.size() == ncols;
  for (size_t i = 0; same && i < names.size(); ++i) same = m->column_of[i] == static_cast<int>(i);
  if (same) *m = IdentityMapping(cfg);
  return matched;
}

// ---- parser --------------------------------------------------------------------------------

class UnconfiguredParser final : public LineParser {
 public:
  LineResult Parse(std::string_view, RowBatch&, size_t, std::string* reason) override {
    *reason = "format csv was not configured (no columns)";
    return LineResult::kReject;
  }
};

class CsvParser final : public LineParser {
 public:
  CsvParser(std::shared_ptr<const CsvFormat::Config> cfg, const std::vector<bool>& wanted)
      : cfg_(std::move(cfg)), wanted_(wanted) {
    wanted_.resize(cfg_->schema.size(), false);
    mapping_ = IdentityMapping(*cfg_);
    if (cfg_->header && !cfg_->header_text.empty()) {
      known_.push_back({cfg_->header_text, mapping_, cfg_->header_names.size()});
    }
  }

  void BeginObject() override {
    at_start_ = true;
    pending_quote_ = false;
    mapping_ = IdentityMapping(*cfg_);
    header_.clear();
    header_fields_ = 0;
  }

  std::string_view Preamble() const override { return header_; }

  LineResult Parse(std::string_view line, RowBatch& batch, size_t row,
                   std::string* reason) override;

 private:
  struct Known {
    std::string text;
    Mapping mapping;
    size_t fields;  // of the header line
  };

  LineResult Convert(RowBatch& batch, size_t row, std::string* reason);
  LineResult ConvertField(size_t col, const Field& f, RowBatch& batch, size_t row,
                          std::string* reason);
  // Whether the fields read as a header naming columns; if so adopts its mapping.
  bool HeaderByNames(std::string_view text);
  void Adopt(std::string_view text, const Mapping& m) {
    mapping_ = m;
    header_.assign(text);
    header_fields_ = fields_.size();
    if (known_.size() < 16) known_.push_back({header_, m, header_fields_});
  }
  bool KnownHeader(std::string_view text) {
    for (const Known& k : known_) {
      if (k.text.size() == text.size() && k.text == text) {
        mapping_ = k.mapping;
        header_ = k.text;
        header_fields_ = k.fields;
        return true;
      }
    }
    return false;
  }

  std::shared_ptr<const CsvFormat::Config> cfg_;
  std::vector<bool> wanted_;
  std::vector<Field> fields_;
  Mapping mapping_;
  std::vector<Known> known_;
  std::string header_;        // this object's header line (the preamble)
  size_t header_fields_ = 0;  // its fields
  bool at_start_ = true;
  bool pending_quote_ = false;  // the line before opened a quoted field it did not close
  std::string scratch_;
};

bool CsvParser::HeaderByNames(std::string_view text) {
  if (fields_.empty()) return false;
  std::vector<std::string> names;
  names.reserve(fields_.size());
  for (const Field& f : fields_) {
    if (f.e - f.b > static_cast<ptrdiff_t>(kMaxHeaderField)) return false;
    names.push_back(CsvColumnName(FieldText(*cfg_, f)));
  }
  Mapping m;
  const size_t matched = MatchNames(*cfg_, names, &m);
  // A strict majority of the fields must name columns (all of them for two fields or fewer).
  if (matched == 0 || matched * 2 <= names.size()) return false;
  Adopt(text, m);
  return true;
}

LineResult CsvParser::ConvertField(size_t col, const Field& f, RowBatch& batch, size_t row,
                                   std::string* reason) {
  const CsvFormat::Config& cfg = *cfg_;
  const ColumnType t = cfg.schema[col].type;
  std::string_view raw = f.raw();
  if (t == ColumnType::kVarchar) {
    if (!f.quoted && raw == cfg.null_text) {
      batch.nulls(col)[row] = 1;
      return LineResult::kRow;
    }
    if (!wanted_[col]) return LineResult::kRow;
    if (f.unescape) {
      char* dst = batch.Allocate(raw.size());
      raw = std::string_view(dst, Unescape(cfg, raw, dst));
    }
    batch.nulls(col)[row] = 0;
    batch.strings(col)[row] = raw;
    return LineResult::kRow;
  }
  std::string_view v = raw;
  if (f.unescape) {
    scratch_.resize(raw.size());
    v = std::string_view(scratch_.data(), Unescape(cfg, raw, scratch_.data()));
  }
  v = Trim(v);
  if (v.empty() || v == cfg.null_text) {
    batch.nulls(col)[row] = 1;
    return LineResult::kRow;
  }
  int64_t x;
  if (!ConvertTyped(cfg, t, v, &x)) {
    if (t == ColumnType::kTimestampTz) {
      *reason = fmt::format("column {}: '{}' is not a time (time_format {})", cfg.schema[col].name,
                            ClipForReason(v), cfg.time_format_name);
    } else {
      *reason = fmt::format("column {}: '{}' is not {}", cfg.schema[col].name, ClipForReason(v),
                            TypeDescription(t));
    }
    return LineResult::kReject;
  }
  batch.nulls(col)[row] = 0;
  batch.ints(col)[row] = x;
  return LineResult::kRow;
}

LineResult CsvParser::Convert(RowBatch& batch, size_t row, std::string* reason) {
  const Mapping& m = mapping_;
  if (fields_.size() != m.fields) {
    if (cfg_->header && (header_fields_ == m.fields || header_fields_ == 0)) {
      *reason = fmt::format("line has {} field{}; the header has {}", fields_.size(),
                            fields_.size() == 1 ? "" : "s", m.fields);
    } else if (cfg_->header) {
      *reason = fmt::format(
          "line has {} field{}; {} expected (the columns; this object's header has {} and does "
          "not name them)",
          fields_.size(), fields_.size() == 1 ? "" : "s", m.fields, header_fields_);
    } else {
      *reason = fmt::format("line has {} field{}; {} expected (the columns)", fields_.size(),
                            fields_.size() == 1 ? "" : "s", m.fields);
    }
    return LineResult::kReject;
  }
  if (m.identity) {
    for (size_t c = 0; c < fields_.size(); ++c) {
      if (ConvertField(c, fields_[c], batch, row, reason) != LineResult::kRow) {
        return LineResult::kReject;
      }
    }
    return LineResult::kRow;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    const int c = m.column_of[i];
    if (c < 0) continue;
    if (ConvertField(static_cast<size_t>(c), fields_[i], batch, row, reason) != LineResult::kRow) {
      return LineResult::kReject;
    }
  }
  for (int c : m.missing) batch.nulls(static_cast<size_t>(c))[row] = 1;
  return LineResult::kRow;
}

LineResult CsvParser::Parse(std::string_view line, RowBatch& batch, size_t row,
                            std::string* reason) {
  const CsvFormat::Config& cfg = *cfg_;
  const char* p = line.data();
  const char* e = p + line.size();
  if (e > p && e[-1] == '\r') --e;
  const bool first = at_start_;
  at_start_ = false;
  if (first && static_cast<size_t>(e - p) >= kBom.size() && std::memcmp(p, kBom.data(), 3) == 0) {
    p += kBom.size();
  }
  const std::string_view text(p, static_cast<size_t>(e - p));
  if (cfg.quoting && pending_quote_) {
    pending_quote_ = false;
    if (OddQuotes(cfg, text)) {
      *reason =
          "line continues a quoted field of the line before it (a record spanning lines); "
          "multi-line records are not supported";
      return LineResult::kReject;
    }
  }
  bool has_nul, has_high;
  ScanBytes(p, e, &has_nul, &has_high);
  if (has_nul) {
    *reason = "line contains a NUL byte (binary data, or text that is not UTF-8 such as UTF-16)";
    return LineResult::kReject;
  }
  size_t bad = 0;
  if (has_high && !IsValidUtf8(text, &bad)) {
    *reason = fmt::format("line is not valid UTF-8 (byte {} of the line)", bad);
    return LineResult::kReject;
  }
  if (cfg.header && KnownHeader(text)) return LineResult::kSkip;
  size_t bad_field = 0;
  const TokStatus st = Tokenize(cfg, p, e, &fields_, &bad_field);
  if (st != TokStatus::kOk) {
    if (cfg.header && first) Adopt(text, IdentityMapping(cfg));  // a damaged header
    std::string where = fmt::format("{}field {}", cfg.header && first ? "header: " : "",
                                    bad_field + 1);
    if (!(cfg.header && first) && mapping_.identity && bad_field < cfg.schema.size()) {
      where += fmt::format(" ({})", cfg.schema[bad_field].name);
    }
    if (st == TokStatus::kUnterminated) {
      pending_quote_ = true;
      *reason = fmt::format(
          "{}: quoted field runs past the end of the line; multi-line records are not supported",
          where);
    } else {
      *reason = fmt::format("{}: unexpected text after the closing quote", where);
    }
    return LineResult::kReject;
  }
  if (cfg.header && first) {
    // The first line of an object is its header (csv objects are read whole, from their first
    // line: splittable() is false). Its fields are matched to the columns by name when they
    // name them, else by position.
    if (!HeaderByNames(text)) Adopt(text, IdentityMapping(cfg));
    return LineResult::kSkip;
  }
  const LineResult r = Convert(batch, row, reason);
  // A header in the middle (files concatenated, spill files of several objects).
  if (r == LineResult::kReject && cfg.header && HeaderByNames(text)) return LineResult::kSkip;
  return r;
}

// ---- configuration -------------------------------------------------------------------------

struct SampleRecord {
  size_t line = 0;  // 1-based line number in the sample
  std::vector<std::string> values;
  std::vector<bool> quoted;
  std::string problem;    // why the line does not read ("" when it does)
  std::string_view text;  // the line (no BOM, no '\r')
};

// Reads the sample's lines into records with the parser's own rules (BOM, '\r'). Lines that
// do not read are counted in *broken and left out, except a header line (the first), which is
// returned with its problem.
std::vector<SampleRecord> ReadRecords(const CsvFormat::Config& cfg, std::string_view sample,
                                      size_t* broken, size_t* multiline) {
  std::vector<SampleRecord> out;
  std::vector<Field> fields;
  bool pending = false;
  size_t pos = 0, line_no = 0;
  *broken = *multiline = 0;
  while (pos < sample.size()) {
    size_t nl = sample.find('\n', pos);
    if (nl == std::string_view::npos) nl = sample.size();
    std::string_view line = sample.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (out.empty() && line.substr(0, 3) == kBom) line.remove_prefix(3);
    if (line.empty()) continue;
    std::string problem;
    bool nul, high;
    ScanBytes(line.data(), line.data() + line.size(), &nul, &high);
    size_t bad;
    if (cfg.quoting && pending && OddQuotes(cfg, line)) {
      problem = "it continues a quoted field of the line before";
      pending = false;
      ++*multiline;
    } else if (nul) {
      problem = "it holds a NUL byte";
    } else if (high && !IsValidUtf8(line)) {
      problem = "it is not UTF-8";
    } else {
      pending = false;
      TokStatus st = Tokenize(cfg, line.data(), line.data() + line.size(), &fields, &bad);
      if (st == TokStatus::kUnterminated) {
        pending = true;
        ++*multiline;
        problem = fmt::format("field {} opens a quote it does not close", bad + 1);
      } else if (st == TokStatus::kJunkAfterQuote) {
        problem = fmt::format("field {} has text after its closing quote", bad + 1);
      }
    }
    if (!problem.empty()) {
      ++*broken;
      if (out.empty() && cfg.header) out.push_back({line_no, {}, {}, problem, line});
      continue;
    }
    SampleRecord r;
    r.line = line_no;
    r.text = line;
    for (const Field& f : fields) {
      r.values.push_back(FieldText(cfg, f));
      r.quoted.push_back(f.quoted);
    }
    out.push_back(std::move(r));
  }
  return out;
}

// One character of an option (a tab as \t or tab); *empty when empty and allowed.
Status OneChar(std::string_view option, std::string_view v, bool allow_empty, char* out,
               bool* empty) {
  *empty = false;
  if (v == "\\t" || v == "tab" || v == "TAB") {
    *out = '\t';
    return Status::OK();
  }
  if (v.empty() && allow_empty) {
    *empty = true;
    return Status::OK();
  }
  if (v.size() != 1 || v[0] == '\n' || v[0] == '\r' || v[0] == '\0') {
    return Status::InvalidArgument(fmt::format(
        "option {} '{}': must be one character (a tab as \\t or tab){}", option, v,
        allow_empty ? ", or empty for none" : ""));
  }
  *out = v[0];
  return Status::OK();
}

Result<bool> ParseBoolOption(std::string_view option, std::string_view v) {
  bool b;
  if (ParseBoolText(v, &b)) return b;
  return Status::InvalidArgument(fmt::format("option {} '{}': expected true or false", option, v));
}

std::string ColumnList(const Schema& s) {
  std::string out;
  for (const auto& c : s) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

// The delimiter that splits the line into the most fields, other than `current`, when that
// gives at least two: for "is the delimiter right?" hints.
std::string DelimiterHint(const CsvFormat::Config& cfg, std::string_view line) {
  static constexpr char kCandidates[] = {',', '\t', ';', '|'};
  char best = 0;
  size_t best_n = 1;
  for (char c : kCandidates) {
    if (c == cfg.delimiter) continue;
    const size_t n = static_cast<size_t>(std::count(line.begin(), line.end(), c)) + 1;
    if (n > best_n) {
      best_n = n;
      best = c;
    }
  }
  if (best == 0) return "";
  return fmt::format("; with delimiter={} it has {} fields", best == '\t' ? "\\t" : std::string(1, best),
                     best_n);
}

struct ColumnStats {
  size_t values = 0;  // non-NULL sample values
  bool all_int = true, all_int32 = true, all_number = true, all_bool = true, all_time = true;
};

void Observe(const CsvFormat::Config& cfg, const TimeFormat* infer_time, std::string_view v,
             ColumnStats* s) {
  ++s->values;
  int64_t iv = 0;
  switch (ClassifyNumber(v, &iv)) {
    case NumKind::kInt:
      if (iv < std::numeric_limits<int32_t>::min() || iv > std::numeric_limits<int32_t>::max()) {
        s->all_int32 = false;
      }
      break;
    case NumKind::kDecimal:
      s->all_int = s->all_int32 = false;
      break;
    case NumKind::kIntOverflow:  // too long for BIGINT: an identifier, not a quantity
    case NumKind::kNotNumber:
      s->all_int = s->all_int32 = s->all_number = false;
      break;
  }
  if (s->all_bool && !(EqualsNoCase(v, "true") || EqualsNoCase(v, "false"))) s->all_bool = false;
  if (s->all_time) {
    int64_t t;
    s->all_time = infer_time != nullptr ? infer_time->ToMicros(v, &t) : ParseIso8601(v, &t);
  }
}

ColumnType InferType(const ColumnStats& s) {
  if (s.values == 0) return ColumnType::kVarchar;
  // Integers are BIGINT: a sample of small ids must not make a later large one a reject.
  if (s.all_int) return ColumnType::kInt64;
  if (s.all_number) return ColumnType::kDouble;
  if (s.all_bool) return ColumnType::kBoolean;
  if (s.all_time) return ColumnType::kTimestampTz;
  return ColumnType::kVarchar;
}

// A sample value that counts for inference (not NULL by the parser's rules for typed columns).
bool Counts(const CsvFormat::Config& cfg, const std::string& value, std::string_view* trimmed) {
  *trimmed = Trim(value);
  return !trimmed->empty() && *trimmed != cfg.null_text;
}

const Schema& EmptySchema() {
  static const Schema s;
  return s;
}

}  // namespace

std::string CsvColumnName(std::string_view h) {
  std::string out;
  auto is_lower = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  for (size_t i = 0; i < h.size(); ++i) {
    const char c = h[i];
    const bool alnum = is_lower(c) || is_upper(c);
    if (!alnum) {
      if (!out.empty() && out.back() != '_') out += '_';
      continue;
    }
    if (is_upper(c) && i > 0 && !out.empty() && out.back() != '_') {
      // userId -> user_id, HTTPStatus -> http_status, ipv4Address -> ipv4_address, 2FA -> 2fa
      const char prev = h[i - 1];
      const bool next_lower = i + 1 < h.size() && h[i + 1] >= 'a' && h[i + 1] <= 'z';
      if ((prev >= 'a' && prev <= 'z') || (is_lower(prev) && next_lower) ||
          (is_upper(prev) && next_lower)) {
        out += '_';
      }
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (!out.empty() && out[0] >= '0' && out[0] <= '9') out.insert(out.begin(), '_');
  return out;
}

CsvFormat::CsvFormat() = default;
CsvFormat::CsvFormat(std::shared_ptr<const Config> config) : config_(std::move(config)) {}
CsvFormat::~CsvFormat() = default;

const Schema& CsvFormat::schema() const {
  return config_ != nullptr ? config_->schema : EmptySchema();
}

std::string_view CsvFormat::time_column() const {
  return config_ != nullptr ? std::string_view(config_->time_column) : std::string_view();
}

bool CsvFormat::splittable() const { return config_ == nullptr || !config_->header; }

std::unique_ptr<LineParser> CsvFormat::MakeParser(const std::vector<bool>& wanted) const {
  if (config_ == nullptr) return std::make_unique<UnconfiguredParser>();
  return std::make_unique<CsvParser>(config_, wanted);
}

std::vector<OptionSpec> CsvFormat::options() const {
  return {
      {"delimiter", "Field separator, one character (default ','; a tab as \\t or tab)"},
      {"quote", "Quote character (default '\"'; empty: quotes are data)"},
      {"escape", "Escape character inside quotes (default: the quote, i.e. \"\" as in RFC 4180)"},
      {"header", "true|false (default true): the first line of every object names the columns"},
      {"columns",
       "Declared columns 'name TYPE, ...' in field order (default: inferred from the header and "
       "the sample)"},
      {"nullstr", "The text that means NULL (default: an empty field)"},
      {"time_column", "The event-time column (default: the first TIMESTAMPTZ column; empty: none)"},
      {"time_format",
       "How TIMESTAMPTZ values are written: iso8601, epoch_s, epoch_ms, epoch_us, auto or a "
       "strptime-like pattern (default auto)"},
  };
}

Result<std::shared_ptr<const Format>> CsvFormat::Configure(const FormatOptions& options,
                                                           std::string_view sample) const {
  auto cfg = std::make_shared<Config>();
  SILT_RETURN_IF_ERROR(CheckOptionNames(*this, options));
  auto opt = [&](const char* name) { return FindOption(options, name); };
  bool empty = false;
  if (const auto* v = opt("delimiter")) {
    SILT_RETURN_IF_ERROR(OneChar("delimiter", *v, false, &cfg->delimiter, &empty));
  }
  if (const auto* v = opt("quote")) {
    SILT_RETURN_IF_ERROR(OneChar("quote", *v, true, &cfg->quote, &empty));
    cfg->quoting = !empty;
  }
  cfg->escape = cfg->quote;
  if (const auto* v = opt("escape")) {
    if (!v->empty()) {
      SILT_RETURN_IF_ERROR(OneChar("escape", *v, false, &cfg->escape, &empty));
    }
  }
  if (cfg->quoting && cfg->quote == cfg->delimiter) {
    return Status::InvalidArgument("options quote and delimiter must differ");
  }
  if (cfg->quoting && cfg->escape == cfg->delimiter) {
    return Status::InvalidArgument("options escape and delimiter must differ");
  }
  if (const auto* v = opt("header")) {
    SILT_ASSIGN_OR_RETURN(cfg->header, ParseBoolOption("header", *v));
  }
  if (const auto* v = opt("nullstr")) cfg->null_text = *v;
  const TimeFormat* infer_time = nullptr;  // how inference recognises times (null: iso8601)
  cfg->time_format_name = "auto";
  if (const auto* v = opt("time_format")) {
    auto tf = TimeFormat::Parse(*v);
    if (!tf.ok()) return tf.status().WithContext("option time_format");
    cfg->time_format = *tf;
    cfg->time_format_name = *v;
    infer_time = &cfg->time_format;
  } else {
    cfg->time_format = *TimeFormat::Parse("auto");
  }
  const bool declared = opt("columns") != nullptr;
  // Without options, Configure also serves format detection: only a sample that reads as a
  // table (a header of names, two fields or more, lines of that many fields) is csv.
  const bool guess = opt("delimiter") == nullptr && !declared;

  size_t broken = 0, multiline = 0;
  std::vector<SampleRecord> records = ReadRecords(*cfg, sample, &broken, &multiline);
  const SampleRecord* header = nullptr;
  size_t first_data = 0;
  if (cfg->header && !records.empty()) {
    header = &records[0];
    first_data = 1;
    if (!header->problem.empty()) {
      return Status::InvalidArgument(fmt::format(
          "the header (line {} of the sample) does not read as csv: {}", header->line,
          header->problem));
    }
  }

  if (declared) {
    SILT_ASSIGN_OR_RETURN(cfg->schema, ParseColumnDecls(*opt("columns")));
    for (auto& c : cfg->schema) {
      if (c.name.find('.') != std::string::npos) {
        return Status::InvalidArgument(
            fmt::format("option columns: '{}': csv column names cannot contain '.'", c.name));
      }
      c.doc = fmt::format("declared ({})", ColumnTypeSqlName(c.type));
    }
    if (header != nullptr && header->values.size() != cfg->schema.size()) {
      return Status::InvalidArgument(fmt::format(
          "option columns declares {} columns but the header (line {} of the sample) has {} "
          "fields",
          cfg->schema.size(), header->line, header->values.size()));
    }
  } else {
    if (records.size() <= first_data && header == nullptr) {
      return Status::InvalidArgument(
          broken > 0 ? "no line of the sample reads as csv: declare columns, or check quote"
                     : "cannot infer csv columns from an empty sample: declare them with the "
                       "option columns");
    }
    const size_t n = header != nullptr ? header->values.size() : records[0].values.size();
    const std::string_view first_line = records[0].text;
    if (guess && n < 2) {
      return Status::InvalidArgument(fmt::format(
          "the first line has one field (delimiter '{}'){}: set delimiter, or declare columns",
          cfg->delimiter == '\t' ? "\\t" : std::string(1, cfg->delimiter),
          DelimiterHint(*cfg, first_line)));
    }
    if (header != nullptr) {
      size_t numbers = 0;
      for (size_t i = 0; i < n; ++i) {
        const std::string& h = header->values[i];
        int64_t iv;
        if (ClassifyNumber(Trim(h), &iv) != NumKind::kNotNumber) ++numbers;
        bool stray_quote = cfg->quoting && !header->quoted[i] &&
                           h.find(cfg->quote) != std::string::npos;
        if (guess && (h.size() > kMaxHeaderField || stray_quote)) {
          return Status::InvalidArgument(fmt::format(
              "the first line does not look like a csv header (field {} is {}): set "
              "header=false, or declare columns",
              i + 1, stray_quote ? "not a name: it holds a quote" : "too long for a name"));
        }
      }
      if (guess && numbers == n) {
        return Status::InvalidArgument(
            "the first line holds numbers, not column names: set header=false, or declare "
            "columns");
      }
    }
    // Field counts must agree: otherwise the delimiter (or the header) is wrong.
    size_t data = 0, fitting = 0;
    for (size_t r = first_data; r < records.size(); ++r) {
      ++data;
      fitting += records[r].values.size() == n;
    }
    if (data + broken > 0 && fitting * 2 < data + broken) {
      if (multiline * 2 >= data + broken) {
        return Status::InvalidArgument(fmt::format(
            "{} of {} sample lines belong to records whose quoted fields span lines; multi-line "
            "records are not supported",
            multiline, data + broken));
      }
      return Status::InvalidArgument(fmt::format(
          "only {} of {} sample lines have the {} fields of the {}{}: set delimiter (or quote), "
          "or declare columns",
          fitting, data + broken, n, header != nullptr ? "header" : "first line",
          DelimiterHint(*cfg, first_line)));
    }
    // Names.
    std::vector<std::string> names;
    for (size_t i = 0; i < n; ++i) {
      std::string name = header != nullptr ? CsvColumnName(header->values[i]) : "";
      if (name.empty()) name = fmt::format("col{}", i + 1);
      std::string unique = name;
      for (int k = 2; std::find(names.begin(), names.end(), unique) != names.end(); ++k) {
        unique = fmt::format("{}_{}", name, k);
      }
      names.push_back(unique);
    }
    // Types.
    std::vector<ColumnStats> stats(n);
    for (size_t r = first_data; r < records.size(); ++r) {
      const SampleRecord& rec = records[r];
      if (rec.values.size() != n) continue;
      for (size_t i = 0; i < n; ++i) {
        std::string_view v;
        if (Counts(*cfg, rec.values[i], &v)) Observe(*cfg, infer_time, v, &stats[i]);
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const ColumnType t = InferType(stats[i]);
      std::string doc = header != nullptr
                            ? fmt::format("header field {} '{}'", i + 1, ClipForReason(header->values[i]))
                            : fmt::format("field {}", i + 1);
      cfg->schema.push_back({names[i], t, doc + fmt::format(" (inferred {})", ColumnTypeSqlName(t))});
    }
  }
  if (header != nullptr) {
    cfg->header_text = std::string(header->text);
    for (const auto& v : header->values) cfg->header_names.push_back(CsvColumnName(v));
  }

  // The time column.
  if (const auto* v = opt("time_column")) {
    if (!v->empty()) {
      int col = FindColumn(cfg->schema, *v);
      if (col < 0) col = FindColumn(cfg->schema, CsvColumnName(*v));
      if (col < 0) {
        return Status::InvalidArgument(fmt::format(
            "option time_column '{}' is not a column (columns: {})", *v, ColumnList(cfg->schema)));
      }
      ColumnSpec& c = cfg->schema[static_cast<size_t>(col)];
      if (c.type != ColumnType::kTimestampTz) {
        if (declared) {
          return Status::InvalidArgument(fmt::format(
              "option time_column '{}': the column is declared {}; declare it TIMESTAMPTZ",
              c.name, ColumnTypeSqlName(c.type)));
        }
        // Inferred otherwise (epoch numbers, a pattern): it is a time if every sample value
        // reads as one with time_format.
        for (size_t r = first_data; r < records.size(); ++r) {
          const SampleRecord& rec = records[r];
          if (rec.values.size() != cfg->schema.size()) continue;
          std::string_view tv;
          int64_t t;
          if (Counts(*cfg, rec.values[static_cast<size_t>(col)], &tv) &&
              !cfg->time_format.ToMicros(tv, &t)) {
            return Status::InvalidArgument(fmt::format(
                "option time_column '{}': sample value '{}' (line {}) is not a time with "
                "time_format {}; set time_format",
                c.name, ClipForReason(tv), rec.line, cfg->time_format_name));
          }
        }
        c.type = ColumnType::kTimestampTz;
        c.doc += " (time_column)";
      }
      cfg->time_column = c.name;
    }
  } else {
    for (const auto& c : cfg->schema) {
      if (c.type == ColumnType::kTimestampTz) {
        cfg->time_column = c.name;
        break;
      }
    }
  }
  return std::shared_ptr<const Format>(std::make_shared<CsvFormat>(std::move(cfg)));
}

}  // namespace silt::formats
