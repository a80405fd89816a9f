#include "silt/common/interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace silt::interrupt {
namespace {

std::atomic<int> g_signal{0};   // the first signal's number; 0 = none
std::atomic<int64_t> g_first_ns{0};  // when it came (CLOCK_MONOTONIC)
std::atomic<bool> g_interactive{false};
int g_pipe[2] = {-1, -1};       // the handler writes a byte; the watcher reads it
thread_local int t_cleanup_depth = 0;

// Never destroyed: the watcher thread may still use them while the process exits.
struct Hooks {
  std::mutex mu;
  std::map<int, std::function<void()>> fns;
  int next_id = 1;
};
Hooks& TheHooks() {
  static Hooks* hooks = new Hooks();
  return *hooks;
}

void RunHooks() {
  Hooks& h = TheHooks();
  std::lock_guard<std::mutex> lock(h.mu);
  if (!Requested()) return;  // Reset() meanwhile: the next statement must not be interrupted
  for (auto& [id, fn] : h.fns) fn();
}

int64_t MonotonicNs() {  // async-signal-safe
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Runs the hooks when a signal arrives, and again while the request stands (a statement that
// starts after its connection was interrupted clears DuckDB's flag).
void Watch() {
  // Its message to a closed standard error must fail, not end silt before it cleans up.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  for (;;) {
    char b;
    const ssize_t n = ::read(g_pipe[0], &b, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    const int sig = g_signal.load();
    if (sig != 0 && !g_interactive.load()) {
      // On a terminal, after the progress line or the "^C" the terminal echoed.
      if (::isatty(STDERR_FILENO)) (void)!::write(STDERR_FILENO, "\n", 1);
      const char* msg = sig == SIGINT
                            ? "silt: stopping after Ctrl-C, cleaning up (press Ctrl-C again to end at once)\n"
                            : "silt: stopping after SIGTERM, cleaning up\n";
      (void)!::write(STDERR_FILENO, msg, strlen(msg));
    }
    while (Requested()) {
      RunHooks();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

void StartWatcher() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(g_pipe, O_CLOEXEC) != 0) return;
    // Never standard input, output or error (closed when silt started): they would read or
    // write this pipe.
    for (int& fd : g_pipe) {
      if (fd > 2) continue;
      const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
      if (moved < 0) return;
      ::close(fd);
      fd = moved;
    }
    // The handler never blocks: a full pipe already holds a wake-up.
    ::fcntl(g_pipe[1], F_SETFL, ::fcntl(g_pipe[1], F_GETFL) | O_NONBLOCK);
    std::thread(Watch).detach();
  });
}

void Notify() {
  if (g_pipe[1] >= 0) {
    const char b = 1;
    (void)!::write(g_pipe[1], &b, 1);
  }
}

extern "C" void OnSignal(int sig) {
  const int saved_errno = errno;
  int expected = 0;
  const int64_t now = MonotonicNs();
  if (!g_signal.compare_exchange_strong(expected, sig)) {
    // At a prompt, a Ctrl-C pressed twice in quick succession still only cancels.
    if (g_interactive.load() && sig == SIGINT && expected == SIGINT &&
        now - g_first_ns.load() < 2000000000) {
      errno = saved_errno;
      return;
    }
    // A second signal: end at once, as without a handler (the default action on return).
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    raise(sig);
  } else {
    g_first_ns.store(now);
    Notify();
  }
  errno = saved_errno;
}

}  // namespace

void InstallHandlers(Mode mode) {
  g_interactive.store(mode == Mode::kInteractive);
  StartWatcher();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = mode == Mode::kInteractive ? 0 : SA_RESTART;
  for (int sig : {SIGINT, SIGTERM}) {
    // A signal ignored on entry stays ignored (a background job of a script, nohup).
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sig, &sa, nullptr);
  }
}

bool Requested() { return g_signal.load(std::memory_order_relaxed) != 0; }

int Signal() { return g_signal.load(); }

bool Stopping() { return t_cleanup_depth == 0 && Requested(); }

Status AsStatus() {
  switch (g_signal.load()) {
    case 0: return Status::OK();
    case SIGINT: return Status::Cancelled("interrupted (Ctrl-C)");
    case SIGTERM: return Status::Cancelled("stopped by SIGTERM");
    default: return Status::Cancelled("stopped by signal " + std::to_string(g_signal.load()));
  }
}

int ExitCode() {
  const int sig = g_signal.load();
  return sig == 0 ? 1 : 128 + sig;
}

void Reset() {
  // Under the hooks' lock: once Reset returns, no hook runs for the signal it forgets.
  Hooks& h = TheHooks();
  std::lock_guard<std::mutex> lock(h.mu);
  g_signal.store(0);
}

void RequestForTest(int signal) {
  StartWatcher();
  int expected = 0;
  if (g_signal.compare_exchange_strong(expected, signal)) Notify();
}

int AddHook(std::function<void()> hook) {
  StartWatcher();
  Hooks& h = TheHooks();
  std::lock_guard<std::mutex> lock(h.mu);
  const int id = h.next_id++;
  h.fns.emplace(id, std::move(hook));
  return id;
}

void RemoveHook(int id) {
  Hooks& h = TheHooks();
  std::lock_guard<std::mutex> lock(h.mu);
  h.fns.erase(id);
}

CleanupScope::CleanupScope() { ++t_cleanup_depth; }
CleanupScope::~CleanupScope() { --t_cleanup_depth; }
bool InCleanup() { return t_cleanup_depth > 0; }

}  // namespace silt::interrupt
