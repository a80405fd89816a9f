#include "silt/formats/regex_format.h"

#include <emmintrin.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <re2/re2.h>

#include "silt/common/strings.h"
#include "silt/common/time_format.h"
#include "silt/formats/text_checks.h"

namespace silt::formats {

struct RegexFormat::Compiled {
  struct Column {
    int group = 0;  // submatch index (1-based, as RE2 numbers groups)
    ColumnType type = ColumnType::kVarchar;
    TimeFormat time;  // kTimestampTz columns
  };
  std::unique_ptr<RE2> re;
  Schema schema;
  std::vector<Column> columns;  // parallel to schema
  std::string time_column;
  std::string null_text = "-";
};

namespace {

constexpr const char* kNeedsPattern = "the regex format needs a pattern option";



bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool ParseBool(std::string_view v, int64_t* out) {
  static constexpr std::string_view kTrue[] = {"true", "t", "yes", "y", "on", "1"};
  static constexpr std::string_view kFalse[] = {"false", "f", "no", "n", "off", "0"};
  if (v.size() > 5) return false;
  for (auto t : kTrue) {
    if (EqualsIgnoreCase(v, t)) {
      *out = 1;
      return true;
    }
  }
  for (auto f : kFalse) {
    if (EqualsIgnoreCase(v, f)) {
      *out = 0;
      return true;
    }
  }
  return false;
}

bool ParseDouble(std::string_view v, double* out) {
  if (!v.empty() && v[0] == '+') v.remove_prefix(1);
  if (v.empty() || v[0] == '+' || v[0] == ' ') return false;
  auto r = std::from_chars(v.data(), v.data() + v.size(), *out);
  return r.ec == std::errc() && r.ptr == v.data() + v.size();
}

bool ParseInteger(std::string_view v, int64_t* out) {
  if (v.size() > 1 && v[0] == '+' && v[1] != '-') v.remove_prefix(1);
  return ParseInt64(v, out);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "name=rest" with name made of [A-Za-z0-9_] (a capture group name): the name and the rest.
bool SplitKeyed(std::string_view entry, std::string_view* name, std::string_view* rest) {
  entry = Trim(entry);
  size_t i = 0;
  while (i < entry.size() &&
         (std::isalnum(static_cast<unsigned char>(entry[i])) || entry[i] == '_')) {
    ++i;
  }
  if (i == 0 || i >= entry.size() || entry[i] != '=') return false;
  *name = entry.substr(0, i);
  *rest = Trim(entry.substr(i + 1));
  return true;
}

std::vector<std::string_view> SplitSemicolons(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t semi = s.find(';', start);
    out.push_back(
        s.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start));
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  return out;
}

std::string ColumnList(const Schema& schema, bool timestamps_only) {
  std::string out;
  for (const auto& c : schema) {
    if (timestamps_only && c.type != ColumnType::kTimestampTz) continue;
    out += (out.empty() ? "" : ", ") + c.name;
  }
  return out;
}

// Assigns each TIMESTAMPTZ column its TimeFormat from the time_format option (see the header).
Status ApplyTimeFormats(std::string_view value, bool given, RegexFormat::Compiled* c) {
  const Schema& schema = c->schema;
  bool any_ts = false;
  for (const auto& col : schema) any_ts |= col.type == ColumnType::kTimestampTz;
  if (given && !any_ts) {
    return Status::InvalidArgument(
        "option time_format: no column is TIMESTAMPTZ; declare the time groups in types, e.g. "
        "types => 'ts TIMESTAMPTZ'");
  }
  std::string_view default_spec = "iso8601";
  std::vector<std::pair<std::string_view, std::string_view>> keyed;
  if (given) {
    const auto entries = SplitSemicolons(value);
    bool per_column = false;
    std::string_view n, r;
    for (auto e : entries) per_column |= SplitKeyed(e, &n, &r);
    if (!per_column) {
      default_spec = value;  // one format for every TIMESTAMPTZ column (';' allowed in it)
    } else {
      bool have_default = false;
      for (auto e : entries) {
        if (Trim(e).empty()) continue;
        if (SplitKeyed(e, &n, &r)) {
          int idx = FindColumn(schema, n);
          if (idx < 0) {
            return Status::InvalidArgument(
                fmt::format("option time_format: '{}' is not a column (TIMESTAMPTZ columns: {})", n,
                            ColumnList(schema, true)));
          }
          if (schema[static_cast<size_t>(idx)].type != ColumnType::kTimestampTz) {
            return Status::InvalidArgument(fmt::format(
                "option time_format: column '{}' is {}, not TIMESTAMPTZ (declare it in types, "
                "e.g. '{} TIMESTAMPTZ')",
                n, ColumnTypeSqlName(schema[static_cast<size_t>(idx)].type), n));
          }
          for (const auto& k : keyed) {
            if (k.first == n) {
              return Status::InvalidArgument(
                  fmt::format("option time_format: column '{}' is given twice", n));
            }
          }
          keyed.emplace_back(n, r);
        } else {
          if (have_default) {
            return Status::InvalidArgument(fmt::format(
                "option time_format '{}': more than one entry without a column name (write "
                "'column=format;column2=format2', with at most one bare format as the default)",
                value));
          }
          have_default = true;
          default_spec = Trim(e);
        }
      }
    }
  }
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].type != ColumnType::kTimestampTz) continue;
    std::string_view spec = default_spec;
    for (const auto& k : keyed) {
      if (k.first == schema[i].name) spec = k.second;
    }
    auto tf = TimeFormat::Parse(spec);
    if (!tf.ok()) {
      return Status::InvalidArgument(
          fmt::format("option time_format (column {}): {}", schema[i].name, tf.status().message()));
    }
    c->columns[i].time = *tf;
  }
  return Status::OK();
}

class UnconfiguredParser final : public LineParser {
 public:
  LineResult Parse(std::string_view, RowBatch&, size_t, std::string* reason) override {
    *reason = kNeedsPattern;
    return LineResult::kReject;
  }
};

class RegexParser final : public LineParser {
 public:
  RegexParser(std::shared_ptr<const RegexFormat::Compiled> c, const std::vector<bool>& wanted)
      : c_(std::move(c)) {
    const size_t n = c_->columns.size();
    wanted_.assign(n, 0);
    int max_group = 0;
    for (size_t i = 0; i < n; ++i) {
      wanted_[i] = i < wanted.size() && wanted[i];
      // Typed columns are decoded whether or not they are wanted, so that which lines are
      // rejected never depends on the query's projection; unwanted VARCHAR groups need no
      // submatch (fewer submatches is less work for RE2; none lets it use the DFA only).
      if (wanted_[i] || c_->columns[i].type != ColumnType::kVarchar) {
        max_group = std::max(max_group, c_->columns[i].group);
      }
    }
    nsub_ = max_group == 0 ? 0 : max_group + 1;
    sub_.resize(static_cast<size_t>(nsub_));
  }

  LineResult Parse(std::string_view line, RowBatch& batch, size_t row,
                   std::string* reason) override;

 private:
  std::shared_ptr<const RegexFormat::Compiled> c_;
  std::vector<uint8_t> wanted_;
  int nsub_ = 0;
  std::vector<re2::StringPiece> sub_;
};

LineResult RegexParser::Parse(std::string_view line, RowBatch& batch, size_t row,
                              std::string* reason) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Values become VARCHAR, which must be UTF-8 (and RE2 matches UTF-8).
  if (!CheckLine(line.data(), line.data() + line.size(), reason)) return LineResult::kReject;
  const RE2& re = *c_->re;
  if (!re.Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::ANCHOR_BOTH,
                sub_.data(), nsub_)) {
    *reason = "line does not match the pattern";
    return LineResult::kReject;
  }
  const std::string_view null_text = c_->null_text;
  const size_t ncols = c_->columns.size();
  for (size_t i = 0; i < ncols; ++i) {
    const auto& col = c_->columns[i];
    const bool want = wanted_[i] != 0;
    if (!want && col.type == ColumnType::kVarchar) continue;
    const re2::StringPiece& sp = sub_[static_cast<size_t>(col.group)];
    const std::string_view v(sp.data(), sp.size());
    // A group that did not take part in the match (data() == nullptr), the null text, and an
    // empty value in a typed column are NULL.
    if (sp.data() == nullptr || v == null_text || (v.empty() && col.type != ColumnType::kVarchar)) {
      if (want) batch.nulls(i)[row] = 1;
      continue;
    }
    int64_t x = 0;
    bool ok = true;
    const char* what = "";
    switch (col.type) {
      case ColumnType::kVarchar:
        batch.nulls(i)[row] = 0;
        batch.strings(i)[row] = v;
        continue;
      case ColumnType::kInt32:
        ok = ParseInteger(v, &x) && x >= std::numeric_limits<int32_t>::min() &&
             x <= std::numeric_limits<int32_t>::max();
        what = "an INTEGER (32-bit)";
        break;
      case ColumnType::kInt64:
        ok = ParseInteger(v, &x);
        what = "a BIGINT (64-bit integer)";
        break;
      case ColumnType::kDouble: {
        double d;
        ok = ParseDouble(v, &d);
        std::memcpy(&x, &d, sizeof x);
        what = "a DOUBLE";
        break;
      }
      case ColumnType::kBoolean:
        ok = ParseBool(v, &x);
        what = "a BOOLEAN (true/false, t/f, yes/no, y/n, on/off, 1/0)";
        break;
      case ColumnType::kTimestampTz:
        ok = col.time.ToMicros(v, &x);
        if (!ok) {
          *reason = fmt::format("field {}: '{}' is not a time in the format '{}'",
                                c_->schema[i].name, ClipForReason(v), col.time.spec());
          return LineResult::kReject;
        }
        break;
    }
    if (!ok) {
      *reason = fmt::format("field {}: '{}' is not {}", c_->schema[i].name, ClipForReason(v), what);
      return LineResult::kReject;
    }
    if (want) {
      batch.nulls(i)[row] = 0;
      batch.ints(i)[row] = x;
    }
  }
  return LineResult::kRow;
}

}  // namespace

RegexFormat::RegexFormat() = default;
RegexFormat::~RegexFormat() = default;
RegexFormat::RegexFormat(std::shared_ptr<const Compiled> compiled)
    : compiled_(std::move(compiled)) {}

const Schema& RegexFormat::schema() const {
  static const Schema kEmpty;
  return compiled_ != nullptr ? compiled_->schema : kEmpty;
}

std::string_view RegexFormat::time_column() const {
  return compiled_ != nullptr ? std::string_view(compiled_->time_column) : std::string_view();
}

std::unique_ptr<LineParser> RegexFormat::MakeParser(const std::vector<bool>& wanted) const {
  if (compiled_ == nullptr) return std::make_unique<UnconfiguredParser>();
  return std::make_unique<RegexParser>(compiled_, wanted);
}

std::vector<OptionSpec> RegexFormat::options() const {
  return {
      {"pattern",
       "Required. RE2 regular expression that must match the whole line; each named group "
       "(?P<name>...) is a column, in order"},
      {"types", "Types of some or all groups: 'status INTEGER, ts TIMESTAMPTZ' (others VARCHAR)"},
      {"time_format",
       "Format of TIMESTAMPTZ groups: one for all ('%d/%b/%Y:%H:%M:%S %z'; default iso8601) or "
       "per column 'ts=epoch_ms;end=iso8601'"},
      {"time_column", "Event-time column for partitioning (default: the first TIMESTAMPTZ column)"},
      {"nullstr", "Text that reads as NULL in any column (default '-'); '' makes empty values NULL"},
  };
}

Result<std::shared_ptr<const Format>> RegexFormat::Configure(const FormatOptions& options,
                                                             std::string_view /*sample*/) const {
  SILT_RETURN_IF_ERROR(CheckOptionNames(*this, options));
  auto opt = [&](const char* name) { return FindOption(options, name); };
  const std::string* pattern = opt("pattern");
  if (pattern == nullptr || pattern->empty()) {
    return Status::InvalidArgument(
        "format regex needs the option pattern: a regular expression (RE2 syntax) that matches "
        "whole lines, with a named group (?P<name>...) for each column, e.g. "
        "pattern => '(?P<host>\\S+) (?P<status>\\d{3}) (?P<rest>.*)'");
  }
  auto c = std::make_shared<Compiled>();
  RE2::Options ro;
  ro.set_log_errors(false);
  ro.set_encoding(RE2::Options::EncodingUTF8);
  c->re = std::make_unique<RE2>(*pattern, ro);
  if (!c->re->ok()) {
    return Status::InvalidArgument(
        fmt::format("option pattern: invalid regular expression: {}", c->re->error()));
  }
  for (const auto& [index, name] : c->re->CapturingGroupNames()) {  // ordered by index
    for (const auto& prev : c->schema) {
      if (prev.name == name) {
        return Status::InvalidArgument(
            fmt::format("option pattern: group name '{}' is used twice", name));
      }
      if (EqualsIgnoreCase(prev.name, name)) {
        return Status::InvalidArgument(fmt::format(
            "option pattern: groups '{}' and '{}' differ only in case (SQL column names ignore "
            "case)",
            prev.name, name));
      }
    }
    c->schema.push_back(
        {name, ColumnType::kVarchar, fmt::format("Group {} of the pattern", index)});
    Compiled::Column col;
    col.group = index;
    c->columns.push_back(std::move(col));
  }
  if (c->schema.empty()) {
    return Status::InvalidArgument(fmt::format(
        "option pattern: '{}' has no named group; name each part to keep as a column with "
        "(?P<name>...)",
        *pattern));
  }
  if (const std::string* types = opt("types"); types != nullptr && !Trim(*types).empty()) {
    auto decls = ParseColumnDecls(*types);
    if (!decls.ok()) {
      return Status::InvalidArgument(fmt::format("option types: {}", decls.status().message()));
    }
    for (const auto& d : *decls) {
      int idx = FindColumn(c->schema, d.name);
      if (idx < 0) {
        return Status::InvalidArgument(
            fmt::format("option types: '{}' is not a named group of the pattern (groups: {})",
                        d.name, ColumnList(c->schema, false)));
      }
      c->schema[static_cast<size_t>(idx)].type = d.type;
      c->columns[static_cast<size_t>(idx)].type = d.type;
    }
  }
  const std::string* tf = opt("time_format");
  SILT_RETURN_IF_ERROR(ApplyTimeFormats(tf != nullptr ? *tf : "", tf != nullptr, c.get()));
  if (const std::string* tc = opt("time_column"); tc != nullptr) {
    int idx = FindColumn(c->schema, *tc);
    if (idx < 0) {
      return Status::InvalidArgument(
          fmt::format("option time_column: '{}' is not a named group of the pattern (groups: {})",
                      *tc, ColumnList(c->schema, false)));
    }
    if (c->schema[static_cast<size_t>(idx)].type != ColumnType::kTimestampTz) {
      return Status::InvalidArgument(fmt::format(
          "option time_column: column '{}' is {}, not TIMESTAMPTZ (declare it in types, e.g. "
          "'{} TIMESTAMPTZ')",
          *tc, ColumnTypeSqlName(c->schema[static_cast<size_t>(idx)].type), *tc));
    }
    c->time_column = *tc;
  } else {
    for (const auto& col : c->schema) {
      if (col.type == ColumnType::kTimestampTz) {
        c->time_column = col.name;
        break;
      }
    }
  }
  for (size_t i = 0; i < c->schema.size(); ++i) {
    if (c->schema[i].type == ColumnType::kTimestampTz) {
      c->schema[i].doc += fmt::format(", time format {}", c->columns[i].time.spec());
    }
  }
  if (const std::string* n = opt("nullstr"); n != nullptr) c->null_text = *n;
  return std::shared_ptr<const Format>(new RegexFormat(std::move(c)));
}

}  // namespace silt::formats
