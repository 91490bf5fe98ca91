#include "cli/signals.h"

#include <signal.h>

#include <atomic>

namespace whyfail::cli {

namespace {

std::atomic<pid_t> g_forward_pid{0};
std::atomic<int> g_pending_signal{0};
std::atomic<trace::Backend*> g_backend{nullptr};
std::atomic<bool> g_stop_requested{false};

void on_ignored(int) {}

void on_forwarded(int signo) {
  const pid_t pid = g_forward_pid.load();
  if (pid > 0) ::kill(pid, signo);
  else g_pending_signal.store(signo);
}

void on_stop(int) {
  g_stop_requested.store(true);
  if (trace::Backend* b = g_backend.load()) b->request_stop();
}

// restart: whether an interrupted wait resumes; not for stop requests, so that the
// backend's wait returns EINTR and notices the request at once.
void set_handler(int signo, void (*handler)(int), bool restart = true) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = restart ? SA_RESTART : 0;
  ::sigaction(signo, &sa, nullptr);
}

}  // namespace

void install_launch_signals() {
  set_handler(SIGINT, on_ignored);
  set_handler(SIGQUIT, on_ignored);
  set_handler(SIGPIPE, on_ignored);   // a closed output pipe: the write fails, tracing goes on
  set_handler(SIGTERM, on_forwarded);
  set_handler(SIGHUP, on_forwarded);
}

void install_attach_signals(trace::Backend* backend) {
  g_backend.store(backend);
  set_handler(SIGINT, on_stop, false);
  set_handler(SIGTERM, on_stop, false);
  set_handler(SIGHUP, on_stop, false);
  set_handler(SIGPIPE, on_ignored);
}

void set_forward_pid(pid_t pid) {
  if (pid <= 0 || g_forward_pid.load() > 0) return;
  g_forward_pid.store(pid);
  if (int pending = g_pending_signal.exchange(0)) ::kill(pid, pending);
}

void restore_signals() {
  for (int s : {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE}) set_handler(s, SIG_DFL);
  g_backend.store(nullptr);
}

bool stop_requested() { return g_stop_requested.load(); }

}  // namespace whyfail::cli
