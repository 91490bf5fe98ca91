// Which syscalls `whyfail files` reports and what their arguments are: one
// line per syscall (x86_64 numbers), the table the kernel side looks up.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "files_abi.h"

namespace whyfail::views {

struct FileRule {
  uint32_t nr;
  std::string_view name;
  wf_file_rule rule;
  char letter;  // --compact: fatrace's access letters (O open, R read, W write, C close, D delete, < > rename)
};

std::span<const FileRule> file_rules();
const FileRule* file_rule(uint32_t nr);
// Syscalls not shown that can change the path of a (dentry, mount) the
// kernel side has cached: mounts. (Renames are shown, and marked in their rule.)
std::span<const uint32_t> path_moving_syscalls();

}  // namespace whyfail::views
