// Staging folders: where a run writes its files before publishing them. A run killed before
// it cleaned up leaves its folder; the names carry the process id so that later runs on the
// same machine can tell an abandoned folder from one in use.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "silt/common/status.h"

namespace silt::table {

// "<prefix><id>-<pid of this process>".
std::string StagingName(std::string_view prefix, std::string_view id);

// Removes the folders and files of `root` named "<prefix>…-<pid>" whose process no longer
// exists on this machine. Only for places that this machine alone writes (its temporary
// folder, or a run's own staging that a re-run replaces anyway): process ids of other
// machines mean nothing here.
void SweepAbandonedStaging(const std::filesystem::path& root, std::string_view prefix);

// A new empty file in the temporary folder (TMPDIR, else /tmp) named "<prefix>XXXXXX-<pid>";
// the files of killed processes with the same prefix are removed first.
Result<std::string> NewTempFile(std::string_view prefix);

}  // namespace silt::table
