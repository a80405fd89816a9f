// Ctrl-C (SIGINT) and SIGTERM.
//
// silt's work survives being killed (files are staged and published whole, tables commit by
// compare-and-swap), but a killed process leaves its clean-up to the next run and, on S3, its
// multipart uploads open (and billed). With the handlers installed, the first signal asks the
// work in progress to stop instead: DuckDB statements are interrupted (hooks), S3 transfers and
// their retries end, and each command's error path then cleans up as after any other failure
// (staging removed, uploads aborted, nothing published or committed). A second signal ends the
// process at once, as if silt had no handler.
#pragma once

#include <functional>

#include "silt/common/status.h"

namespace silt::interrupt {

enum class Mode {
  kBatch,        // a command: the first signal prints that silt is stopping
  kInteractive,  // a prompt: silent, and a blocking read of the terminal returns (EINTR)
};
// Installs the handlers for SIGINT and SIGTERM, except for one ignored on entry (a background job
// of a script, nohup), which stays ignored. A later call only changes the mode.
void InstallHandlers(Mode mode = Mode::kBatch);

// Whether a signal asked silt to stop. Any thread, any time.
bool Requested();
// Which signal (SIGINT, SIGTERM), 0 when none.
int Signal();
// Requested(), unless this thread is inside a CleanupScope: what work that should end early
// (a transfer, a retry, a loop over objects) checks.
bool Stopping();
// The Cancelled status to end with: "interrupted (Ctrl-C)" or "stopped by SIGTERM".
Status AsStatus();
// The process exit code after a signal: 128 + its number (130 for Ctrl-C, 143 for SIGTERM).
int ExitCode();
// Forgets the signal (an interactive prompt, after cancelling one statement): the next one
// again only asks to stop.
void Reset();
// For tests: behaves as if `signal` had arrived (without sending one).
void RequestForTest(int signal);

// Functions run on a helper thread (never inside the signal handler) when a signal arrives,
// and again every 50 ms while Requested(): e.g. interrupting a DuckDB connection, whose own flag
// a statement starting just then would clear. AddHook returns an id for RemoveHook; once
// RemoveHook returns, the hook is not running and will not run again.
int AddHook(std::function<void()> hook);
void RemoveHook(int id);

// While one is alive on a thread, Stopping() is false there: the clean-up that follows an
// interrupt (aborting a multipart upload, deleting what a run had published) is not itself cut
// short.
// InCleanup() tells whether one is alive on this thread (for work handed to other threads).
class CleanupScope {
 public:
  CleanupScope();
  ~CleanupScope();
  CleanupScope(const CleanupScope&) = delete;
  CleanupScope& operator=(const CleanupScope&) = delete;
};
bool InCleanup();

}  // namespace silt::interrupt
