// fuzz_regex: the regex format under fixed configurations (the generic fuzz_format target
// would only see the unconfigured instance, which rejects every line).
// Properties checked on every input, for each configuration:
//   - parsing never crashes (sanitizers catch memory errors);
//   - every line is accounted for: rows + rejects + skipped == lines;
//   - parsing in chunks (cut at line ends) gives exactly what parsing the whole buffer gives;
//   - which lines are rejected (and why) does not depend on the columns wanted.
// With libFuzzer (make fuzz) this is the fuzzing entry point; in normal builds it links
// replay_main.cc and replays the regression corpus under fuzz/corpus/regex/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "silt/formats/format.h"
#include "silt/formats/format_testing.h"

namespace {

using silt::formats::FormatOptions;

const std::vector<std::shared_ptr<const silt::formats::Format>>& Formats() {
  static const auto formats = [] {
    const FormatOptions configs[] = {
        // Combined log, typed.
        {{"pattern",
          R"re((?P<host>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<ts>[^]]+)\] "(?P<request>[^"]*)" )re"
          R"re((?P<status>\d{3}) (?P<bytes>\S+)(?: "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")?.*)re"},
         {"types", "status INTEGER, bytes BIGINT, ts TIMESTAMPTZ"},
         {"time_format", "%d/%b/%Y:%H:%M:%S %z"}},
        // Syslog-like, optional pid.
        {{"pattern", R"re((?P<time>\w{3} [ \d]\d \d\d:\d\d:\d\d) (?P<host>\S+) )re"
                     R"re((?P<program>[^\[:]+)(?:\[(?P<pid>\d+)\])?: (?P<message>.*))re"},
         {"types", "time TIMESTAMPTZ, pid INTEGER"},
         {"time_format", "%b %e %T"}},
        // Every type, loose groups (anything reaches the converters), per-column time formats.
        {{"pattern",
          R"re((?P<i>[^ ]*) (?P<b>[^ ]*) (?P<d>[^ ]*) (?P<ok>[^ ]*) (?P<t>[^ ]*)(?: (?P<u>[^ ]*))?(?: (?P<rest>.*))?)re"},
         {"types", "i INTEGER, b BIGINT, d DOUBLE, ok BOOLEAN, t TIMESTAMPTZ, u TIMESTAMPTZ"},
         {"time_format", "t=auto;u=%Y-%m-%dT%H:%M:%S.%f%z"},
         {"nullstr", ""}},
    };
    std::vector<std::shared_ptr<const silt::formats::Format>> out;
    for (const auto& o : configs) {
      auto f = silt::formats::OpenFormat("regex", o, "");
      if (!f.ok()) {
        std::fprintf(stderr, "fuzz_regex: bad configuration: %s\n", f.status().ToString().c_str());
        std::abort();
      }
      out.push_back(*f);
    }
    return out;
  }();
  return formats;
}

class Collect final : public silt::formats::RejectSink {
 public:
  void OnReject(const silt::formats::Reject& r) override {
    text += std::to_string(r.line) + ":" + std::string(r.reason) + "\n";
  }
  std::string text;
};

// The rejects (line and reason) when parsing with only the columns `wanted`.
std::string RejectsWanted(const silt::formats::Format& format, std::string_view input,
                          bool wanted_all) {
  std::vector<bool> wanted(format.schema().size(), wanted_all);
  auto parser = format.MakeParser(wanted);
  parser->BeginObject();
  silt::formats::LineScanner scanner(parser.get());
  scanner.Begin(1, 0);
  silt::formats::RowBatch batch(format.schema());
  std::string padded(input);
  padded.append(silt::formats::LineScanner::kPadding, '\0');
  const char* pos = padded.data();
  const char* end = pos + input.size();
  Collect rejects;
  silt::formats::LineScanner::Counters counters;
  while (pos < end) {
    batch.Clear();
    scanner.Scan(&pos, end, batch, "fuzz", &rejects, &counters);
  }
  return rejects.text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first byte picks the chunk size, so that the fuzzer explores cut points too.
  const size_t chunk = size > 0 ? 1 + static_cast<unsigned char>(input[0]) % 97 : 1;
  uint64_t lines = 0;
  for (char c : input) lines += c == '\n';
  if (!input.empty() && input.back() != '\n') ++lines;
  for (const auto& format : Formats()) {
    auto whole = silt::formats::ParseForTest(*format, input);
    auto chunked = silt::formats::ParseForTest(*format, input, chunk);
    if (whole.rows + whole.rejects + whole.skipped != lines) {
      std::fprintf(stderr, "lines %llu != rows %llu + rejects %llu + skipped %llu\n",
                   static_cast<unsigned long long>(lines),
                   static_cast<unsigned long long>(whole.rows),
                   static_cast<unsigned long long>(whole.rejects),
                   static_cast<unsigned long long>(whole.skipped));
      std::abort();
    }
    if (whole.rendered != chunked.rendered) {
      std::fprintf(stderr, "chunked parsing (chunk %zu) differs from whole-buffer parsing\n",
                   chunk);
      std::abort();
    }
    if (RejectsWanted(*format, input, false) != RejectsWanted(*format, input, true)) {
      std::fprintf(stderr, "rejects depend on the columns wanted\n");
      std::abort();
    }
  }
  return 0;
}
