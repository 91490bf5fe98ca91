// strace-style syscall classes (-e trace=%file) and close-match suggestions
// for names the table does not know.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "sysent/syscall_info.h"

namespace whyfail::sysent {

// Class bits for "%file", "file", "%net" ... ; nullopt for an unknown class.
std::optional<uint16_t> parse_class(std::string_view name);

// The syscall numbers a class selects. Handles the classes that are a named
// list rather than a bit (%lstat, %fstat, %%stat, %statfs, %%statfs).
// nullopt for an unknown class.
std::optional<std::vector<int>> syscalls_in_class(std::string_view name);

// Every class name accepted, with the leading '%', for help and errors.
const std::vector<std::string_view>& class_names();

// Known syscall names closest to `unknown` (edit distance, then prefix),
// best first, at most `max`. Empty when nothing is close.
std::vector<std::string_view> close_syscall_names(std::string_view unknown, std::size_t max = 3);

}  // namespace whyfail::sysent
