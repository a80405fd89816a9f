#include "silt/formats/format.h"

#include <cstring>

// One include per format.
#include "silt/formats/cloudfront.h"
#include "silt/formats/s3_access.h"

namespace silt::formats {

std::vector<const Format*> AllFormats() {
  // One instance per format, in the order `silt formats` lists them.
  static const S3AccessFormat s3_access;
  static const CloudFrontFormat cloudfront;
  return {
      &s3_access,
      &cloudfront,
  };
}

const Format* FindFormat(std::string_view name) {
  for (const Format* f : AllFormats()) {
    if (f->name() == name) return f;
  }
  return nullptr;
}

std::string FormatNames() {
  std::string out;
  for (const Format* f : AllFormats()) {
    if (!out.empty()) out += ", ";
    out += f->name();
  }
  return out;
}

void LineScanner::Scan(const char** pos, const char* end, RowBatch& batch,
                       std::string_view object, RejectSink* rejects, Counters* counters) {
  const char* p = *pos;
  size_t row = batch.size();
  while (p < end && row < RowBatch::kCapacity) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl != nullptr ? nl : end;
    std::string_view line(p, static_cast<size_t>(line_end - p));
    const uint64_t line_no = line_;
    const uint64_t line_off = offset_;
    const char* next = nl != nullptr ? nl + 1 : end;
    offset_ += static_cast<uint64_t>(next - p);
    ++line_;
    p = next;
    if (line.empty() || (line.size() == 1 && line[0] == '\r')) {
      ++counters->skipped;
      continue;
    }
    switch (parser_->Parse(line, batch, row, &reason_)) {
      case LineResult::kRow:
        if (window_ != nullptr) {
          const int64_t t = batch.ints(window_->time_column)[row];
          if (batch.nulls(window_->time_column)[row] || t < window_->lo || t >= window_->hi) {
            ++counters->spilled;
            if (window_->spill != nullptr) {
              window_->spill->OnSpill(batch.nulls(window_->time_column)[row] ? INT64_MIN : t,
                                      parser_->Preamble(), line);
            }
            break;
          }
        }
        if (row_lines_ != nullptr) row_lines_[row] = line_no;
        ++row;
        ++counters->rows;
        break;
      case LineResult::kSkip:
        ++counters->skipped;
        break;
      case LineResult::kReject:
        ++counters->rejects;
        if (rejects != nullptr) {
          rejects->OnReject(Reject{object, line_no, line_off, reason_, line});
        }
        break;
    }
  }
  batch.set_size(row);
  *pos = p;
}

}  // namespace silt::formats
