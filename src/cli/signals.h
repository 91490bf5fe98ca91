// What whyfail does with the signals it receives while tracing.
//   launch mode: SIGINT/SIGQUIT are the terminal's and reach the command too, which decides;
//                whyfail itself keeps going to report how it ended. SIGTERM/SIGHUP are
//                forwarded to the command. Handlers are no-ops rather than SIG_IGN, because
//                an ignored disposition would be inherited by the command through exec.
//   -p / --system mode: SIGINT/SIGTERM/SIGHUP ask the backend to detach; the processes run on.
// Signal handlers can only reach process-wide state, so this module keeps the one global
// of the program (the backend to stop, the pid to forward to), behind these functions.
#pragma once

#include <sys/types.h>

#include "trace/backend.h"

namespace whyfail::cli {

void install_launch_signals();
void install_attach_signals(trace::Backend* backend);
// The launched command's pid, once known; a SIGTERM/SIGHUP that came earlier is sent now.
void set_forward_pid(pid_t pid);
// Back to the default dispositions (before whyfail returns).
void restore_signals();
// A stop was requested by a signal (-p mode).
bool stop_requested();

}  // namespace whyfail::cli
