#include "trace/ptrace/hold_timer.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace whyfail::trace::ptrace {

namespace {

// Its only job is to make waitpid return EINTR (installed without SA_RESTART).
void on_hold_signal(int) {}

int hold_signal() { return SIGRTMAX - 2; }

}  // namespace

void HoldTimer::start() {
  if (created_) return;
  struct sigaction sa {};
  sa.sa_handler = on_hold_signal;
  sigemptyset(&sa.sa_mask);
  if (::sigaction(hold_signal(), &sa, &old_) != 0) return;
  sigevent sev{};
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = hold_signal();
  sev._sigev_un._tid = static_cast<pid_t>(::syscall(SYS_gettid));
  if (::timer_create(CLOCK_MONOTONIC, &sev, &timer_) != 0) {
    ::sigaction(hold_signal(), &old_, nullptr);
    return;
  }
  created_ = true;
}

void HoldTimer::stop() {
  due_.clear();
  if (!created_) return;
  ::timer_delete(timer_);
  ::sigaction(hold_signal(), &old_, nullptr);
  created_ = false;
  armed_ = false;
}

std::vector<std::pair<uint64_t, pid_t>> HoldTimer::take_due(uint64_t now_ns) {
  std::vector<std::pair<uint64_t, pid_t>> out;
  while (!due_.empty() && due_.begin()->first <= now_ns) {
    out.emplace_back(*due_.begin());
    due_.erase(due_.begin());
  }
  return out;
}

std::vector<std::pair<uint64_t, pid_t>> HoldTimer::take_all() {
  std::vector<std::pair<uint64_t, pid_t>> out(due_.begin(), due_.end());
  due_.clear();
  return out;
}

void HoldTimer::arm(uint64_t now_ns) {
  if (!created_) return;
  itimerspec spec{};
  if (due_.empty()) {
    if (!armed_) return;
    ::timer_settime(timer_, 0, &spec, nullptr);
    armed_ = false;
    return;
  }
  uint64_t first = due_.begin()->first;
  uint64_t wait = first > now_ns ? first - now_ns : 1;
  spec.it_value.tv_sec = static_cast<time_t>(wait / 1000000000ull);
  spec.it_value.tv_nsec = static_cast<long>(wait % 1000000000ull);
  spec.it_interval.tv_nsec = 1000000;
  ::timer_settime(timer_, 0, &spec, nullptr);
  armed_ = true;
}

}  // namespace whyfail::trace::ptrace
