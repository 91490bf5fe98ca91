// The event records every backend produces. A backend (ptrace, BPF) fills
// these and nothing else; decoding, the culprit, explanations and output work
// on them unchanged whichever backend ran.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "symbolize/user_frame.h"

namespace whyfail::trace {

// Bytes copied out of the tracee for one argument.
struct CapturedBytes {
  std::string bytes;        // raw, unescaped; may contain NULs and invalid UTF-8
  bool truncated = false;   // the tracee had more than we copied
  bool fault = false;       // the address could not be read (EFAULT-like); bytes is empty
  // For Iovec / StringArray captures: the element boundaries inside `bytes`
  // (element i spans [parts[i-1], parts[i])). Empty for flat captures.
  std::vector<uint32_t> parts;
  uint32_t elements_total = 0;  // array length in the tracee (argv count, iovcnt)
  // StringArray: element i was cut at the string limit (strace's "..."...).
  // Empty when the backend does not know; `truncated` is then the only mark.
  std::vector<bool> part_truncated;
};

// Where inside the kernel a failed syscall's error was born (--kernel; see
// src/origin/ and docs/kernel-origin.md).
struct KernelFrame {
  std::string function;     // "perf_copy_attr"
  uint64_t address = 0;     // run-time address of the function's entry
  uint64_t offset = 0;      // a place inside the function (0: only the function is known): for a
                            // caller, the return address of its call down the chain; for the
                            // origin, that of the last traced call it made before the error
  std::vector<std::string> source;  // the source lines around file:line, when the file is readable
  uint64_t return_address = 0;  // where this function returned to (its call site), 0: unknown
  std::string called_from;      // that address as function+offset: the immediate caller, traced or not
  std::string file;         // from vmlinux DWARF when installed, else empty
  int line = 0;
  int64_t ret = 0;          // the value this function returned (sign-extended to its width)
};

// One function return of the failing invocation, in call order, nested.
struct KernelGraphEntry {
  int depth = 0;            // 0 = outermost traced function
  std::string function;
  int64_t ret = 0;
  bool on_error_path = false;  // part of the chain from the origin to the syscall
};

// Where a failing invocation parted from a successful one of the same syscall:
// both made the same traced calls (same functions, same error-or-not) up to
// here; `within` ("" at the syscall's top level) then did something different.
struct KernelStep {
  std::string function;     // the next traced function that returned; "" = `within` itself returned
  int64_t ret = 0;          // what it (or `within`) returned
};
struct KernelDivergence {
  std::string within;       // the traced function inside which they parted ("" = top level)
  size_t common = 0;        // traced returns identical in both before the parting
  KernelStep failing;       // what the failing invocation did next
  KernelStep succeeding;    // what the successful one did instead
  uint64_t success_tid = 0; // the thread of the successful invocation
};

struct KernelOrigin {
  bool found = false;
  KernelFrame origin;                    // deepest function that made the error value itself
  std::vector<KernelFrame> chain;        // origin first, then each caller that passed it up
  std::vector<KernelGraphEntry> graph;   // every traced return of the invocation
  uint32_t returns_dropped = 0;          // returns beyond the per-invocation bound
  std::string mechanism;                 // "fexit" or "kretprobe"
  std::string note;                      // why not found, or how the value changed on the way
  std::optional<KernelDivergence> divergence;  // when the same syscall succeeded during the run
};

struct SyscallEvent {
  uint64_t seq = 0;             // global order of syscall exits within one run
  pid_t pid = 0;                // thread group id
  pid_t tid = 0;
  int nr = -1;                  // x86_64 syscall number
  std::array<uint64_t, 6> args{};
  int64_t ret = 0;              // raw kernel return value (-errno on failure)
  bool finished = true;         // false: no exit was seen (exit_group, a tracee that died)
  uint64_t enter_ns = 0;        // CLOCK_MONOTONIC
  uint64_t exit_ns = 0;         // CLOCK_MONOTONIC; 0 when !finished
  std::array<std::optional<CapturedBytes>, 6> captured;  // per argument, per sysent capture rules
  std::vector<uint64_t> user_stack;   // return addresses, innermost first (-k)
  // -k: the same stack symbolized by the backend (module, build-id, offset,
  // function, file:line), frame for frame; empty when it could not.
  std::vector<symbolize::UserFrame> user_frames;
  std::string call_site;        // -k: symbolize::call_site_key() of the call, "" unknown
  bool injected = false;        // the result was injected, not produced by the kernel
  std::optional<KernelOrigin> kernel;  // --kernel: where the error came from (failed calls only)

  // errno when the call failed (-4095 <= ret < 0), else 0.
  int error() const { return (ret < 0 && ret >= -4095) ? static_cast<int>(-ret) : 0; }
  bool failed() const { return finished && error() != 0; }
};

// A new process or thread appeared (fork, vfork, clone).
struct SpawnEvent {
  uint64_t ts_ns = 0;
  pid_t parent_pid = 0;
  pid_t parent_tid = 0;
  pid_t child_pid = 0;   // tgid of the child
  pid_t child_tid = 0;
  bool is_thread = false;
};

// A successful execve/execveat.
struct ExecEvent {
  uint64_t ts_ns = 0;
  pid_t pid = 0;
  pid_t old_tid = 0;     // the thread that called exec (differs from pid in a multi-threaded exec)
  std::string filename;  // as resolved by the kernel (/proc/PID/exe at exec time)
  std::string comm;      // comm after exec
};

// A signal delivered to a tracee.
struct SignalEvent {
  uint64_t ts_ns = 0;
  pid_t pid = 0;
  pid_t tid = 0;
  int signo = 0;
  int si_code = 0;
  pid_t sender_pid = 0;
  uid_t sender_uid = 0;
};

// A process (thread group) or thread ended.
struct ExitEvent {
  uint64_t ts_ns = 0;
  pid_t pid = 0;
  pid_t tid = 0;
  bool thread_only = false;  // one thread ended; the process goes on
  bool killed = false;       // killed by a signal
  int code = 0;              // exit code when !killed
  int signo = 0;             // terminating signal when killed
  bool core_dumped = false;
};

// The tracer stopped following a process without it ending (detach, -p on Ctrl-C).
struct DetachEvent {
  uint64_t ts_ns = 0;
  pid_t pid = 0;
};

// Events that a backend could not deliver. Never silent.
struct LostEvent {
  uint64_t ts_ns = 0;
  uint64_t count = 0;
  std::string reason;   // "ring buffer full", "string truncated", "pid map full"
};

using Event = std::variant<SyscallEvent, SpawnEvent, ExecEvent, SignalEvent, ExitEvent,
                           DetachEvent, LostEvent>;

}  // namespace whyfail::trace
