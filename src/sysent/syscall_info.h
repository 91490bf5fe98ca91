// The syscall table: one entry per x86_64 syscall number the kernel headers
// define, with argument signatures where known. See docs/HOWTO_ADD_SYSCALL.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sysent/arg_type.h"

namespace whyfail::sysent {

// strace's -e trace=%class sets.
enum SyscallClass : uint16_t {
  kClassNone = 0,
  kClassFile = 1 << 0,     // takes a file name
  kClassDesc = 1 << 1,     // takes or returns a descriptor
  kClassNetwork = 1 << 2,
  kClassProcess = 1 << 3,
  kClassMemory = 1 << 4,
  kClassSignal = 1 << 5,
  kClassIpc = 1 << 6,
  kClassCreds = 1 << 7,
  kClassClock = 1 << 8,
  kClassStat = 1 << 9,     // %stat / %lstat / %fstat family
};

struct ArgInfo {
  ArgType type = ArgType::Hex;
  int8_t len_arg = -1;   // index of the argument that gives this one's length, or -1
};

struct SyscallInfo {
  int nr = -1;
  std::string_view name;
  uint8_t nargs = 0;
  bool known_signature = false;  // false: only the name and number are known; args print as hex
  std::array<ArgInfo, 6> args{};
  RetType ret = RetType::Int;
  uint16_t classes = kClassNone;
};

// Highest syscall number + 1 in the x86_64 table.
int syscall_count();

// Entry for `nr`, or nullptr if the number is not a known syscall.
const SyscallInfo* syscall_by_nr(int nr);

// Entry for a name ("openat"), or nullptr.
const SyscallInfo* syscall_by_name(std::string_view name);

// All entries, ordered by number.
const std::vector<SyscallInfo>& all_syscalls();

// Every name in syscall_signatures_x86_64.def, in file order (duplicates
// included), so tests can check the file against the number table.
std::vector<std::string_view> signature_names();

}  // namespace whyfail::sysent
