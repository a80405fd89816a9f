// One fuzz target per format (built as fuzz_<format> with SILT_FUZZ_FORMAT="<format>").
// Properties checked on every input:
//   - parsing never crashes (sanitizers catch memory errors);
//   - every line is accounted for: rows + rejects + skipped == lines;
//   - parsing in chunks (cut at line ends) gives exactly what parsing the whole buffer gives.
// With libFuzzer (make fuzz) this is the fuzzing entry point; in normal builds it links
// replay_main.cc and replays the regression corpus under fuzz/corpus/<format>/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "silt/formats/format.h"
#include "silt/formats/format_testing.h"

#ifndef SILT_FUZZ_FORMAT
#error "define SILT_FUZZ_FORMAT"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const silt::formats::Format* format = silt::formats::FindFormat(SILT_FUZZ_FORMAT);
  if (format == nullptr) {
    std::fprintf(stderr, "unknown format %s\n", SILT_FUZZ_FORMAT);
    std::abort();
  }
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Configurable formats (csv, jsonl) configure from the input itself, as from a sample (which
  // fuzzes their inference too); inputs they refuse end there. Fixed formats stay themselves.
  std::shared_ptr<const silt::formats::Format> configured;
  const silt::formats::Format* reader = format;
  if (!format->options().empty()) {
    auto c = format->Configure({}, input);
    if (!c.ok()) return 0;
    configured = *c;
    reader = configured.get();
  }
  // The first byte picks the chunk size, so that the fuzzer explores cut points too.
  const size_t chunk = size > 0 ? 1 + static_cast<unsigned char>(input[0]) % 97 : 1;
  auto whole = silt::formats::ParseForTest(*reader, input);
  auto chunked = silt::formats::ParseForTest(*reader, input, chunk);
  uint64_t lines = 0;
  for (char c : input) lines += c == '\n';
  if (!input.empty() && input.back() != '\n') ++lines;
  if (whole.rows + whole.rejects + whole.skipped != lines) {
    std::fprintf(stderr, "lines %llu != rows %llu + rejects %llu + skipped %llu\n",
                 static_cast<unsigned long long>(lines), static_cast<unsigned long long>(whole.rows),
                 static_cast<unsigned long long>(whole.rejects),
                 static_cast<unsigned long long>(whole.skipped));
    std::abort();
  }
  if (whole.rendered != chunked.rendered) {
    std::fprintf(stderr, "chunked parsing (chunk %zu) differs from whole-buffer parsing\n", chunk);
    std::abort();
  }
  return 0;
}
