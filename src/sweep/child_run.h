// Runs child processes (whyfail itself tracing the command) in parallel, each in its
// own process group with its own directory and output files, under a timeout that
// kills the whole group (the tracer and every process it traces).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace whyfail::sweep {

struct RunRequest {
  std::vector<std::string> argv;  // argv[0] is a path
  std::string cwd;
  std::string stdout_path;        // created/truncated
  std::string stderr_path;
  double timeout_s = 10;
};

struct RunResult {
  int start_errno = 0;            // the child could not be started (exec failed)
  bool timed_out = false;         // killed by the sweep after timeout_s
  int wait_status = 0;            // waitpid() status of argv[0]
  double seconds = 0;             // wall time
};

// Runs every request, at most `parallel` at once, starting them in index order;
// `prepare(index)` runs just before a request starts (it makes the run's directory; a
// non-zero errno it returns is reported as the run's start_errno), `on_done(index,
// result)` as each ends. Returns false when `interrupt` became true (every running
// group is killed, the rest are not started).
bool run_all(const std::vector<RunRequest>& requests, size_t parallel,
             const std::function<int(size_t)>& prepare,
             const std::function<void(size_t, const RunResult&)>& on_done,
             const std::atomic<bool>& interrupt);

}  // namespace whyfail::sweep
