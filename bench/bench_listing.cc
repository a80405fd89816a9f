// What a conversion does before its first row: listing a folder of many small objects and
// planning the scan. Access-log folders hold tens of thousands of objects per day.
//   build/release/bench_listing [--benchmark_filter=resolve]
// Reports objects/s. The objects (20,000 files of 1 KiB, named as AWS names access logs) are
// written to a temporary folder once per process and removed at exit; SILT_BENCH_LISTING_DIR
// names a folder to list instead (e.g. bench-data/small-same, 102,400 objects).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "silt/formats/format.h"
#include "silt/query/log_scan.h"
#include "silt/store/store.h"

namespace {

namespace fs = std::filesystem;
constexpr int kObjects = 20000;

struct Folder {
  fs::path dir;
  size_t objects = kObjects;
  bool owned = true;
  Folder() {
    if (const char* given = std::getenv("SILT_BENCH_LISTING_DIR")) {
      dir = given;
      owned = false;
      objects = 0;
      for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        objects += e.is_regular_file() && name[0] != '.' && name[0] != '_';
      }
      return;
    }
    char tmpl[] = "/tmp/silt-bench-listing-XXXXXX";
    dir = ::mkdtemp(tmpl);
    const std::string line(1023, 'x');
    char name[64];
    for (int i = 0; i < kObjects; ++i) {
      std::snprintf(name, sizeof name, "2024-03-%02d-%02d-%02d-%02d-%016X", 1 + i / 8000,
                    i / 400 % 24, i / 7 % 60, i % 60, 0x9E3779B9u * static_cast<unsigned>(i));
      std::ofstream(dir / name) << line << '\n';
    }
  }
  ~Folder() {
    std::error_code ec;
    if (owned) fs::remove_all(dir, ec);
  }
};

const Folder& Objects() {
  static const Folder folder;
  return folder;
}

void BM_list_local(benchmark::State& state) {
  auto st = silt::store::OpenStore(*silt::ParseUri(Objects().dir.string()));
  if (!st.ok()) return state.SkipWithError(st.status().ToString().c_str());
  for (auto _ : state) {
    size_t n = 0;
    silt::Status s = silt::store::ListAll(**st, "", [&](const silt::store::ObjectVersion& v) {
      n += v.key[0] != '.' && v.key[0] != '_';  // as inputs are chosen
      return silt::Status::OK();
    });
    if (!s.ok() || n != Objects().objects) return state.SkipWithError("listing failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * Objects().objects));
}

void BM_resolve_inputs(benchmark::State& state) {
  const std::string dir = Objects().dir.string();
  for (auto _ : state) {
    auto objects = silt::query::ResolveInputs({dir});
    if (!objects.ok() || objects->size() != Objects().objects) {
      return state.SkipWithError("resolve failed");
    }
    benchmark::DoNotOptimize(objects->data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * Objects().objects));
}

void BM_resolve_and_plan(benchmark::State& state) {
  const std::string dir = Objects().dir.string();
  const auto* format = silt::formats::FindFormat("s3_access");
  for (auto _ : state) {
    auto objects = silt::query::ResolveInputs({dir});
    if (!objects.ok()) return state.SkipWithError("resolve failed");
    silt::query::ScanPlan plan(format, std::move(*objects));
    benchmark::DoNotOptimize(plan.units().data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * Objects().objects));
}

BENCHMARK(BM_list_local)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_resolve_inputs)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_resolve_and_plan)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
