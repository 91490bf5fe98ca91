// -p PID: seizing every thread of a running process. Threads may appear while
// we attach (a not-yet-seized thread can clone), so /proc/PID/task is re-read
// until a pass finds nothing new. A refusal is explained: no such process,
// already traced (TracerPid), another user without CAP_SYS_PTRACE, Yama.
#pragma once

#include <sys/types.h>

#include <vector>

#include "util/result.h"

namespace whyfail::trace::ptrace {

struct AttachedThread {
  pid_t tid = 0;
  pid_t tgid = 0;
};

// Seizes (with `options`) and interrupts each thread of `pid`. Threads seized
// before an error are still appended to `seized`, so the caller can detach them.
Result<void> attach_process(pid_t pid, unsigned long options, std::vector<AttachedThread>& seized);

}  // namespace whyfail::trace::ptrace
