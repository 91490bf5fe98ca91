// Owns the syscalls.bpf.c skeleton: sets its constants, loads only the
// programs needed, fills its maps, attaches, and reads its ring buffer and
// counters. libbpf's negative errno is converted to Error here and only here.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ring_reader.h"
#include "syscalls_abi.h"
#include "util/result.h"

struct syscalls;     // the skeleton (syscalls.skel.h)

namespace whyfail::trace::bpf {

struct LoaderOptions {
  bool filter_pids = true;     // only processes in the traced set
  bool follow_forks = true;    // children join the traced set in the kernel
  bool only_failures = true;
  bool user_stacks = false;
  bool use_stash = false;      // load the sys_enter program (execve args of successful calls)
  bool timestamps = true;      // stamp syscall records in the kernel (else 0: see TraceSpec::timestamps)
  std::vector<int> errnos;     // empty: any
  std::vector<std::string> comms;
  std::vector<uid_t> uids;
  uint32_t self_tgid = 0;
  std::size_t ring_bytes = 0;  // rounded up to a power of two, at least one page
  uint32_t max_traced = 8192;
  std::vector<wf_rule> rules;  // WF_MAX_SYSCALLS entries
};

// Called once per ring-buffer record, from inside the ring reader: must not throw.
using RecordHandler = std::function<void(const void* data, std::size_t size)>;

class SyscallsLoader {
 public:
  static Result<std::unique_ptr<SyscallsLoader>> load(const LoaderOptions& opts, RecordHandler on_record);
  ~SyscallsLoader();
  SyscallsLoader(const SyscallsLoader&) = delete;
  SyscallsLoader& operator=(const SyscallsLoader&) = delete;

  Result<void> attach();
  Result<void> add_traced(pid_t tgid);
  void remove_traced(pid_t tgid);
  std::vector<pid_t> traced() const;
  bool traced_empty() const;

  // Wait up to timeout_ms for records, then hand every pending one to the handler.
  Result<int> poll(int timeout_ms);
  // Only the wait: poll(0) after it drains.
  Result<void> wait(int timeout_ms) { return ring_->wait(timeout_ms); }
  // Per-counter totals over CPUs (enum wf_counter).
  std::array<uint64_t, WF_CNT_MAX> counters() const;
  std::size_t ring_bytes() const { return ring_bytes_; }

 private:
  SyscallsLoader() = default;
  static int on_sample(void* ctx, void* data, std::size_t size);

  struct SkelDeleter { void operator()(struct syscalls* s) const; };
  std::unique_ptr<struct syscalls, SkelDeleter> skel_;
  std::unique_ptr<RingReader> ring_;
  RecordHandler on_record_;
  std::size_t ring_bytes_ = 0;
  int ncpus_ = 1;
};

// libbpf's messages of the last failed operation (verifier log tail), for hints.
std::string libbpf_last_messages();

}  // namespace whyfail::trace::bpf
