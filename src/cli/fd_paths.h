// -y: what a tracee's descriptor refers to, for annotations like 3</etc/passwd>.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

namespace whyfail::cli {

// Reads /proc/PID/fd/FD of the tracee ("" when it cannot be read).
std::function<std::string(pid_t, int)> make_fd_describer();

}  // namespace whyfail::cli
