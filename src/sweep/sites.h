// The failable call sites of a recorded run: (syscall, user stack) pairs, deduplicated,
// in first-seen order, each with the errnos to try there and how to reach it again.
#pragma once

#include <string>
#include <vector>

#include "sweep/recording.h"

namespace whyfail::sweep {

struct Site {
  size_t index = 0;            // 0-based, first-seen order
  RecordedCall call;           // the site's first call in the recorded run
  std::string call_site;       // the tracer's call-site key ("" when it gave none)
  // Which call at the site the trial fails: the when= of `-e inject`, counted per thread
  // as strace does, among the calls at this call site (with a key) or among all calls of
  // this syscall (without one).
  uint32_t when = 1;
  uint32_t calls = 0;          // calls seen at this site in the recorded run
  std::vector<int> errnos;     // to try, in table order
};

struct SiteOptions {
  bool include_loader = false;  // also calls made by the dynamic loader (ld.so)
};

struct SiteList {
  std::vector<Site> sites;
  size_t loader_calls_skipped = 0;   // candidate calls made by ld.so, left out
  bool have_call_sites = false;      // the tracer gave call-site keys
};

SiteList find_sites(const Recording& recording, const SiteOptions& options);

// "main+0x1c (prog.c:12) < run+0x40 < __libc_start_call_main+0x7a": `depth` frames from
// the program's own innermost one (libc's wrappers skipped), symbolized where known (the
// first with its file:line), else module(+0xoffset), else the raw address. Escaped.
std::string describe_stack(const RecordedCall& call, size_t depth);

// The call's target as bytes: the descriptor's annotation or the path argument; "".
std::string call_target(const RecordedCall& call);

}  // namespace whyfail::sweep
