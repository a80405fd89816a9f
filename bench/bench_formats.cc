// Parse-only throughput per format, on one core: lines -> typed RowBatches, nothing else.
//   build/release/bench_formats [--benchmark_filter=s3_access]
// Reports bytes/s (input bytes) and items/s (lines).
#include <benchmark/benchmark.h>

#include <cstdio>
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

// cloudfront: 64 MiB of today's 33-field lines under their headers, generated in code
// (varied sizes, times, paths, URL-encoded user agents and queries).
const std::string& CloudFrontSample() {
  static const std::string text = [] {
    static const char* kUa[] = {
        "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like"
        "%20Gecko)%20Chrome/120.0.0.0%20Safari/537.36",
        "Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2017_2%20like%20Mac%20OS%20X)", "curl/8.5.0",
        "python-requests/2.31.0"};
    static const char* kPath[] = {"/index.html", "/assets/app.9f8e7d.js", "/img/hero%2520a.jpg",
                                  "/api/v1/items", "/"};
    static const char* kQuery[] = {"-", "-", "page=2&sort=desc", "q=caf%25C3%25A9"};
    std::string t =
        "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) "
        "cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) "
        "x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken "
        "x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version "
        "fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type "
        "sc-content-type sc-content-len sc-range-start sc-range-end\n";
    uint64_t x = 88172645463325252ull;
    char line[1024];
    while (t.size() < (64u << 20)) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      const unsigned r = static_cast<unsigned>(x);
      std::snprintf(line, sizeof line,
                    "2024-03-%02u\t%02u:%02u:%02u\tIAD89-C%u\t%u\t192.0.%u.%u\tGET\t"
                    "d111111abcdef8.cloudfront.net\t%s\t%u\t-\t%s\t%s\t-\t%s\t"
                    "Ku7hJ0R2h8dQmA-Xz1pQ1gD5vYbq3N0c9YV0Lk2Rr4TgGQf0y8eXvA==\twww.example.com\t"
                    "https\t%u\t0.%03u\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t%u\t"
                    "0.%03u\tHit\ttext/html\t%u\t-\t-\n",
                    1 + r % 28, r % 24, (r >> 5) % 60, (r >> 11) % 60, r % 9, 300 + r % 100000,
                    (r >> 8) & 255, r >> 24, kPath[r % 5], r % 7 != 0 ? 200u : 404u,
                    kUa[(r >> 3) % 4], kQuery[(r >> 7) % 4], r % 3 != 0 ? "Hit" : "Miss",
                    200 + r % 900, r % 1000, 1024 + r % 60000, r % 500, r % 200000);
      t += line;
    }
    t.append(silt::formats::LineScanner::kPadding, '\0');
    return t;
  }();
  return text;
}

void BM_cloudfront_all_columns(benchmark::State& state) {
  const auto* format = silt::formats::FindFormat("cloudfront");
  const std::string& text = CloudFrontSample();
  const size_t size = text.size() - silt::formats::LineScanner::kPadding;
  std::vector<bool> wanted(format->schema().size(), true);
  auto parser = format->MakeParser(wanted);
  silt::formats::RowBatch batch(format->schema());
  uint64_t lines = 0;
  for (auto _ : state) {
    parser->BeginObject();
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
BENCHMARK(BM_cloudfront_all_columns)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
