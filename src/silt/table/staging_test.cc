#include "silt/table/staging.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace silt::table {
namespace {

namespace fs = std::filesystem;

// A process id that no longer exists: a child that has exited and been reaped.
pid_t GonePid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

TEST(Staging, NamesCarryTheProcessId) {
  EXPECT_EQ(StagingName("silt-append-", "abc"), fmt::format("silt-append-abc-{}", getpid()));
}

TEST(Staging, OnlyFoldersOfGoneProcessesWithThePrefixAreRemoved) {
  const fs::path root = fs::temp_directory_path() / fmt::format("silt-staging-test-{}", getpid());
  fs::create_directories(root);
  const pid_t gone = GonePid();
  ASSERT_GT(gone, 0);
  const std::string killed = fmt::format("silt-append-1b4e-28ba-{}", gone);
  const std::string alive = StagingName("silt-append-", "2c5f");
  const std::string other_prefix = fmt::format("silt-convert-3d6a-{}", gone);
  const std::string no_pid = "silt-append-4e7b";
  const std::string a_file = fmt::format("silt-append-5f8c-{}", gone);
  for (const auto& d : {killed, alive, other_prefix, no_pid}) {
    fs::create_directories(root / d / "out");
    std::ofstream(root / d / "out" / "part.tmp") << "x";
  }
  std::ofstream(root / a_file) << "a temporary file of a killed process";
  SweepAbandonedStaging(root, "silt-append-");
  EXPECT_FALSE(fs::exists(root / killed));
  EXPECT_TRUE(fs::exists(root / alive));
  EXPECT_TRUE(fs::exists(root / other_prefix));
  EXPECT_TRUE(fs::exists(root / no_pid));
  EXPECT_FALSE(fs::exists(root / a_file));  // a killed process's temporary file goes too
  SweepAbandonedStaging(root / "missing", "silt-append-");  // nothing to do, no error
  fs::remove_all(root);
}

TEST(Staging, TemporaryFilesHonourTmpdirAndReplaceKilledOnes) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("silt-tmpdir-test-{}", getpid());
  fs::create_directories(dir);
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old ? old : "";
  setenv("TMPDIR", dir.c_str(), 1);
  const fs::path killed = dir / fmt::format("silt-rejects-abcdef-{}", GonePid());
  std::ofstream(killed) << "left by a killed run";
  auto f = NewTempFile("silt-rejects-");
  if (old) setenv("TMPDIR", saved.c_str(), 1); else unsetenv("TMPDIR");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(fs::path(*f).parent_path(), dir);
  EXPECT_TRUE(fs::path(*f).filename().string().starts_with("silt-rejects-"));
  EXPECT_TRUE(f->ends_with(fmt::format("-{}", getpid())));
  EXPECT_TRUE(fs::exists(*f));
  EXPECT_FALSE(fs::exists(killed));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace silt::table
