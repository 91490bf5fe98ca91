// The text each process wrote where people read errors: stdout, stderr and
// files it opened for writing (logs). Bounded: the first bytes of each process
// (where a failing program usually says why) and a short tail.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/event.h"

namespace whyfail::culprit {

enum class OutputKind { Stdout, Stderr, LogFile };

const char* output_kind_name(OutputKind kind);

struct Message {
  pid_t pid = 0;
  uint64_t order = 0;     // position in the event stream
  OutputKind kind = OutputKind::Stderr;
  std::string text;       // raw bytes as written (possibly cut at -s)
};

class OutputCapture {
 public:
  static constexpr std::size_t kHeadBytes = 4096;   // per process
  static constexpr std::size_t kTailBytes = 1024;   // per process, after the head is full
  static constexpr std::size_t kMaxTotalBytes = 8u << 20;

  void on_spawn(const trace::SpawnEvent& spawn);
  void on_exec(pid_t pid);
  // Every syscall exit: follows descriptors (open for writing, dup, close)
  // and keeps what successful writes to them carried.
  void on_syscall(const trace::SyscallEvent& call, uint64_t order);

  // All kept messages, in stream order.
  std::vector<Message> messages() const;

 private:
  struct Proc {
    std::unordered_map<int, OutputKind> fds;   // beyond 1 and 2, only what we follow
    std::size_t head_bytes = 0;
    std::size_t tail_bytes = 0;
    std::deque<Message> tail;
  };
  Proc& proc(pid_t pid);
  void keep(pid_t pid, OutputKind kind, std::string text, uint64_t order);
  std::vector<Message> head_;
  std::unordered_map<pid_t, Proc> procs_;
  std::size_t total_bytes_ = 0;
};

}  // namespace whyfail::culprit
