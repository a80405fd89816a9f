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

// The measurement every benchmark shares: parse `text` (its first `size` bytes; the padding
// after them stays unread) into RowBatches, once per iteration, counting bytes and lines.
void ParseLoop(benchmark::State& state, const silt::formats::Format& format,
               const std::vector<bool>& wanted, const std::string& text, size_t size) {
  auto parser = format.MakeParser(wanted);
  silt::formats::RowBatch batch(format.schema());
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

void Parse(benchmark::State& state, const char* format_name, bool all_columns) {
  const auto* format = silt::formats::FindFormat(format_name);
  const std::string& text = Sample();
  const size_t size = text.size() - silt::formats::LineScanner::kPadding;
  std::vector<bool> wanted(format->schema().size(), all_columns);
  if (!all_columns) wanted[static_cast<size_t>(silt::formats::FindColumn(format->schema(), "bytes_sent"))] = true;
  ParseLoop(state, *format, wanted, text, size);
}

void BM_s3_access_all_columns(benchmark::State& s) { Parse(s, "s3_access", true); }
void BM_s3_access_one_column(benchmark::State& s) { Parse(s, "s3_access", false); }
BENCHMARK(BM_s3_access_all_columns)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_s3_access_one_column)->Unit(benchmark::kMillisecond);

// combined: 32 MiB of Apache/nginx combined lines generated in code: IPv4 and IPv6 clients,
// one in eight with a vhost:port prefix, one in sixteen with an X-Forwarded-For list, a few
// escaped quotes, '-' bytes and referers, browser and tool user agents.
const std::string& CombinedSample() {
  static const std::string text = [] {
    static const char* kUa[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
        "curl/8.5.0", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"};
    static const char* kReq[] = {"GET /index.html HTTP/1.1", "GET /assets/app.9f8e7d.js HTTP/2.0",
                                 "POST /api/v1/items?id=42 HTTP/1.1", "GET /search?q=\\\"a b\\\" HTTP/1.1",
                                 "HEAD / HTTP/1.0"};
    static const char* kRef[] = {"-", "https://www.example.com/", "-", "https://www.google.com/"};
    static const char* kMon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::string t;
    uint64_t x = 88172645463325252ull;
    char host[64], line[1024];
    while (t.size() < (32u << 20)) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      const unsigned r = static_cast<unsigned>(x);
      if (r % 5 == 0) {
        std::snprintf(host, sizeof host, "2001:db8::%x", r >> 16);
      } else {
        std::snprintf(host, sizeof host, "%u.%u.%u.%u", 1 + (r >> 24) % 223, (r >> 16) & 255,
                      (r >> 8) & 255, r & 255);
      }
      std::snprintf(line, sizeof line, "%s%s%s - %s [%02u/%s/2024:%02u:%02u:%02u %s] \"%s\" %u %s \"%s\" \"%s\"\n",
                    r % 8 == 0 ? "www.example.com:443 " : "", host,
                    r % 16 == 1 ? ", 10.0.0.1" : "", r % 11 == 0 ? "alice" : "-", 1 + r % 28,
                    kMon[(r >> 4) % 12], r % 24, (r >> 5) % 60, (r >> 11) % 60,
                    r % 3 == 0 ? "+0000" : "-0700", kReq[(r >> 9) % 5],
                    r % 7 != 0 ? 200u : 404u, r % 13 == 0 ? "-" : std::to_string(r % 90000).c_str(),
                    kRef[(r >> 6) % 4], kUa[(r >> 3) % 4]);
      t += line;
    }
    t.append(silt::formats::LineScanner::kPadding, '\0');
    return t;
  }();
  return text;
}

void BM_combined_all_columns(benchmark::State& state) {
  const auto* format = silt::formats::FindFormat("combined");
  const std::string& text = CombinedSample();
  const size_t size = text.size() - silt::formats::LineScanner::kPadding;
  std::vector<bool> wanted(format->schema().size(), true);
  ParseLoop(state, *format, wanted, text, size);
}
BENCHMARK(BM_combined_all_columns)->Unit(benchmark::kMillisecond);

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
  ParseLoop(state, *format, wanted, text, size);
}
BENCHMARK(BM_cloudfront_all_columns)->Unit(benchmark::kMillisecond);

// regex: a combined-log pattern (typed status, bytes and time) over 8 MiB of combined lines
// generated in code. Compare with BM_combined_all_columns (the hand-written parser); the
// one-column run reads only `status`, so RE2 extracts just the typed groups.
constexpr const char* kRegexCombinedPattern =
    R"re((?P<remote_host>\S+) (?P<ident>\S+) (?P<remote_user>\S+) \[(?P<time>[^]]+)\] )re"
    R"re("(?P<request>[^"]*)" (?P<status>\d{3}) (?P<bytes>\S+) "(?P<referer>[^"]*)" )re"
    R"re("(?P<user_agent>[^"]*)")re";

const std::string& RegexCombinedSample() {
  static const std::string text = [] {
    static const char* kUa[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0.0.0 Safari/537.36",
        "curl/8.5.0", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"};
    static const char* kReq[] = {"GET /index.html HTTP/1.1", "GET /assets/app.9f8e7d.js HTTP/2.0",
                                 "POST /api/v1/items?id=42 HTTP/1.1", "HEAD / HTTP/1.0"};
    static const char* kMon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::string t;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    char line[512];
    while (t.size() < (8u << 20)) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      const unsigned r = static_cast<unsigned>(x);
      std::snprintf(line, sizeof line,
                    "%u.%u.%u.%u - %s [%02u/%s/2024:%02u:%02u:%02u +0000] \"%s\" %u %u \"%s\" "
                    "\"%s\"\n",
                    1 + (r >> 24) % 223, (r >> 16) & 255, (r >> 8) & 255, r & 255,
                    r % 11 == 0 ? "alice" : "-", 1 + r % 28, kMon[(r >> 4) % 12], r % 24,
                    (r >> 5) % 60, (r >> 11) % 60, kReq[(r >> 9) % 4], r % 7 != 0 ? 200u : 404u,
                    r % 90000, r % 3 == 0 ? "-" : "https://www.example.com/", kUa[(r >> 3) % 3]);
      t += line;
    }
    t.append(silt::formats::LineScanner::kPadding, '\0');
    return t;
  }();
  return text;
}

void RegexCombined(benchmark::State& state, bool all_columns) {
  auto opened = silt::formats::OpenFormat(
      "regex",
      {{"pattern", kRegexCombinedPattern},
       {"types", "status INTEGER, bytes BIGINT, time TIMESTAMPTZ"},
       {"time_format", "%d/%b/%Y:%H:%M:%S %z"}},
      "");
  if (!opened.ok()) {
    state.SkipWithError(opened.status().ToString().c_str());
    return;
  }
  const silt::formats::Format* format = opened->get();
  const std::string& text = RegexCombinedSample();
  const size_t size = text.size() - silt::formats::LineScanner::kPadding;
  std::vector<bool> wanted(format->schema().size(), all_columns);
  wanted[static_cast<size_t>(silt::formats::FindColumn(format->schema(), "status"))] = true;
  ParseLoop(state, *format, wanted, text, size);
}

void BM_regex_combined(benchmark::State& s) { RegexCombined(s, true); }
void BM_regex_combined_one_column(benchmark::State& s) { RegexCombined(s, false); }
BENCHMARK(BM_regex_combined)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_regex_combined_one_column)->Unit(benchmark::kMillisecond);

// csv and jsonl: configured as read_log does (inferred from a 256 KiB sample of the text),
// over 32 MiB generated in code: audit-log rows with a time, integers, a double, a boolean, a
// quoted field in one row of four (commas, doubled quotes) and empty fields.
std::string AuditRow(uint64_t* x, bool json) {
  static const char* kAction[] = {"user.login", "object.read", "object.write", "policy.update"};
  static const char* kActor[] = {"alice@example.com", "svc-backup", "Smith, Jane", "bob"};
  *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
  const unsigned r = static_cast<unsigned>(*x);
  char line[512];
  if (json) {
    std::snprintf(line, sizeof line,
                  "{\"ts\":\"2024-03-%02uT%02u:%02u:%02u.%03uZ\",\"customer\":%u,\"actor\":{\"name\":"
                  "\"%s\",\"id\":%u},\"action\":\"%s\",\"target\":\"s3://bucket/%s/%u.txt\","
                  "\"status\":%u,\"bytes\":%u,\"ratio\":%u.%02u,\"ok\":%s%s}\n",
                  1 + r % 28, r % 24, (r >> 5) % 60, (r >> 11) % 60, r % 1000, 1000 + r % 50,
                  kActor[(r >> 3) % 4], r % 9000, kAction[(r >> 7) % 4], r % 4 == 0 ? "a \\\"b\\\"" : "logs",
                  r % 100000, r % 7 != 0 ? 200u : 403u, r % 5000000, r % 10, r % 100,
                  r % 7 != 0 ? "true" : "false", r % 9 == 0 ? ",\"tags\":[\"x\",\"y\"]" : "");
  } else {
    std::snprintf(line, sizeof line,
                  "2024-03-%02uT%02u:%02u:%02u.%03uZ,%u,\"%s\",%s,%s,%u,%s,%u.%02u,%s\n", 1 + r % 28,
                  r % 24, (r >> 5) % 60, (r >> 11) % 60, r % 1000, 1000 + r % 50, kActor[(r >> 3) % 4],
                  kAction[(r >> 7) % 4],
                  r % 4 == 0 ? "\"s3://bucket/a \"\"b\"\", c.txt\"" : "s3://bucket/logs/x.txt",
                  r % 7 != 0 ? 200u : 403u, r % 13 == 0 ? "" : std::to_string(r % 5000000).c_str(),
                  r % 10, r % 100, r % 7 != 0 ? "true" : "false");
  }
  return line;
}

const std::string& AuditSample(bool json) {
  static const std::string csv = [] {
    std::string t = "Event Time,Customer,Actor,Action,Target,Status,Bytes,Ratio,OK\n";
    uint64_t x = 88172645463325252ull;
    while (t.size() < (32u << 20)) t += AuditRow(&x, false);
    t.append(silt::formats::LineScanner::kPadding, '\0');
    return t;
  }();
  static const std::string jsonl = [] {
    std::string t;
    uint64_t x = 88172645463325252ull;
    while (t.size() < (32u << 20)) t += AuditRow(&x, true);
    t.append(silt::formats::LineScanner::kPadding, '\0');
    return t;
  }();
  return json ? jsonl : csv;
}

void ConfiguredAllColumns(benchmark::State& state, const char* format_name, bool json) {
  const std::string& text = AuditSample(json);
  const size_t size = text.size() - silt::formats::LineScanner::kPadding;
  std::string_view sample(text.data(), 256 * 1024);
  sample = sample.substr(0, sample.rfind('\n') + 1);
  auto configured = silt::formats::OpenFormat(format_name, {}, sample);
  if (!configured.ok()) {
    state.SkipWithError(configured.status().ToString().c_str());
    return;
  }
  const silt::formats::Format* format = configured->get();
  std::vector<bool> wanted(format->schema().size(), true);
  ParseLoop(state, *format, wanted, text, size);
}

void BM_csv_all_columns(benchmark::State& s) { ConfiguredAllColumns(s, "csv", false); }
void BM_jsonl_all_columns(benchmark::State& s) { ConfiguredAllColumns(s, "jsonl", true); }
BENCHMARK(BM_csv_all_columns)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_jsonl_all_columns)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
