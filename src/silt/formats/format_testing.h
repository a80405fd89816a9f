// Test helpers shared by the format tests, the golden tests and the fuzz targets: parse a whole
// buffer with a format and render every row and reject as one JSON line, in input order.
#pragma once

#include <string>
#include <string_view>

#include "silt/formats/format.h"

namespace silt::formats {

struct ParsedText {
  std::string rendered;  // one line per row ({"col": value, ...}, NULLs omitted) or reject
  uint64_t rows = 0;
  uint64_t rejects = 0;
  uint64_t skipped = 0;
};

// Parses `input` (whole lines, the last one may lack '\n') with every column wanted.
// Rows render as {"bucket":"b","http_status":200,...} (timestamps as ISO-8601 UTC);
// rejects as {"reject":{"line":3,"reason":"..."}}.
// `chunk` > 0 feeds the input in pieces of about that many bytes (cut at line ends), to check
// that chunked parsing equals whole-buffer parsing.
ParsedText ParseForTest(const Format& format, std::string_view input, size_t chunk = 0);

}  // namespace silt::formats
