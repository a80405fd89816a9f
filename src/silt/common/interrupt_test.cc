#include "silt/common/interrupt.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace silt::interrupt {
namespace {

// Waits up to a second for `done`.
bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

class InterruptTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(); }
  void TearDown() override { Reset(); }
};

TEST_F(InterruptTest, NothingRequestedUntilASignal) {
  EXPECT_FALSE(Requested());
  EXPECT_FALSE(Stopping());
  EXPECT_TRUE(AsStatus().ok());
}

TEST_F(InterruptTest, ARealSigintIsCaughtAndAsksToStop) {
  InstallHandlers();
  ASSERT_EQ(raise(SIGINT), 0);  // the process survives: the handler caught it
  EXPECT_TRUE(Requested());
  EXPECT_TRUE(Stopping());
  const Status st = AsStatus();
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_NE(st.message().find("Ctrl-C"), std::string::npos) << st.message();
  EXPECT_EQ(ExitCode(), 130);
  Reset();
  EXPECT_FALSE(Requested());
}

TEST_F(InterruptTest, SigtermHasItsOwnMessageAndExitCode) {
  InstallHandlers();
  ASSERT_EQ(raise(SIGTERM), 0);
  EXPECT_TRUE(Requested());
  EXPECT_NE(AsStatus().message().find("SIGTERM"), std::string::npos);
  EXPECT_EQ(ExitCode(), 143);
}

TEST_F(InterruptTest, HooksRunOnASignalAndAgainWhileItStands) {
  std::atomic<int> calls{0};
  const int id = AddHook([&] { ++calls; });
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(calls.load(), 0) << "a hook ran without a signal";
  RequestForTest(SIGINT);
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 2; })) << calls.load();
  RemoveHook(id);
  const int after = calls.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_EQ(calls.load(), after) << "a removed hook ran";
}

TEST_F(InterruptTest, HooksStopRunningOnceReset) {
  std::atomic<int> calls{0};
  const int id = AddHook([&] { ++calls; });
  RequestForTest(SIGINT);
  ASSERT_TRUE(Eventually([&] { return calls.load() >= 1; }));
  Reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(80));  // a round in flight may end
  const int settled = calls.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(calls.load(), settled);
  RemoveHook(id);
}

TEST_F(InterruptTest, CleanupScopeLetsItsThreadFinishCleaningUp) {
  RequestForTest(SIGINT);
  {
    CleanupScope scope;
    EXPECT_TRUE(Requested());
    EXPECT_FALSE(Stopping());
    {
      CleanupScope nested;
      EXPECT_FALSE(Stopping());
    }
    EXPECT_FALSE(Stopping());
    // Other threads still stop.
    bool other = false;
    std::thread([&] { other = Stopping(); }).join();
    EXPECT_TRUE(other);
  }
  EXPECT_TRUE(Stopping());
}

TEST_F(InterruptTest, ASecondSignalEndsTheProcessAtOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // the watcher thread runs already
  EXPECT_EXIT(
      {
        InstallHandlers();
        raise(SIGINT);
        raise(SIGINT);
        std::this_thread::sleep_for(std::chrono::seconds(5));
        _exit(0);
      },
      ::testing::KilledBySignal(SIGINT), "");
}

}  // namespace
}  // namespace silt::interrupt
