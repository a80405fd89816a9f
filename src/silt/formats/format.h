// Format: a reader that turns lines of raw log text into typed columns.
//
// Every format has a lowercase snake id ("s3_access") used everywhere: the option value, the
// read_log(format => ...) argument, docs/formats/<id>.md, golden tests under
// formats/golden/<id>/ and the fuzz target. Formats are registered here and nowhere else, so
// `silt convert`, `read_log()` and pipelines need no code per format.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"
#include "silt/formats/row_batch.h"
#include "silt/formats/schema.h"

namespace silt::formats {

enum class LineResult { kRow, kReject, kSkip };

// Decodes single lines. One per scanning thread; not thread-safe.
class LineParser {
 public:
  virtual ~LineParser() = default;

  // Called before the first line of each object (formats with per-object headers reset here).
  virtual void BeginObject() {}

  // Lines that must precede a line of this object for it to parse on its own elsewhere (e.g.
  // a '#Fields' header); empty for formats whose lines stand alone.
  virtual std::string_view Preamble() const { return {}; }

  // Decodes `line` (no trailing '\n'; a trailing '\r' is the parser's to strip) into row `row`
  // of `batch`, setting every wanted column (value or NULL). Returns kRow on success; kReject
  // with `*reason` set (a short sentence naming the field and the problem) when the line
  // does not parse — the row's contents are then undefined; kSkip for lines that carry no
  // data by the format's definition (e.g. '#' header lines).
  virtual LineResult Parse(std::string_view line, RowBatch& batch, size_t row,
                           std::string* reason) = 0;
};

// Options of a configurable format (csv delimiter, regex pattern, declared columns...), as
// text keyed by option name; each format parses its own values.
using FormatOptions = std::map<std::string, std::string>;

struct OptionSpec {
  std::string name;
  std::string doc;
};

class Format {
 public:
  virtual ~Format() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual const Schema& schema() const = 0;
  // The column holding each record's event time (what --partition-by day|hour uses), or "".
  virtual std::string_view time_column() const { return {}; }
  // A guess of the event time of an object's records from its key alone (log delivery systems
  // put the time in object names), or nullopt. Used only to plan work: rows are still placed
  // by their own time.
  virtual std::optional<int64_t> TimeHintFromKey(std::string_view key) const { return {}; }
  // A parser that decodes at least the columns with wanted[i] == true (the others may be
  // left unset). `wanted` has schema().size() entries.
  virtual std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const = 0;

  // Whether an object may be read in byte ranges by several threads. False for formats whose
  // lines depend on earlier lines of the object (a header naming the fields, a CSV header row):
  // such objects are always read whole, from their first line.
  virtual bool splittable() const { return true; }

  // The options this format takes (none for fixed formats like s3_access).
  virtual std::vector<OptionSpec> options() const { return {}; }

  // The format to read with, given the user's options and a sample of the input (the first
  // bytes of the first object, decompressed, whole lines): formats whose columns depend on
  // options or data (csv, jsonl, regex) return a configured instance; the default returns
  // this format itself and rejects any option. Errors name the option and the problem.
  virtual Result<std::shared_ptr<const Format>> Configure(const FormatOptions& options,
                                                          std::string_view sample) const;
};

// The registered formats, by id. nullptr when unknown.
const Format* FindFormat(std::string_view name);
std::vector<const Format*> AllFormats();
// "s3_access" (every id, comma separated) for error messages.
std::string FormatNames();
// Every option name any format takes (for read_log's named parameters), sorted, unique.
std::vector<std::string> AllOptionNames();
// For Configure implementations: InvalidArgument when `options` names an option `format` does
// not declare (with a did-you-mean), else OK.
Status CheckOptionNames(const Format& format, const FormatOptions& options);
// The value of option `name`, or nullptr when it was not given.
inline const std::string* FindOption(const FormatOptions& options, const char* name) {
  auto it = options.find(name);
  return it != options.end() ? &it->second : nullptr;
}

// FindFormat + Configure, with errors for unknown formats and options (did-you-mean).
Result<std::shared_ptr<const Format>> OpenFormat(std::string_view name, const FormatOptions& options,
                                                 std::string_view sample);

// A line that did not parse: data, not an error.
struct Reject {
  std::string_view object;  // the object's key or path
  uint64_t line = 0;        // 1-based line number within the (decompressed) object
  uint64_t offset = 0;      // byte offset of the line's start within the decompressed object
  std::string_view reason;
  std::string_view raw;     // the line as read
};

class RejectSink {
 public:
  virtual ~RejectSink() = default;
  // Called from scanning threads concurrently: implementations synchronise.
  virtual void OnReject(const Reject& reject) = 0;
};

// Receives rows that a LineScanner's time window keeps out: the raw line, to be read again
// later (silt convert routes rows to their day's partition this way).
class RowSpill {
 public:
  virtual ~RowSpill() = default;
  // Called from scanning threads concurrently: implementations synchronise.
  virtual void OnSpill(int64_t time_us, std::string_view preamble, std::string_view line) = 0;
};

// Keep only rows whose time column lies in [lo, hi) — or, with `nulls`, only rows whose time
// is NULL — and hand the others to `spill` (a NULL time as INT64_MIN).
struct TimeWindow {
  int time_column = -1;
  int64_t lo = 0;
  int64_t hi = 0;
  bool nulls = false;
  RowSpill* spill = nullptr;
};

// Drives a LineParser over a buffer of complete lines, filling a RowBatch. The buffer must be
// followed by at least kPadding readable bytes (parsers may load past a line's end).
class LineScanner {
 public:
  static constexpr size_t kPadding = 64;

  struct Counters {
    uint64_t rows = 0;
    uint64_t rejects = 0;
    uint64_t skipped = 0;  // blank lines and lines the format defines as non-data
    uint64_t spilled = 0;  // rows outside the time window, handed to the spill
  };

  explicit LineScanner(LineParser* parser) : parser_(parser) {}

  // Restricts the rows kept to a time window (nullptr: keep all). The parser must decode the
  // window's time column.
  void set_window(const TimeWindow* window) { window_ = window; }

  // When set, Scan stores each kept row's line number at row_lines[row] (kCapacity entries).
  void set_row_lines(uint64_t* row_lines) { row_lines_ = row_lines; }

  // Starts a region of an object whose first line has number `first_line` and starts at byte
  // `first_offset`. (A region in the middle of an object may not know its line number; the
  // caller then counts from 1 and corrects the numbers it reports.)
  void Begin(uint64_t first_line, uint64_t first_offset) {
    line_ = first_line;
    offset_ = first_offset;
  }

  // Parses lines from [*pos, end) into `batch` until the batch is full or the buffer ends.
  // `end` is the end of the last complete line (exclusive of its '\n', or the object's end).
  // Advances *pos past the consumed lines. Rejects go to `rejects` with `object` as name.
  void Scan(const char** pos, const char* end, RowBatch& batch, std::string_view object,
            RejectSink* rejects, Counters* counters);

  uint64_t line() const { return line_; }
  uint64_t offset() const { return offset_; }

 private:
  LineParser* parser_;
  const TimeWindow* window_ = nullptr;
  uint64_t* row_lines_ = nullptr;
  uint64_t line_ = 1;
  uint64_t offset_ = 0;
  std::string reason_;
};

}  // namespace silt::formats
