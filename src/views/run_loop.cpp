#include "views/run_loop.h"

#include <signal.h>
#include <time.h>

#include <atomic>

namespace whyfail::views {

namespace {
std::atomic<bool> g_stop{false};
struct sigaction g_old_int, g_old_term;
void on_signal(int) { g_stop.store(true); }
}  // namespace

int64_t mono_to_wall_offset_ns() {
  struct timespec m {}, r {};
  clock_gettime(CLOCK_MONOTONIC, &m);
  clock_gettime(CLOCK_REALTIME, &r);
  return (static_cast<int64_t>(r.tv_sec) - m.tv_sec) * 1000000000 + (r.tv_nsec - m.tv_nsec);
}

RunLoop::RunLoop(double duration_s) {
  g_stop.store(false);
  if (duration_s > 0) {
    timed_ = true;
    end_ = std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(duration_s));
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

RunLoop::~RunLoop() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

bool RunLoop::done() const {
  if (g_stop.load()) return true;
  return timed_ && std::chrono::steady_clock::now() >= end_;
}

void RunLoop::request_stop() { g_stop.store(true); }

}  // namespace whyfail::views
