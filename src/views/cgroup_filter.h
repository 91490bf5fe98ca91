// --cgroup PATH: a cgroup v2 directory, as the id and depth the BPF side
// compares against (views_cgroup.bpf.h); the directory and everything below it.
#pragma once

#include <cstdint>
#include <string>

#include "util/result.h"

namespace whyfail::views {

struct CgroupFilter {
  uint64_t id = 0;     // 0: no filter; else the directory's inode number (= the kernel's cgroup id)
  uint32_t level = 0;  // depth below the cgroup v2 root (the root is 0)
};

// PATH under the cgroup v2 mount (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a
// hybrid system), or relative to it: "system.slice/ssh.service", or "/system.slice"
// as /proc/PID/cgroup shows it.
Result<CgroupFilter> resolve_cgroup(const std::string& path);

}  // namespace whyfail::views
