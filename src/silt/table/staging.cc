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
    std::error_code e;
    fs::remove_all(it->path(), e);
  }
}

Result<std::string> NewTempFile(std::string_view prefix) {
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec);
  if (ec) return Status::IoError("no temporary folder: " + ec.message());
  SweepAbandonedStaging(dir, prefix);
  const std::string suffix = fmt::format("-{}", ::getpid());
  std::string path = (dir / fmt::format("{}XXXXXX{}", prefix, suffix)).string();
  const int fd = ::mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) return ErrnoStatus("creating", path, errno);
  ::close(fd);
  return path;
}

}  // namespace silt::table
