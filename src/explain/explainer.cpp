// Dispatch: the syscall family first (its explainer knows the arguments),
// then the errno-wide helpers, then the man page. Never throws.
#include "explain/explainer.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "explain/call.h"
#include "explain/families.h"
#include "explain/man_pages.h"
#include "explain/path_calls.h"
#include "explain/proc_state.h"
#include "explain/text.h"

namespace whyfail::explain {

namespace {

std::string errno_symbol(int err) {
  const char* n = ::strerrorname_np(err);
  return n ? n : "E" + std::to_string(err);
}

void append(std::vector<Cause>& out, std::vector<Cause> more) {
  for (auto& c : more) out.push_back(std::move(c));
}

bool has_verified(const std::vector<Cause>& causes) {
  for (const auto& c : causes)
    if (c.verified) return true;
  return false;
}

std::vector<Cause> family_causes(const Call& call) {
  int nr = call.nr(), err = call.err();
  std::vector<Cause> out;
  if (nr == SYS_perf_event_open) return explain_perf_event_open(call);
  if (is_exec_call(nr)) return explain_exec(call);
  if (is_path_call(nr)) {
    out = explain_path_call(call);
  } else {
    if (is_net_call(nr)) out = explain_net(call);
    if (is_memory_call(nr)) append(out, explain_memory(call));
  }
  if (has_verified(out)) return out;
  switch (err) {
    case EBADF:
    case EMFILE:
    case ENFILE:
      append(out, explain_fd(call));
      break;
    case ENOSPC:
    case EDQUOT:
      append(out, explain_space(call));
      break;
    case EPERM:
    case EACCES:
      append(out, explain_privilege(call));
      break;
    default:
      break;
  }
  return out;
}

// The process is gone: an absolute path can still be walked from whyfail's
// own root (the same one unless the tracee was chrooted or in another mount
// namespace). Existence checks only; never verified.
std::vector<Cause> after_exit_causes(const trace::SyscallEvent& event, const ExplainContext& context) {
  auto pc = path_call(event.nr);
  if (!pc || pc->path_arg < 0) return {};
  const auto& cap = event.captured[static_cast<size_t>(pc->path_arg)];
  if (!cap || cap->fault || cap->bytes.empty() || cap->bytes[0] != '/') return {};
  ProcState self(::getpid());
  Call stand_in(event, context, self);
  std::vector<Cause> out;
  for (auto& c : family_causes(stand_in)) {
    if (c.code.rfind("check.", 0) == 0) continue;
    // Permission checks ran with whyfail's credentials, not the tracee's: drop them.
    if (c.code.find("permission") != std::string::npos || c.code.rfind("priv.", 0) == 0) continue;
    c.verified = false;
    c.evidence.push_back("checked after process " + std::to_string(event.pid) +
                         " exited, from whyfail's view of the filesystem");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

Explanation explain_failure(const trace::SyscallEvent& event, const ExplainContext& context) {
  Explanation ex;
  try {
    if (!event.failed()) return ex;
    ProcState proc(event.tid > 0 ? event.tid : event.pid);
    if (!proc.creds().valid && event.tid != event.pid && event.pid > 0) proc = ProcState(event.pid);
    Call call(event, context, proc);
    std::vector<Cause> causes;
    // A zombie still has /proc/PID/status (credentials) but no root, cwd or
    // fds any more: explained after the fact (eBPF backend), it is as gone.
    const bool zombie = !context.live && proc.creds().valid &&
                        ::access(("/proc/" + std::to_string(event.pid) + "/root/").c_str(), F_OK) != 0;
    if (!proc.creds().valid || zombie) {
      causes = after_exit_causes(event, context);
      causes.push_back(make_cause("check.process-gone",
                                  "process " + std::to_string(event.pid) +
                                      " has exited; its state (credentials, cwd, descriptors) can no longer be read"));
      causes.back().verified = false;
    } else {
      causes = family_causes(call);
    }
    if (!has_verified(causes)) append(causes, man_page_causes(call.name(), errno_symbol(call.err())));
    call.finish(causes);
    ex.causes = std::move(causes);
  } catch (const std::exception& e) {
    Cause c = make_cause("check.internal-error", std::string("whyfail could not explain this failure: ") + e.what());
    c.verified = false;
    ex.causes.push_back(c);
  } catch (...) {
    ex.causes.clear();
  }
  return ex;
}

}  // namespace whyfail::explain
