#include "silt/formats/row_batch.h"

#include <cstring>

namespace silt::formats {

std::string_view ColumnTypeSqlName(ColumnType t) {
  switch (t) {
    case ColumnType::kVarchar: return "VARCHAR";
    case ColumnType::kInt32: return "INTEGER";
    case ColumnType::kInt64: return "BIGINT";
    case ColumnType::kTimestampTz: return "TIMESTAMPTZ";
    case ColumnType::kBoolean: return "BOOLEAN";
    case ColumnType::kDouble: return "DOUBLE";
  }
  return "VARCHAR";
}

int FindColumn(const Schema& schema, std::string_view name) {
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

RowBatch::RowBatch(const Schema& schema) {
  columns_.reserve(schema.size());
  for (const auto& spec : schema) {
    Column c;
    c.type = spec.type;
    if (spec.type == ColumnType::kVarchar) {
      c.strings = std::make_unique<std::string_view[]>(kCapacity);
    } else {
      c.ints = std::make_unique<int64_t[]>(kCapacity);
    }
    c.nulls = std::make_unique<uint8_t[]>(kCapacity);
    columns_.push_back(std::move(c));
  }
}

void RowBatch::Clear() {
  size_ = 0;
  block_ = 0;
  used_ = 0;
  big_.clear();
}

namespace {
constexpr size_t kArenaBlockSize = 256 * 1024;
}

char* RowBatch::Allocate(size_t n) {
  if (n > kArenaBlockSize / 4) {
    big_.push_back(std::make_unique<char[]>(n));
    return big_.back().get();
  }
  if (blocks_.empty()) {
    blocks_.push_back(std::make_unique<char[]>(kArenaBlockSize));
    block_ = 0;
    used_ = 0;
  } else if (used_ + n > kArenaBlockSize) {
    ++block_;
    if (block_ == blocks_.size()) blocks_.push_back(std::make_unique<char[]>(kArenaBlockSize));
    used_ = 0;
  }
  char* p = blocks_[block_].get() + used_;
  used_ += n;
  return p;
}

std::string_view RowBatch::Intern(std::string_view s) {
  char* p = Allocate(s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

}  // namespace silt::formats
