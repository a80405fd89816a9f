// Running one piece of work per index on a few threads, keeping the first error.
//
// The shape every parallel loop in silt shares: listing stats, placing units in partitions,
// fetching into the cache, copying objects, uploading parts. Threads claim indexes from one
// shared cursor (a run of `claim` at a time), the calling thread works too, and the first
// failure stops the others from claiming more.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "silt/common/status.h"

namespace silt {

struct ParallelOptions {
  unsigned threads = 1;  // at most this many threads, the caller's included (0 counts as 1)
  size_t claim = 1;      // indexes a thread takes at once (fewer trips through the cursor)
};

// Calls fn(index, worker) for every index in [0, count), from several threads at once:
// `worker` (0 for the calling thread, up to threads - 1) tells a thread's own state apart.
// fn returns a Status; after the first failure no thread claims more indexes (a claimed run
// is left where it failed) and that failure is returned. A thread that cannot be started
// (resources exhausted) leaves its share to the others. Returns once every thread has
// finished.
template <typename Fn>
Status ParallelFor(size_t count, const ParallelOptions& options, Fn&& fn) {
  if (count == 0) return Status::OK();
  const size_t claim = std::max<size_t>(1, options.claim);
  const size_t runs = (count + claim - 1) / claim;
  const unsigned threads = static_cast<unsigned>(
      std::clamp<size_t>(options.threads == 0 ? 1 : options.threads, 1, runs));
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first;
  auto work = [&](unsigned worker) {
    for (size_t b = next.fetch_add(claim); b < count; b = next.fetch_add(claim)) {
      const size_t end = std::min(count, b + claim);
      for (size_t i = b; i < end; ++i) {
        Status st = fn(i, worker);
        if (st.ok()) continue;
        std::lock_guard<std::mutex> lock(mu);
        if (first.ok()) first = std::move(st);
        next.store(count);  // the others stop claiming
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(work, t);
    } catch (const std::system_error&) {
      break;  // no thread to be had: the ones running (the caller at least) do it all
    }
  }
  work(0);
  for (auto& t : pool) t.join();
  return first;
}

}  // namespace silt
