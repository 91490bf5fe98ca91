// Delay injection holds one thread in its ptrace-stop while the tracer goes
// on serving the others: the held threads wait in a list ordered by when
// they are due, and a POSIX timer interrupts the tracer's blocking waitpid
// when the first one is.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace whyfail::trace::ptrace {

class HoldTimer {
 public:
  HoldTimer() = default;
  HoldTimer(const HoldTimer&) = delete;
  HoldTimer& operator=(const HoldTimer&) = delete;
  ~HoldTimer() { stop(); }

  // Sets up the timer signal for the calling (tracer) thread. Without it,
  // holds still end, but only at the next stop of any tracee.
  void start();
  void stop();

  void hold(pid_t tid, uint64_t due_ns) { due_.emplace(due_ns, tid); }
  bool empty() const { return due_.empty(); }
  // Removes and returns the (due_ns, tid) entries due by `now_ns`.
  std::vector<std::pair<uint64_t, pid_t>> take_due(uint64_t now_ns);
  // Everything still held (detaching lets them all go).
  std::vector<std::pair<uint64_t, pid_t>> take_all();
  // Arms the timer for the first entry (disarms it when none). It repeats
  // every millisecond past that: a signal that lands between the tracer's
  // last look and its waitpid would otherwise be lost.
  void arm(uint64_t now_ns);

 private:
  std::multimap<uint64_t, pid_t> due_;
  timer_t timer_{};
  bool created_ = false;
  bool armed_ = false;
  struct sigaction old_ {};
};

}  // namespace whyfail::trace::ptrace
