// Deterministic generator of realistic AWS S3 server access log objects, for the demo, the
// tests and the benchmarks. Same options + seed => byte-identical objects and names.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "silt/common/status.h"
#include "silt/store/store.h"

namespace silt::gen {

struct S3AccessGenOptions {
  uint64_t total_bytes = 64ull << 20;  // approximate total size of all objects (uncompressed)
  int objects = 0;                     // number of objects; 0 = one per ~8 MiB (at least 1)
  int days = 1;                        // request times spread over this many UTC days...
  std::string start_date = "2024-03-01";  // ...starting at this UTC date (YYYY-MM-DD)
  uint64_t seed = 42;
  std::string prefix = "logs/";        // key prefix for the objects ("" = store root)
  // Share of lines (0..1) in the older layouts (17/18/24 fields) and in the newest 27-field
  // layout with source_region; the rest use today's 26-field layout.
  double old_layout_share = 0.02;
  double newest_layout_share = 0.10;
  // Share of lines whose request URI, referer or user agent contains a '"' (as AWS writes it).
  double quote_share = 0.001;
  std::string compression = "none";    // none | gzip | zstd (adds .gz / .zst to the name)
};

struct S3AccessGenSummary {
  int objects = 0;
  uint64_t lines = 0;
  uint64_t bytes = 0;  // uncompressed bytes written
};

// Writes the objects into `out` under options.prefix, named as AWS names them:
// PREFIX/YYYY-MM-DD-HH-MM-SS-<16 upper-case hex> (the time is the object's delivery time,
// after its last request). `progress`, when set, is called after each object with the bytes
// generated so far. Returns InvalidArgument for bad options (negative sizes, bad date, ...).
Result<S3AccessGenSummary> GenerateS3Access(
    const S3AccessGenOptions& options, store::Store& out,
    const std::function<void(uint64_t bytes_done)>& progress = {});

}  // namespace silt::gen
