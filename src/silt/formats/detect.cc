#include "silt/formats/detect.h"

#include <algorithm>

namespace silt::formats {

std::vector<Detection> DetectFormats(std::string_view sample, size_t max_lines) {
  // Whole lines only: the sample may end in the middle of one.
  if (!sample.empty() && sample.back() != '\n') {
    size_t nl = sample.rfind('\n');
    if (nl != std::string_view::npos) sample = sample.substr(0, nl + 1);
  }
  std::vector<Detection> out;
  std::vector<std::shared_ptr<const Format>> configured;  // keeps inferred formats alive
  for (const Format* registered : AllFormats()) {
    // Configurable formats (csv, jsonl...) infer their columns from the sample.
    auto c = registered->Configure({}, sample);
    if (!c.ok()) continue;
    configured.push_back(*c);
    const Format* format = configured.back().get();
    const size_t cols = format->schema().size();
    if (cols == 0) continue;
    std::vector<bool> wanted(cols, true);
    auto parser = format->MakeParser(wanted);
    parser->BeginObject();
    RowBatch batch(format->schema());
    std::string reason;
    Detection d;
    d.format = configured.back();
    uint64_t filled = 0;
    size_t pos = 0, seen = 0;
    while (pos < sample.size() && seen < max_lines) {
      size_t nl = sample.find('\n', pos);
      if (nl == std::string_view::npos) nl = sample.size();
      std::string_view line = sample.substr(pos, nl - pos);
      pos = nl + 1;
      if (line.empty() || line == "\r") continue;
      ++seen;
      switch (parser->Parse(line, batch, 0, &reason)) {
        case LineResult::kRow:
          ++d.rows;
          for (size_t c = 0; c < cols; ++c) filled += batch.nulls(c)[0] ? 0 : 1;
          break;
        case LineResult::kReject:
          ++d.rejects;
          break;
        case LineResult::kSkip:
          break;
      }
    }
    if (d.rows == 0) continue;
    d.confidence = static_cast<double>(d.rows) / static_cast<double>(d.rows + d.rejects);
    d.filled = static_cast<double>(filled) / static_cast<double>(d.rows * cols);
    out.push_back(d);
  }
  std::sort(out.begin(), out.end(), [](const Detection& a, const Detection& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return a.filled * a.format->schema().size() > b.filled * b.format->schema().size();
  });
  return out;
}

}  // namespace silt::formats
