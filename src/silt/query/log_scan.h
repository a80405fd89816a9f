// Scanning raw log objects: resolve locations to object versions, cut them into work units,
// read units (decompressing transparently) as buffers of whole lines, and parse them with a
// format into RowBatches. Used by read_log() in DuckDB and by `silt convert`.
//
// Memory is bounded: each scanning thread holds one block buffer (a few MiB) plus the longest
// line it met; nothing is materialised per object.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "silt/common/compression.h"
#include "silt/common/status.h"
#include "silt/formats/format.h"
#include "silt/query/key_pattern.h"
#include "silt/store/store.h"

namespace silt::query {

struct InputObject {
  std::shared_ptr<store::Store> store;
  store::ObjectVersion version;
  std::string name;  // what users see in rejects and manifests: a path or URI
};

// Resolves each location into object versions: a file; a directory or prefix (every object
// below it, recursively, except names with a segment starting with '.' or '_'); or a glob
// ("logs/2024-*", "logs/**/*.gz"). Objects come out sorted by name, without duplicates.
// NotFound when a location matches nothing, naming it.
Result<std::vector<InputObject>> ResolveInputs(const std::vector<std::string>& locations);

// One piece of work: a byte range of one uncompressed object, or a whole compressed object.
struct ScanUnit {
  size_t object = 0;
  uint64_t begin = 0;
  uint64_t end = 0;  // exclusive; lines starting in [begin, end) belong to this unit
};

// Counters shared by the scanning threads; read at any time for progress.
struct ScanCounters {
  // Input bytes consumed (as stored, before decompression), not counting the plan's extra
  // objects (a conversion's spilled rows, read a second time).
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> rejects{0};
  std::atomic<uint64_t> skipped{0};
  std::atomic<uint64_t> spilled{0};   // rows outside the plan's time window
  std::atomic<uint64_t> units_done{0};
};

// What to scan: a format over a set of objects. Shared by the threads of one scan.
class ScanPlan {
 public:
  // Objects larger than `split_bytes` (uncompressed ones) are cut into several units.
  ScanPlan(const formats::Format* format, std::vector<InputObject> objects,
           uint64_t split_bytes = 32ull << 20);

  // A plan over `objects` that scans only `units` (which index into `objects`).
  ScanPlan(const formats::Format* format, std::vector<InputObject> objects,
           std::vector<ScanUnit> units);

  // The same over objects shared with other plans (a conversion's per-partition plans share
  // one list of 20,000 objects instead of copying it), plus `extra` objects of this plan only,
  // numbered after the shared ones.
  ScanPlan(const formats::Format* format, std::shared_ptr<const std::vector<InputObject>> objects,
           std::vector<ScanUnit> units, std::vector<InputObject> extra = {});

  const formats::Format* format() const { return format_; }
  // Keeps a configured format (csv, regex...) alive as long as the plan.
  void KeepAlive(std::shared_ptr<const formats::Format> owner) { owner_ = std::move(owner); }
  size_t object_count() const { return objects_->size() + extra_objects_.size(); }
  const InputObject& object(size_t i) const {
    return i < objects_->size() ? (*objects_)[i] : extra_objects_[i - objects_->size()];
  }
  // The objects given at construction (without the extra ones).
  const std::shared_ptr<const std::vector<InputObject>>& shared_objects() const {
    return objects_;
  }
  const std::vector<ScanUnit>& units() const { return units_; }
  uint64_t total_bytes() const { return total_bytes_; }

  // Hands out units to the threads of one scan, which share `cursor` (starting at 0);
  // nullptr when none is left. A plan can be scanned several times with fresh cursors.
  const ScanUnit* ClaimUnit(std::atomic<size_t>& cursor) const;

  // Where rejects go (may be nullptr: counted only). Set before scanning starts.
  void set_reject_sink(formats::RejectSink* sink) { rejects_ = sink; }
  formats::RejectSink* reject_sink() const { return rejects_; }

  // Columns beyond the format's: one VARCHAR per key-pattern capture (NULL for objects whose
  // key does not match), then, with source columns, `source_object` (VARCHAR, the object's
  // name) and `source_line` (BIGINT, 1-based line within the decompressed object). Set before
  // scanning. InvalidArgument when a capture name collides with a format column.
  Status SetExtraColumns(std::optional<KeyPattern> pattern, bool source_columns);
  struct ExtraColumn {
    std::string name;
    formats::ColumnType type;
  };
  const std::vector<ExtraColumn>& extra_columns() const { return extra_columns_; }
  bool source_columns() const { return source_columns_; }
  size_t capture_count() const { return pattern_ ? pattern_->names().size() : 0; }
  // The captures of object `i` (nullptr when its key does not match the pattern).
  const std::vector<std::string>* captures(size_t i) const {
    return i < captures_.size() && captures_[i].has_value() ? &*captures_[i] : nullptr;
  }
  const std::optional<KeyPattern>& key_pattern() const { return pattern_; }

  // Keep only rows whose time lies in the window; spill the others. Set before scanning.
  void set_window(const formats::TimeWindow& window) { window_ = window; has_window_ = true; }
  const formats::TimeWindow* window() const { return has_window_ ? &window_ : nullptr; }

  ScanCounters& counters() { return counters_; }

  // The first error any thread met (scans stop at I/O errors, not at bad lines).
  void SetError(const Status& s);
  Status error() const;

  // Every scan call enters before it touches the plan's sinks (rejects, spill) and leaves
  // after. Close() turns new calls away (Enter() is false: they end, empty) and waits for those
  // under way. A statement that failed or was interrupted can still have DuckDB tasks scanning
  // when its caller gives up on it: the caller closes the plan before its sinks go away.
  bool Enter();
  void Leave();
  void Close();

 private:
  const formats::Format* format_;
  std::shared_ptr<const formats::Format> owner_;
  std::shared_ptr<const std::vector<InputObject>> objects_;
  std::vector<InputObject> extra_objects_;
  std::vector<ScanUnit> units_;
  uint64_t total_bytes_ = 0;
  formats::RejectSink* rejects_ = nullptr;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> closed_{false};
  formats::TimeWindow window_;
  bool has_window_ = false;
  std::optional<KeyPattern> pattern_;
  bool source_columns_ = false;
  std::vector<ExtraColumn> extra_columns_;
  std::vector<std::optional<std::vector<std::string>>> captures_;
  ScanCounters counters_;
  mutable std::mutex mu_;
  Status error_;
};

// Reads one unit as a sequence of buffers holding whole lines. Not thread-safe; one per thread,
// reused across units.
class UnitReader {
 public:
  UnitReader();

  Status Open(ScanPlan* plan, const ScanUnit* unit);

  // Points [*begin, *end) at the next run of whole lines (the last may lack its '\n' at the end
  // of an object); the buffer is followed by LineScanner::kPadding readable bytes. Valid until
  // the next call. Returns false when the unit is exhausted.
  Result<bool> Next(const char** begin, const char** end);

  // True when Next would return false: the unit has no more lines.
  bool exhausted() const { return done_ || skip_unit_; }

  // Byte offset, within the decompressed object, of the first line of the last buffer.
  uint64_t buffer_offset() const { return lines_offset_; }
  // True when line numbers within this unit are exact (the unit starts the object).
  bool starts_object() const { return unit_ != nullptr && unit_->begin == 0; }
  // Input bytes consumed since the last call (for progress counters).
  uint64_t TakeBytesRead();

 private:
  Status Fill();  // appends more data to buf_ (sets eof_)
  // Reads [pos, pos + want) of the object (fewer bytes only at its end).
  Result<size_t> ReadAt(uint64_t pos, size_t want, char* out);

  ScanPlan* plan_ = nullptr;
  const ScanUnit* unit_ = nullptr;
  const InputObject* object_ = nullptr;
  std::unique_ptr<Decompressor> decompressor_;
  std::unique_ptr<store::ObjectReader> reader_;
  uint64_t reader_pos_ = 0;
  bool compressed_ = false;
  bool skip_unit_ = false;

  std::vector<char> buf_;     // data + padding
  size_t data_begin_ = 0;     // unconsumed data in buf_ is [data_begin_, data_end_)
  size_t data_end_ = 0;
  uint64_t buf_offset_ = 0;   // decompressed-object offset of buf_[0]
  uint64_t read_pos_ = 0;     // next stored-object offset to read
  uint64_t read_limit_ = 0;   // read no further than this stored offset (object size)
  bool eof_ = false;          // no more input after data_end_
  bool skip_partial_ = false; // drop bytes up to the first '\n' (a unit starting mid-line)
  bool detect_ = false;       // compression not yet detected (first read pending)
  bool done_ = false;
  uint64_t lines_offset_ = 0;
  uint64_t bytes_read_ = 0;
  std::vector<char> in_;      // compressed input block
  std::string_view in_view_;
};

// Finds the event time (the format's time column) of the first line of a unit that parses,
// reading only the unit's first 64 KiB (after decompression). Reused across units; not
// thread-safe.
class TimePeeker {
 public:
  explicit TimePeeker(const formats::Format* format);
  // nullopt when none of those lines parses or the format has no time column.
  Result<std::optional<int64_t>> Peek(const InputObject& object, const ScanUnit& unit);

 private:
  const formats::Format* format_;
  int time_column_;
  std::unique_ptr<formats::LineParser> parser_;
  std::unique_ptr<formats::RowBatch> batch_;
  std::string head_;
  std::string plain_;
  std::string reason_;
};

// Opens format `name` with `options` for reading `objects`: configurable formats (those that
// declare options) get a sample to infer from, of the first object with two lines or more
// (else the first that is not empty; empty when all are).
Result<std::shared_ptr<const formats::Format>> OpenFormatFor(
    std::string_view name, const formats::FormatOptions& options,
    const std::vector<InputObject>& objects);

// Up to `max_bytes` of the object's (decompressed) text from its start, for sniffing.
Result<std::string> ReadSample(const InputObject& object, size_t max_bytes);

// The object's first lines (decompressed), whole: about 256 KiB, more when the first line is
// longer (up to 64 MiB); the whole object when it is smaller.
Result<std::string> SampleLines(const InputObject& object);

// Counts '\n' bytes in [0, offset) of an uncompressed object (to number lines of a unit that
// starts mid-object, only when one of its lines is reported).
Result<uint64_t> CountLinesBefore(const InputObject& object, uint64_t offset);

}  // namespace silt::query
