// A test-only EventSink: keeps every event (thread-safe, as tests read while
// run() delivers from another thread) and lets a test wait for one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "trace/backend.h"

namespace whyfail::trace::testing {

class EventCollector : public EventSink {
 public:
  void on_event(const Event& event, bool live) override {
    std::lock_guard lock(mu_);
    events_.push_back(event);
    live_.push_back(live);
    cv_.notify_all();
  }

  std::vector<Event> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

  template <typename T>
  std::vector<T> all() const {
    std::lock_guard lock(mu_);
    std::vector<T> out;
    for (const Event& e : events_)
      if (const T* x = std::get_if<T>(&e)) out.push_back(*x);
    return out;
  }

  std::vector<SyscallEvent> syscalls(int nr) const {
    std::vector<SyscallEvent> out;
    for (const SyscallEvent& s : all<SyscallEvent>())
      if (s.nr == nr) out.push_back(s);
    return out;
  }

  std::vector<bool> live_flags() const {
    std::lock_guard lock(mu_);
    return live_;
  }

  // Waits until pred(events) holds; false on timeout.
  bool wait_for(const std::function<bool(const std::vector<Event>&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(events_); });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  std::vector<bool> live_;
};

inline std::string prog(const char* name) { return std::string(PROGS_DIR) + "/" + name; }

}  // namespace whyfail::trace::testing
