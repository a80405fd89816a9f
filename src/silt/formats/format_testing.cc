#include "silt/formats/format_testing.h"

#include <bit>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "silt/common/civil_time.h"
#include "silt/common/strings.h"

namespace silt::formats {

namespace {

class CollectRejects final : public RejectSink {
 public:
  explicit CollectRejects(std::string* out) : out_(out) {}
  void OnReject(const Reject& r) override {
    *out_ += fmt::format("{{\"reject\":{{\"line\":{},\"offset\":{},\"reason\":\"", r.line, r.offset);
    JsonEscape(r.reason, out_);
    *out_ += "\"}}\n";
  }

 private:
  std::string* out_;
};

void RenderBatch(const Schema& schema, RowBatch& batch, std::string* out) {
  for (size_t r = 0; r < batch.size(); ++r) {
    *out += '{';
    bool first = true;
    for (size_t c = 0; c < schema.size(); ++c) {
      if (batch.nulls(c)[r]) continue;
      if (!first) *out += ',';
      first = false;
      *out += '"' + schema[c].name + "\":";
      switch (schema[c].type) {
        case ColumnType::kVarchar:
          *out += '"';
          JsonEscape(batch.strings(c)[r], out);
          *out += '"';
          break;
        case ColumnType::kTimestampTz:
          *out += '"' + FormatTimestampUtc(batch.ints(c)[r]) + '"';
          break;
        case ColumnType::kBoolean:
          *out += batch.ints(c)[r] ? "true" : "false";
          break;
        case ColumnType::kDouble:  // stored as bits; shortest text that reads back the same
          *out += fmt::format("{}", std::bit_cast<double>(batch.ints(c)[r]));
          break;
        default:
          *out += std::to_string(batch.ints(c)[r]);
      }
    }
    *out += "}\n";
  }
}

}  // namespace

ParsedText ParseForTest(const Format& format, std::string_view input, size_t chunk) {
  ParsedText result;
  std::vector<bool> wanted(format.schema().size(), true);
  auto parser = format.MakeParser(wanted);
  parser->BeginObject();
  LineScanner scanner(parser.get());
  scanner.Begin(1, 0);
  RowBatch batch(format.schema());
  // Rows and rejects must come out in input order: rejects are rendered into a side buffer
  // and merged by flushing rows before every reject.
  std::string rejects_text;
  CollectRejects rejects(&rejects_text);
  // Padded copy: parsers may read up to kPadding bytes past a buffer's end.
  std::string padded(input);
  padded.append(LineScanner::kPadding, '\0');
  const char* base = padded.data();
  const char* end = base + input.size();
  const char* pos = base;
  LineScanner::Counters counters;
  while (pos < end) {
    const char* stop = end;
    if (chunk > 0 && static_cast<size_t>(end - pos) > chunk) {
      stop = pos + chunk;
      while (stop < end && stop[-1] != '\n') ++stop;
    }
    while (pos < stop) {
      // One line at a time so that rejects interleave with rows in order.
      const char* nl = static_cast<const char*>(std::memchr(pos, '\n', static_cast<size_t>(stop - pos)));
      const char* line_stop = nl != nullptr ? nl + 1 : stop;
      batch.Clear();
      scanner.Scan(&pos, line_stop, batch, "test", &rejects, &counters);
      RenderBatch(format.schema(), batch, &result.rendered);
      result.rendered += rejects_text;
      rejects_text.clear();
    }
  }
  result.rows = counters.rows;
  result.rejects = counters.rejects;
  result.skipped = counters.skipped;
  return result;
}

}  // namespace silt::formats
