// Parse-only throughput per format, on one core: lines -> typed RowBatches, nothing else.
//   build/release/bench_formats [--benchmark_filter=s3_access]
// Reports bytes/s (input bytes) and items/s (lines).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "silt/formats/format.h"
#include "silt/gen/s3_access_gen.h"

namespace {

// Collects generated objects in memory.
class MemoryStore final : public silt::store::Store {
 public:
  std::string Describe() const override { return "memory://"; }
  silt::Result<silt::store::ListPage> List(const silt::store::ListOptions&) override {
    return silt::store::ListPage{};
  }
  silt::Result<silt::store::ObjectVersion> Head(std::string_view k) override {
    return silt::Status::NotFound(std::string(k));
  }
  silt::Result<size_t> ReadRange(std::string_view, uint64_t, size_t, char*) override {
    return silt::Status::NotFound("");
  }
  silt::Result<silt::store::ObjectVersion> Put(std::string_view key, std::string_view data,
                                               const silt::store::PutOptions&) override {
    text += data;
    return silt::store::ObjectVersion{std::string(key), data.size(), 0, ""};
  }
  silt::Result<silt::store::ObjectVersion> PutFile(std::string_view, const std::string&,
                                                   const silt::store::PutOptions&) override {
    return silt::Status::Internal("unused");
  }
  silt::Status DeleteMany(const std::vector<std::string>&) override { return silt::Status::OK(); }
  silt::Result<silt::store::ObjectVersion> Copy(std::string_view, std::string_view) override {
    return silt::Status::Internal("unused");
  }
  std::string text;
};

const std::string& Sample() {
  static const std::string text = [] {
    MemoryStore st;
    silt::gen::S3AccessGenOptions o;
    o.total_bytes = 64 << 20;
    o.objects = 1;
    (void)silt::gen::GenerateS3Access(o, st);
    st.text.append(silt::formats::LineScanner::kPadding, '\0');
    return st.text;
  }();
  return text;
}

void Parse(benchmark::State& state, const char* format_name, bool all_columns) {
  const auto* format = silt::formats::FindFormat(format_name);
  const std::string& text = Sample();
  const size_t size = text.size() - silt::formats::LineScanner::kPadding;
  std::vector<bool> wanted(format->schema().size(), all_columns);
  if (!all_columns) wanted[static_cast<size_t>(silt::formats::FindColumn(format->schema(), "bytes_sent"))] = true;
  auto parser = format->MakeParser(wanted);
  silt::formats::RowBatch batch(format->schema());
  uint64_t lines = 0;
  for (auto _ : state) {
    silt::formats::LineScanner scanner(parser.get());
    const char* pos = text.data();
    const char* end = pos + size;
    silt::formats::LineScanner::Counters c;
    while (pos < end) {
      batch.Clear();
      scanner.Scan(&pos, end, batch, "bench", nullptr, &c);
      benchmark::DoNotOptimize(batch.ints(0));
    }
    if (c.rejects != 0) state.SkipWithError("unexpected rejects");
    lines += c.rows;
  }
  state.SetBytesProcessed(static_cast<int64_t>(size) * state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(lines));
}

void BM_s3_access_all_columns(benchmark::State& s) { Parse(s, "s3_access", true); }
void BM_s3_access_one_column(benchmark::State& s) { Parse(s, "s3_access", false); }
BENCHMARK(BM_s3_access_all_columns)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_s3_access_one_column)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
