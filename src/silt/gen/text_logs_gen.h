// Deterministic generators of other log kinds, for tests and benchmarks:
//   combined  Apache/nginx Combined Log Format lines, objects access-YYYY-MM-DD-NNNN.log
//   csv       per-customer audit logs with a header row, objects <customer>/audit/YYYY-MM-DD-NNNN.csv
//   jsonl     web analytics events, one JSON object per line, objects events-YYYY-MM-DD-NNNN.jsonl
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "silt/common/status.h"
#include "silt/store/store.h"

namespace silt::gen {

struct TextLogGenOptions {
  std::string kind;                    // combined | csv | jsonl
  uint64_t total_bytes = 64ull << 20;  // approximate total size
  int objects = 0;                     // 0 = one per ~8 MiB (at least one per day)
  int days = 1;
  std::string start_date = "2024-03-01";
  uint64_t seed = 42;
  std::string prefix;                  // key prefix
};

struct TextLogGenSummary {
  int objects = 0;
  uint64_t lines = 0;  // data lines (csv header lines not counted)
  uint64_t bytes = 0;
};

// Same options => byte-identical objects. InvalidArgument for an unknown kind or bad options.
Result<TextLogGenSummary> GenerateTextLogs(const TextLogGenOptions& options, store::Store& out,
                                           const std::function<void(uint64_t)>& progress = {});

}  // namespace silt::gen
