// Owns the execs.bpf.c skeleton: loads, attaches, reads the ring buffer and
// the lost-event counters. libbpf's negative errno becomes an Error here.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "execs_abi.h"
#include "views/cgroup_filter.h"
#include "util/result.h"

struct execs;        // the skeleton (execs.skel.h)
struct ring_buffer;  // libbpf

namespace whyfail::views {

// Called once per record from inside libbpf: must not throw.
using RecordHandler = std::function<void(const void* data, std::size_t size)>;

class ExecsLoader {
 public:
  static Result<std::unique_ptr<ExecsLoader>> load(pid_t self_tgid, std::size_t ring_bytes, bool report_exits, RecordHandler on_record,
                                                    CgroupFilter cgroup = {});
  ~ExecsLoader();
  ExecsLoader(const ExecsLoader&) = delete;
  ExecsLoader& operator=(const ExecsLoader&) = delete;

  Result<void> attach();
  Result<int> poll(int timeout_ms);
  std::array<uint64_t, WF_EXEC_CNT_MAX> counters() const;

 private:
  ExecsLoader() = default;
  static int on_sample(void* ctx, void* data, std::size_t size);
  struct SkelDeleter { void operator()(struct execs* s) const; };
  struct RingDeleter { void operator()(struct ring_buffer* r) const; };
  std::unique_ptr<struct execs, SkelDeleter> skel_;
  std::unique_ptr<struct ring_buffer, RingDeleter> ring_;
  RecordHandler on_record_;
  int ncpus_ = 1;
};

}  // namespace whyfail::views
