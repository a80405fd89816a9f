#include "silt/formats/jsonl.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "silt/common/time_format.h"
#include "silt/formats/text_checks.h"

namespace silt::formats {

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct JsonlFormat::Config {
  bool flatten = true;
  TimeFormat time_format;  // TIMESTAMPTZ values: the time_format option, or auto
  std::string time_format_name;
  Schema schema;
  std::vector<std::string> paths;  // per column: its dotted path
  std::string time_column;
  std::unordered_map<std::string, int, StringHash, std::equal_to<>> column_of_path;
  // Paths of objects that hold columns (every proper prefix of a column's path).
  std::unordered_set<std::string, StringHash, std::equal_to<>> prefixes;
};

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kMaxColumns = 2000;
constexpr int kMaxFlattenDepth = 32;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Reads a value whose type was checked before (the error cannot happen).
template <typename R, typename T>
void Get(R&& result, T* out) {
  const simdjson::error_code err = std::forward<R>(result).get(*out);
  if (err != simdjson::SUCCESS) *out = T{};
}

std::string_view TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "number";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "value";
}


std::string_view StripLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
  return line;
}

bool IsBlankLine(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

// A line copied into a buffer with simdjson's padding after it.
class PaddedLine {
 public:
  const char* Set(std::string_view s) {
    const size_t need = s.size() + simdjson::SIMDJSON_PADDING;
    if (need > cap_) {
      cap_ = std::max(need, cap_ * 2);
      buf_ = std::make_unique<char[]>(cap_);
    }
    std::memcpy(buf_.get(), s.data(), s.size());
    std::memset(buf_.get() + s.size(), 0, simdjson::SIMDJSON_PADDING);
    return buf_.get();
  }

 private:
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
};

// Parses one line as a JSON object; on failure returns the reason.
std::string ParseObject(simdjson::dom::parser& parser, PaddedLine& buf, std::string_view line,
                        simdjson::dom::object* obj) {
  const char* p = buf.Set(line);
  element doc;
  if (auto err = parser.parse(p, line.size(), false).get(doc); err) {
    return fmt::format("not valid JSON: {}", simdjson::error_message(err));
  }
  if (doc.get_object().get(*obj) != simdjson::SUCCESS) {
    return fmt::format("line is a JSON {}, not an object", TypeName(doc.type()));
  }
  return {};
}

// The text of a number, for VARCHAR columns and for times.
std::string NumberText(const element& v) {
  char buf[32];
  switch (v.type()) {
    case element_type::INT64: {
      int64_t x = 0;
      Get(v.get_int64(), &x);
      return std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
    }
    case element_type::UINT64: {
      uint64_t x = 0;
      Get(v.get_uint64(), &x);
      return std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
    }
    default: return simdjson::minify(v);
  }
}

// A number as epoch text for TimeFormat (which reads digits with an optional fraction).
std::string EpochText(const element& v) {
  if (v.type() != element_type::DOUBLE) return NumberText(v);
  double d = 0;
  Get(v.get_double(), &d);
  if (!std::isfinite(d) || std::fabs(d) > 9e18) return "x";
  return fmt::format("{:.6f}", d);
}

// A JSON value as a time: strings with time_format, numbers as epochs (time_format auto tells
// seconds from milliseconds; epoch_* scale them; a pattern reads their text).
bool ToTime(const TimeFormat& tf, const element& v, int64_t* micros) {
  switch (v.type()) {
    case element_type::STRING: {
      std::string_view s;
      Get(v.get_string(), &s);
      return tf.ToMicros(s, micros);
    }
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return tf.ToMicros(EpochText(v), micros);
    default: return false;
  }
}

// Column names: the path with '.' as '_'; other characters that are not [A-Za-z0-9_] become
// one '_' between name parts and are dropped around them ("@timestamp" -> timestamp,
// "user-agent" -> user_agent).
std::string NameOfPath(std::string_view path) {
  std::string out;
  bool sep = false;
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (ok) {
      if (sep && !out.empty() && out.back() != '_') out += '_';
      sep = false;
      out += c;
    } else if (c == '.') {
      sep = false;
      out += '_';
    } else {
      sep = true;
    }
  }
  if (!out.empty() && out[0] >= '0' && out[0] <= '9') out.insert(out.begin(), '_');
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void BuildLookups(JsonlFormat::Config* cfg) {
  for (size_t i = 0; i < cfg->paths.size(); ++i) {
    const std::string& p = cfg->paths[i];
    cfg->column_of_path.emplace(p, static_cast<int>(i));
    for (size_t dot = p.find('.'); dot != std::string::npos; dot = p.find('.', dot + 1)) {
      cfg->prefixes.insert(p.substr(0, dot));
    }
  }
}

// ---- parser --------------------------------------------------------------------------------

class UnconfiguredParser final : public LineParser {
 public:
  LineResult Parse(std::string_view, RowBatch&, size_t, std::string* reason) override {
    *reason = "format jsonl was not configured (no columns)";
    return LineResult::kReject;
  }
};

class JsonlParser final : public LineParser {
 public:
  JsonlParser(std::shared_ptr<const JsonlFormat::Config> cfg, const std::vector<bool>& wanted)
      : cfg_(std::move(cfg)), wanted_(wanted) {
    wanted_.resize(cfg_->schema.size(), false);
  }

  LineResult Parse(std::string_view line, RowBatch& batch, size_t row,
                   std::string* reason) override;

 private:
  // Decodes the members of `obj` (at `path_`) into the row; false with *reason on a misfit.
  bool Walk(const simdjson::dom::object& obj, RowBatch& batch, size_t row, std::string* reason);
  bool Convert(size_t col, const element& v, RowBatch& batch, size_t row, std::string* reason);

  std::shared_ptr<const JsonlFormat::Config> cfg_;
  std::vector<bool> wanted_;
  simdjson::dom::parser parser_;
  PaddedLine buf_;
  std::string path_;
};

bool JsonlParser::Convert(size_t col, const element& v, RowBatch& batch, size_t row,
                          std::string* reason) {
  const JsonlFormat::Config& cfg = *cfg_;
  const ColumnSpec& spec = cfg.schema[col];
  const element_type t = v.type();
  if (t == element_type::NULL_VALUE) {
    batch.nulls(col)[row] = 1;
    return true;
  }
  int64_t x = 0;
  bool ok = true;
  switch (spec.type) {
    case ColumnType::kVarchar: {
      if (!wanted_[col]) return true;
      std::string_view s;
      switch (t) {
        case element_type::STRING: Get(v.get_string(), &s); s = batch.Intern(s); break;
        case element_type::BOOL: {
          bool b = false;
          Get(v.get_bool(), &b);
          s = b ? "true" : "false";
          break;
        }
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE: s = batch.Intern(NumberText(v)); break;
        default: s = batch.Intern(simdjson::minify(v)); break;  // arrays, objects: JSON text
      }
      batch.nulls(col)[row] = 0;
      batch.strings(col)[row] = s;
      return true;
    }
    case ColumnType::kInt32:
    case ColumnType::kInt64: {
      if (t == element_type::INT64) {
        Get(v.get_int64(), &x);
      } else if (t == element_type::DOUBLE) {
        double d = 0;
        Get(v.get_double(), &d);
        // Integral values written as floats (1.0, 2e3) fit; fractions do not.
        ok = d == std::trunc(d) && std::fabs(d) < 9.2e18;
        x = ok ? static_cast<int64_t>(d) : 0;
      } else {
        ok = false;
      }
      if (ok && spec.type == ColumnType::kInt32) {
        ok = x >= std::numeric_limits<int32_t>::min() && x <= std::numeric_limits<int32_t>::max();
      }
      break;
    }
    case ColumnType::kDouble: {
      double d = 0;
      ok = (t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE) &&
           v.get_double().get(d) == simdjson::SUCCESS;
      x = std::bit_cast<int64_t>(d);
      break;
    }
    case ColumnType::kBoolean: {
      bool b = false;
      ok = t == element_type::BOOL && v.get_bool().get(b) == simdjson::SUCCESS;
      x = b ? 1 : 0;
      break;
    }
    case ColumnType::kTimestampTz: ok = ToTime(cfg.time_format, v, &x); break;
  }
  if (!ok) {
    const std::string text = simdjson::minify(v);
    if (spec.type == ColumnType::kTimestampTz) {
      *reason = fmt::format("column {}: {} {} is not a time (time_format {})", spec.name,
                            TypeName(t), ClipForReason(text), cfg.time_format_name);
    } else {
      *reason = fmt::format("column {}: {} {} is not {} {}", spec.name, TypeName(t), ClipForReason(text),
                            spec.type == ColumnType::kInt32 ? "an" : "a",
                            ColumnTypeSqlName(spec.type));
    }
    return false;
  }
  batch.nulls(col)[row] = 0;
  batch.ints(col)[row] = x;
  return true;
}

bool JsonlParser::Walk(const simdjson::dom::object& obj, RowBatch& batch, size_t row,
                       std::string* reason) {
  const JsonlFormat::Config& cfg = *cfg_;
  const size_t base = path_.size();
  for (simdjson::dom::key_value_pair kv : obj) {
    std::string_view path = kv.key;
    if (base > 0) {
      path_.resize(base);
      path_ += '.';
      path_ += kv.key;
      path = path_;
    }
    auto it = cfg.column_of_path.find(path);
    if (it != cfg.column_of_path.end()) {
      if (!Convert(static_cast<size_t>(it->second), kv.value, batch, row, reason)) return false;
      continue;
    }
    if (cfg.prefixes.find(path) == cfg.prefixes.end()) continue;  // not read
    simdjson::dom::object inner;
    if (kv.value.get_object().get(inner) == simdjson::SUCCESS) {
      if (base == 0) path_.assign(kv.key);
      if (!Walk(inner, batch, row, reason)) return false;
    } else if (kv.value.type() != element_type::NULL_VALUE) {
      *reason = fmt::format("key {}: {} {} is not an object (columns are read from inside it)",
                            path, TypeName(kv.value.type()), ClipForReason(simdjson::minify(kv.value)));
      return false;
    }
  }
  path_.resize(base);
  return true;
}

LineResult JsonlParser::Parse(std::string_view line, RowBatch& batch, size_t row,
                              std::string* reason) {
  line = StripLine(line);
  if (IsBlankLine(line)) return LineResult::kSkip;
  simdjson::dom::object obj;
  *reason = ParseObject(parser_, buf_, line, &obj);
  if (!reason->empty()) return LineResult::kReject;
  const size_t ncols = cfg_->schema.size();
  for (size_t c = 0; c < ncols; ++c) batch.nulls(c)[row] = 1;
  path_.clear();
  if (!Walk(obj, batch, row, reason)) return LineResult::kReject;
  return LineResult::kRow;
}

// ---- inference -----------------------------------------------------------------------------

enum Kind : unsigned {
  kInt = 1,
  kBigUint = 2,  // above BIGINT's range
  kFloat = 4,
  kBool = 8,
  kString = 16,
  kObject = 32,
  kArray = 64,
  kDeepObject = 128,  // an object nested too deep to flatten: kept as JSON text
};

struct PathInfo {
  std::string path;
  unsigned kinds = 0;
  bool all_time = true;        // every string reads as a time (inference's time format)
  bool all_parse_time = true;  // every value reads as a time with the parse-time format
  std::string not_time;        // the first value that does not (for time_column errors)
  size_t not_time_line = 0;
};

class Inference {
 public:
  Inference(const JsonlFormat::Config& cfg, const TimeFormat* infer_time)
      : cfg_(cfg), infer_time_(infer_time) {}

  Status Observe(const simdjson::dom::object& obj, size_t line) {
    line_ = line;
    for (simdjson::dom::key_value_pair kv : obj) {
      SILT_RETURN_IF_ERROR(Value(std::string(kv.key), kv.value, 1));
    }
    return Status::OK();
  }

  const std::vector<PathInfo>& infos() const { return infos_; }

  const PathInfo* Find(std::string_view path) const {
    auto it = index_.find(path);
    return it != index_.end() ? &infos_[it->second] : nullptr;
  }

 private:
  Status Value(const std::string& path, const element& v, int depth) {
    auto it = index_.find(path);
    size_t i;
    if (it == index_.end()) {
      if (infos_.size() >= 4 * kMaxColumns) {
        return Status::InvalidArgument(fmt::format(
            "the sample's objects have more than {} distinct keys: declare columns, or set "
            "flatten=false",
            kMaxColumns));
      }
      i = infos_.size();
      infos_.emplace_back();
      infos_.back().path = path;
      index_.emplace(path, i);
    } else {
      i = it->second;
    }
    const element_type t = v.type();
    if (t == element_type::NULL_VALUE) return Status::OK();
    {
      PathInfo& info = infos_[i];
      int64_t micros;
      if (info.all_parse_time && !ToTime(cfg_.time_format, v, &micros)) {
        info.all_parse_time = false;
        info.not_time = ClipForReason(simdjson::minify(v));
        info.not_time_line = line_;
      }
      switch (t) {
        case element_type::INT64: info.kinds |= kInt; break;
        case element_type::UINT64: info.kinds |= kBigUint; break;
        case element_type::DOUBLE: info.kinds |= kFloat; break;
        case element_type::BOOL: info.kinds |= kBool; break;
        case element_type::ARRAY: info.kinds |= kArray; break;
        case element_type::STRING: {
          info.kinds |= kString;
          std::string_view s;
          Get(v.get_string(), &s);
          if (info.all_time) {
            info.all_time = infer_time_ != nullptr ? infer_time_->ToMicros(s, &micros)
                                                   : ParseIso8601(s, &micros);
          }
          break;
        }
        case element_type::OBJECT:
          info.kinds |= kObject;
          if (cfg_.flatten && depth >= kMaxFlattenDepth) info.kinds |= kDeepObject;
          break;
        case element_type::NULL_VALUE: break;
      }
    }
    if (t == element_type::OBJECT && cfg_.flatten && depth < kMaxFlattenDepth) {
      simdjson::dom::object inner;
      Get(v.get_object(), &inner);
      for (simdjson::dom::key_value_pair kv : inner) {
        SILT_RETURN_IF_ERROR(Value(path + "." + std::string(kv.key), kv.value, depth + 1));
      }
    }
    return Status::OK();
  }

  const JsonlFormat::Config& cfg_;
  const TimeFormat* infer_time_;
  size_t line_ = 0;
  std::vector<PathInfo> infos_;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> index_;
};

ColumnType TypeOfKinds(const PathInfo& info) {
  const unsigned k = info.kinds;
  if (k == 0) return ColumnType::kVarchar;  // only nulls seen
  if (k == kInt) return ColumnType::kInt64;
  if ((k & ~(kInt | kFloat)) == 0) return ColumnType::kDouble;
  if (k == kBool) return ColumnType::kBoolean;
  if (k == kString && info.all_time) return ColumnType::kTimestampTz;
  return ColumnType::kVarchar;  // strings, arrays, objects kept as text, mixed kinds
}

std::string KindsText(unsigned k) {
  std::string out;
  auto add = [&](unsigned bit, const char* name) {
    if (k & bit) out += (out.empty() ? "" : "/") + std::string(name);
  };
  add(kInt, "integer");
  add(kBigUint, "large integer");
  add(kFloat, "float");
  add(kBool, "boolean");
  add(kString, "string");
  add(kObject, "object");
  add(kArray, "array");
  add(kDeepObject, "deeply nested object");
  return out.empty() ? "null" : out;
}

Result<bool> ParseBoolOption(std::string_view option, std::string_view v) {
  std::string l = Lower(v);
  if (l == "true" || l == "1" || l == "yes") return true;
  if (l == "false" || l == "0" || l == "no") return false;
  return Status::InvalidArgument(fmt::format("option {} '{}': expected true or false", option, v));
}

const Schema& EmptySchema() {
  static const Schema s;
  return s;
}

}  // namespace

JsonlFormat::JsonlFormat() = default;
JsonlFormat::JsonlFormat(std::shared_ptr<const Config> config) : config_(std::move(config)) {}
JsonlFormat::~JsonlFormat() = default;

const Schema& JsonlFormat::schema() const {
  return config_ != nullptr ? config_->schema : EmptySchema();
}

std::string_view JsonlFormat::time_column() const {
  return config_ != nullptr ? std::string_view(config_->time_column) : std::string_view();
}

std::unique_ptr<LineParser> JsonlFormat::MakeParser(const std::vector<bool>& wanted) const {
  if (config_ == nullptr) return std::make_unique<UnconfiguredParser>();
  return std::make_unique<JsonlParser>(config_, wanted);
}

std::vector<OptionSpec> JsonlFormat::options() const {
  return {
      {"columns",
       "Declared columns 'path TYPE, ...', paths dotted into nested objects (user.id BIGINT); "
       "names are the paths with '.' as '_' (default: inferred from the sample)"},
      {"flatten",
       "true|false (default true): when inferring, nested objects become dotted-path columns; "
       "false keeps them as JSON text"},
      {"time_column", "The event-time column (default: the first TIMESTAMPTZ column; empty: none)"},
      {"time_format",
       "How TIMESTAMPTZ values are written: iso8601, epoch_s, epoch_ms, epoch_us, auto or a "
       "strptime-like pattern (default auto: iso8601 strings, epoch seconds or milliseconds)"},
  };
}

Result<std::shared_ptr<const Format>> JsonlFormat::Configure(const FormatOptions& options,
                                                             std::string_view sample) const {
  auto cfg = std::make_shared<Config>();
  SILT_RETURN_IF_ERROR(CheckOptionNames(*this, options));
  auto opt = [&](const char* name) { return FindOption(options, name); };
  if (const auto* v = opt("flatten")) {
    SILT_ASSIGN_OR_RETURN(cfg->flatten, ParseBoolOption("flatten", *v));
  }
  const TimeFormat* infer_time = nullptr;  // how inference recognises time strings (null: iso8601)
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
  simdjson::dom::parser parser;
  PaddedLine buf;
  Inference inference(*cfg, infer_time);
  if (declared) {
    SILT_ASSIGN_OR_RETURN(Schema decls, ParseColumnDecls(*opt("columns")));
    std::unordered_map<std::string, std::string> seen;  // lowercased name -> path
    for (auto& c : decls) {
      const std::string path = c.name;
      for (size_t a = 0, dot; a <= path.size(); a = dot + 1) {
        dot = path.find('.', a);
        if (dot == std::string::npos) dot = path.size();
        if (dot == a) {
          return Status::InvalidArgument(
              fmt::format("option columns: '{}' is not a path (an empty key)", path));
        }
      }
      c.name = NameOfPath(path);
      auto [it, fresh] = seen.emplace(Lower(c.name), path);
      if (!fresh) {
        return Status::InvalidArgument(fmt::format(
            "option columns: paths '{}' and '{}' both make the column name '{}'", it->second,
            path, c.name));
      }
      c.doc = fmt::format("declared: {} ({})", path, ColumnTypeSqlName(c.type));
      cfg->paths.push_back(path);
      cfg->schema.push_back(c);
    }
  } else {
    // Infer from the sample's objects.
    size_t lines = 0, objects = 0, line_no = 0, pos = 0;
    std::string first_problem;
    while (pos < sample.size()) {
      size_t nl = sample.find('\n', pos);
      if (nl == std::string_view::npos) nl = sample.size();
      std::string_view line = StripLine(sample.substr(pos, nl - pos));
      pos = nl + 1;
      ++line_no;
      if (IsBlankLine(line)) continue;
      ++lines;
      simdjson::dom::object obj;
      std::string problem = ParseObject(parser, buf, line, &obj);
      if (!problem.empty()) {
        if (first_problem.empty()) first_problem = fmt::format("line {}: {}", line_no, problem);
        continue;
      }
      ++objects;
      SILT_RETURN_IF_ERROR(inference.Observe(obj, line_no));
    }
    if (lines == 0) {
      return Status::InvalidArgument(
          "cannot infer jsonl columns from an empty sample: declare them with the option columns");
    }
    if (objects == 0) {
      return Status::InvalidArgument(
          fmt::format("no line of the sample is a JSON object ({})", first_problem));
    }
    if (objects * 2 < lines) {
      return Status::InvalidArgument(fmt::format(
          "only {} of {} sample lines are JSON objects ({})", objects, lines, first_problem));
    }
    // Objects seen with other kinds of values too are one VARCHAR column (JSON text), and
    // the paths inside them are not columns.
    std::vector<std::string> textual;
    for (const PathInfo& info : inference.infos()) {
      if ((info.kinds & kObject) && (info.kinds != kObject || !cfg->flatten)) {
        textual.push_back(info.path + ".");
      }
    }
    std::unordered_set<std::string> names;  // lowercased
    for (const PathInfo& info : inference.infos()) {
      if (cfg->flatten && info.kinds == kObject) continue;  // its members are the columns
      bool inside_text = false;
      for (const auto& t : textual) inside_text |= info.path.rfind(t, 0) == 0;
      if (inside_text) continue;
      if (cfg->schema.size() >= kMaxColumns) {
        return Status::InvalidArgument(fmt::format(
            "the sample's objects make more than {} columns: declare columns, or set "
            "flatten=false",
            kMaxColumns));
      }
      std::string name = NameOfPath(info.path);
      if (name.empty()) name = fmt::format("col{}", cfg->schema.size() + 1);
      std::string unique = name;
      for (int k = 2; names.count(Lower(unique)) != 0; ++k) unique = fmt::format("{}_{}", name, k);
      names.insert(Lower(unique));
      const ColumnType t = TypeOfKinds(info);
      cfg->paths.push_back(info.path);
      cfg->schema.push_back({unique, t,
                             fmt::format("{} (inferred {} from {} values)", info.path,
                                         ColumnTypeSqlName(t), KindsText(info.kinds))});
    }
    if (cfg->schema.empty()) {
      return Status::InvalidArgument(
          "the sample's objects have no keys: declare columns with the option columns");
    }
  }

  // The time column.
  if (const auto* v = opt("time_column")) {
    if (!v->empty()) {
      int col = FindColumn(cfg->schema, *v);
      for (size_t i = 0; col < 0 && i < cfg->paths.size(); ++i) {
        if (cfg->paths[i] == *v) col = static_cast<int>(i);
      }
      if (col < 0) col = FindColumn(cfg->schema, NameOfPath(*v));
      if (col < 0) {
        std::string all;
        for (const auto& c : cfg->schema) all += (all.empty() ? "" : ", ") + c.name;
        return Status::InvalidArgument(
            fmt::format("option time_column '{}' is not a column (columns: {})", *v, all));
      }
      ColumnSpec& c = cfg->schema[static_cast<size_t>(col)];
      if (c.type != ColumnType::kTimestampTz) {
        if (declared) {
          return Status::InvalidArgument(fmt::format(
              "option time_column '{}': the column is declared {}; declare it TIMESTAMPTZ",
              c.name, ColumnTypeSqlName(c.type)));
        }
        // Inferred otherwise (epoch numbers, a pattern): a time if every sample value reads
        // as one with time_format.
        const PathInfo* info = inference.Find(cfg->paths[static_cast<size_t>(col)]);
        if (info != nullptr && !info->all_parse_time) {
          return Status::InvalidArgument(fmt::format(
              "option time_column '{}': sample value {} (line {}) is not a time with "
              "time_format {}; set time_format",
              c.name, info->not_time, info->not_time_line, cfg->time_format_name));
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
  BuildLookups(cfg.get());
  return std::shared_ptr<const Format>(std::make_shared<JsonlFormat>(std::move(cfg)));
}

}  // namespace silt::formats
