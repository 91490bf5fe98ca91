// Options every view takes: filters, how long, output format.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "views/cgroup_filter.h"

namespace whyfail::views {

struct ViewFilters {
  std::vector<std::string> comms;  // match comm (before or after an exec); empty: any
  std::vector<pid_t> pids;         // match pid (tgid) or, for execs, ppid too; empty: any
  std::vector<uint32_t> uids;
  CgroupFilter cgroup;             // --cgroup: applied in the kernel
};

struct ViewOptions {
  ViewFilters filters;
  double duration_s = 0;           // 0: until SIGINT/SIGTERM
  bool json = false;
  bool tree = false;               // execs --tree: indent under the parent, show process ends
  std::size_t ring_bytes = 0;      // 0: the view's default
  std::vector<std::string> command;  // `-- CMD`: trace it (and its tree); stop when it ends
};

}  // namespace whyfail::views
