#include "sysent/syscall_info.h"

namespace whyfail::sysent {

// Placeholder until the generated table lands.
static const std::vector<SyscallInfo> kTable;

int syscall_count() { return 0; }
const SyscallInfo* syscall_by_nr(int) { return nullptr; }
const SyscallInfo* syscall_by_name(std::string_view) { return nullptr; }
const std::vector<SyscallInfo>& all_syscalls() { return kTable; }

}  // namespace whyfail::sysent
