// Owns the sched.bpf.c skeleton: loads, attaches, reads the histograms (and
// clears them for --interval), the slow-log ring and the counters.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "execs_loader.h"  // RecordHandler
#include "sched_abi.h"
#include "views/cgroup_filter.h"
#include "util/result.h"

struct sched;

namespace whyfail::views {

struct SchedLoaderOptions {
  uint64_t min_ns = 0;
  bool filter_pids = false;
  bool slow_log = false;
  CgroupFilter cgroup;
  // Measure from wakeup stamps even where the kernel's sched_info could be
  // read (tests run both ways; the kernel without CONFIG_SCHED_INFO gets
  // stamps anyway).
  bool stamps = false;
};

class SchedLoader {
 public:
  static Result<std::unique_ptr<SchedLoader>> load(const SchedLoaderOptions& o, RecordHandler on_slow);
  ~SchedLoader();
  SchedLoader(const SchedLoader&) = delete;
  SchedLoader& operator=(const SchedLoader&) = delete;

  Result<void> attach();
  Result<void> add_traced(pid_t tgid);
  Result<int> poll(int timeout_ms);
  // Every histogram; with clear, each one read is deleted (--interval).
  std::vector<std::pair<wf_sched_key, wf_sched_hist>> histograms(bool clear);
  std::array<uint64_t, WF_SCHED_CNT_MAX> counters() const;
  // Waits measured from the kernel's sched_info (else from wakeup stamps).
  bool from_sched_info() const { return from_sched_info_; }

 private:
  SchedLoader() = default;
  static Result<std::unique_ptr<SchedLoader>> load_as(const SchedLoaderOptions& o, bool from_sched_info,
                                                      RecordHandler on_slow);
  static int on_sample(void* ctx, void* data, std::size_t size);
  struct SkelDeleter { void operator()(struct sched* s) const; };
  struct RingDeleter { void operator()(struct ring_buffer* r) const; };
  std::unique_ptr<struct sched, SkelDeleter> skel_;
  std::unique_ptr<struct ring_buffer, RingDeleter> ring_;
  RecordHandler on_slow_;
  int ncpus_ = 1;
  bool from_sched_info_ = false;
};

}  // namespace whyfail::views
