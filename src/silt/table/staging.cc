#include "silt/table/staging.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <system_error>

#include <fmt/format.h>

namespace silt::table {

namespace fs = std::filesystem;

std::string StagingName(std::string_view prefix, std::string_view id) {
  return fmt::format("{}{}-{}", prefix, id, ::getpid());
}

void SweepAbandonedStaging(const fs::path& root, std::string_view prefix) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(root, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const size_t dash = name.rfind('-');
    if (dash == std::string::npos || dash < prefix.size() || dash + 1 == name.size()) continue;
    pid_t pid = 0;
    const char* end = name.data() + name.size();
    auto [p, err] = std::from_chars(name.data() + dash + 1, end, pid);
    if (err != std::errc() || p != end || pid <= 0) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    if (!it->is_directory(ec)) continue;
    std::error_code e;
    fs::remove_all(it->path(), e);
  }
}

}  // namespace silt::table
