// How long a view runs: until --duration, SIGINT or SIGTERM.
#pragma once

#include <chrono>
#include <cstdint>

namespace whyfail::views {

// CLOCK_REALTIME - CLOCK_MONOTONIC, to show bpf_ktime_get_ns() stamps as wall time.
int64_t mono_to_wall_offset_ns();

class RunLoop {
 public:
  // Installs SIGINT/SIGTERM handlers (restored by the destructor).
  explicit RunLoop(double duration_s);
  ~RunLoop();
  RunLoop(const RunLoop&) = delete;
  RunLoop& operator=(const RunLoop&) = delete;
  bool done() const;
  static void request_stop();

 private:
  std::chrono::steady_clock::time_point end_;
  bool timed_ = false;
};

}  // namespace whyfail::views
