// RowBatch: the columnar hand-off between a parser and whatever consumes rows (the DuckDB
// chunk writer, tests, benchmarks). Parsers write row by row into fixed-capacity column
// arrays; string values are views into the input buffer (valid until the buffer moves on) or
// into the batch's own arena for values the parser had to rewrite (e.g. URL-decoded keys).
//
// Not thread-safe: one batch per scanning thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "silt/formats/schema.h"

namespace silt::formats {

class RowBatch {
 public:
  static constexpr size_t kCapacity = 2048;  // = DuckDB's vector size

  explicit RowBatch(const Schema& schema);

  size_t size() const { return size_; }
  bool full() const { return size_ == kCapacity; }
  void set_size(size_t n) { size_ = n; }
  // Forgets all rows and the arena's contents.
  void Clear();

  size_t column_count() const { return columns_.size(); }
  ColumnType type(size_t col) const { return columns_[col].type; }

  // Column storage; row index < kCapacity. For kVarchar use strings(), for every other type
  // ints() (kInt32/kInt64/kBoolean as integers, kTimestampTz as microseconds, kDouble as bits).
  std::string_view* strings(size_t col) { return columns_[col].strings.get(); }
  int64_t* ints(size_t col) { return columns_[col].ints.get(); }
  // 1 = NULL. Parsers must set this for every column of every row they write.
  uint8_t* nulls(size_t col) { return columns_[col].nulls.get(); }

  // Copies `s` into storage owned by the batch (valid until Clear) and returns a view of it.
  std::string_view Intern(std::string_view s);
  // Reserves `n` bytes in the arena for the caller to fill; valid until Clear.
  char* Allocate(size_t n);

 private:
  struct Column {
    ColumnType type;
    std::unique_ptr<std::string_view[]> strings;
    std::unique_ptr<int64_t[]> ints;
    std::unique_ptr<uint8_t[]> nulls;
  };
  std::vector<Column> columns_;
  size_t size_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;  // reused across Clear()
  std::vector<std::unique_ptr<char[]>> big_;     // oversized values, freed on Clear()
  size_t block_ = 0;                             // current block index
  size_t used_ = 0;                              // bytes used in the current block
};

}  // namespace silt::formats
