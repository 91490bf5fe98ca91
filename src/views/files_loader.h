// Owns the files.bpf.c skeleton: fills the rule table (files_rules.cpp),
// the traced set for `-- CMD`, loads, attaches, reads the ring and counters.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "execs_loader.h"  // RecordHandler
#include "files_abi.h"
#include "trace/bpf/ring_reader.h"
#include "views/cgroup_filter.h"
#include "util/result.h"

struct files;

namespace whyfail::views {

// Which kernel timestamps a record carries (each is a clock read per call),
// and so how records are built: None and Completion build each call at its
// exit in one program (close aside, see files.bpf.c); EnterExit builds it at
// entry and completes it at exit, for the duration.
enum class FileTimes { None, Completion, EnterExit };

class FilesLoader {
 public:
  static Result<std::unique_ptr<FilesLoader>> load(pid_t self_tgid, bool filter_pids, std::size_t ring_bytes,
                                                   RecordHandler on_record, CgroupFilter cgroup = {},
                                                   FileTimes times = FileTimes::EnterExit, bool need_uid = true);
  ~FilesLoader();
  FilesLoader(const FilesLoader&) = delete;
  FilesLoader& operator=(const FilesLoader&) = delete;

  Result<void> attach();
  Result<void> add_traced(pid_t tgid);
  Result<int> poll(int timeout_ms);
  std::array<uint64_t, WF_FILES_CNT_MAX> counters() const;

 private:
  FilesLoader() = default;
  static int on_sample(void* ctx, void* data, std::size_t size);
  struct SkelDeleter { void operator()(struct files* s) const; };
  std::unique_ptr<struct files, SkelDeleter> skel_;
  // Hands consumed space back in batches (see ring_reader.h): with a record
  // per file call of the machine, a release per record costs every call a
  // cross-CPU cache miss.
  std::unique_ptr<trace::bpf::RingReader> ring_;
  RecordHandler on_record_;
  int ncpus_ = 1;
};

}  // namespace whyfail::views
