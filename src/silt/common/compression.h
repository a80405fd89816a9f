// Byte-level compression: detection by magic bytes, whole-buffer compression for writers and
// streaming decompression for readers (gzip — including multi-member files —, zstd and
// bzip2 — including concatenated streams).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "silt/common/status.h"

namespace silt {

enum class Compression { kNone, kGzip, kZstd, kBzip2 };

std::string_view CompressionName(Compression c);  // "none", "gzip", "zstd", "bzip2"
Result<Compression> ParseCompression(std::string_view name);

// Looks at the first bytes of an object (4 are enough) and names its compression.
Compression DetectCompression(std::string_view head);

// Compresses `data` whole. level 0 = the codec's default.
Result<std::string> Compress(Compression c, std::string_view data, int level = 0);

// Streaming decompression. Not thread-safe; one per stream.
class Decompressor {
 public:
  virtual ~Decompressor() = default;
  // Consumes bytes from the front of `in` (advancing it) and writes up to `cap` decompressed
  // bytes to `out`. Returns the number written, which may be 0 when more input is needed.
  // Corruption for malformed input, naming what the codec said.
  virtual Result<size_t> Decompress(std::string_view& in, char* out, size_t cap) = 0;
  // True when the stream ended cleanly at a frame/member boundary (a truncated stream is not).
  virtual bool AtEnd() const = 0;
};

// A decompressor for `c` (kNone copies bytes through).
std::unique_ptr<Decompressor> MakeDecompressor(Compression c);

// Whole-buffer decompression (tests, small objects).
Result<std::string> Decompress(Compression c, std::string_view data);

}  // namespace silt
