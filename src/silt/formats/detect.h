// Format detection: which registered format reads a sample of lines best.
#pragma once

#include <string_view>
#include <vector>

#include "silt/formats/format.h"

namespace silt::formats {

struct Detection {
  std::shared_ptr<const Format> format;  // as configured from the sample
  uint64_t rows = 0;       // sample lines the format parsed
  uint64_t rejects = 0;    // sample lines it rejected
  double confidence = 0;   // rows / (rows + rejects)
  double filled = 0;       // mean share of non-NULL columns per parsed row (specificity)
};

// Parses up to `max_lines` lines of `sample` (whole lines; a cut last line is ignored) with
// every registered format. Returns the formats that parsed at least one line, best first: by
// confidence, then by how many of their columns the rows fill.
std::vector<Detection> DetectFormats(std::string_view sample, size_t max_lines = 500);

}  // namespace silt::formats
