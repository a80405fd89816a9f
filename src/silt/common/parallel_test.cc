#include "silt/common/parallel.h"

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace silt {
namespace {

TEST(ParallelFor, VisitsEveryIndexOnce) {
  for (size_t count : {0, 1, 7, 64, 65, 1000}) {
    for (unsigned threads : {0u, 1u, 2u, 4u}) {
      for (size_t claim : {0, 1, 3, 64}) {
        std::vector<std::atomic<int>> seen(count);
        Status st = ParallelFor(count, {threads, claim}, [&](size_t i, unsigned) {
          seen[i].fetch_add(1);
          return Status::OK();
        });
        ASSERT_TRUE(st.ok()) << st.ToString();
        for (size_t i = 0; i < count; ++i) {
          ASSERT_EQ(seen[i].load(), 1) << "index " << i << " of " << count << ", " << threads
                                       << " threads, claim " << claim;
        }
      }
    }
  }
}

TEST(ParallelFor, CallerIsWorkerZeroAndWorkersStayInRange) {
  const auto caller = std::this_thread::get_id();
  std::mutex mu;
  std::set<unsigned> workers;
  bool caller_not_zero = false;
  std::atomic<int> arrived{0};
  Status st = ParallelFor(4, {3, 1}, [&](size_t, unsigned worker) {
    // Hold each call until three have started, so that all three threads take part.
    arrived.fetch_add(1);
    while (arrived.load() < 3) std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mu);
    workers.insert(worker);
    if ((std::this_thread::get_id() == caller) != (worker == 0)) caller_not_zero = true;
    return Status::OK();
  });
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(caller_not_zero);
  EXPECT_EQ(workers, (std::set<unsigned>{0, 1, 2}));
}

TEST(ParallelFor, NeverMoreThreadsThanRuns) {
  std::mutex mu;
  std::set<std::thread::id> ids;
  Status st = ParallelFor(10, {8, 5}, [&](size_t, unsigned) {
    std::lock_guard<std::mutex> lock(mu);
    ids.insert(std::this_thread::get_id());
    return Status::OK();
  });
  ASSERT_TRUE(st.ok());
  EXPECT_LE(ids.size(), 2u);  // two runs of five
}

TEST(ParallelFor, OneThreadStopsAtTheFirstError) {
  std::vector<size_t> visited;
  Status st = ParallelFor(100, {1, 8}, [&](size_t i, unsigned) {
    visited.push_back(i);
    if (i == 5) return Status::IoError("object 5 unreadable");
    if (i == 6) return Status::IoError("object 6 unreadable");
    return Status::OK();
  });
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(st.message(), "object 5 unreadable");
  EXPECT_EQ(visited, (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
}

TEST(ParallelFor, AnErrorStopsTheOtherThreads) {
  std::atomic<bool> failed{false};
  std::atomic<size_t> visited{0};
  Status st = ParallelFor(100000, {2, 1}, [&](size_t i, unsigned) -> Status {
    if (i == 0) {
      failed.store(true);
      return Status::Cancelled("stop");
    }
    // The other thread goes on only once the failure is on its way; each of its items takes
    // a while, so even a failing thread descheduled for tens of milliseconds stops it early.
    while (!failed.load()) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::microseconds(10));
    visited.fetch_add(1);
    return Status::OK();
  });
  EXPECT_EQ(st.message(), "stop");
  EXPECT_LT(visited.load(), 50000u);  // not the other 99,999
}

}  // namespace
}  // namespace silt
