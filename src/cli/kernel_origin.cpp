#include "cli/kernel_origin.h"

#include <unistd.h>

#include "decode/decoder.h"

namespace whyfail::cli {

std::unique_ptr<origin::KernelOriginSession> start_kernel_origin(
    const Options& options, const std::function<void(const std::string&)>& warn) {
  if (!options.kernel_origin) return nullptr;
  origin::SessionOptions so;
  so.func_globs = origin::split_globs(options.kernel_funcs);
  if (options.errno_filter.size() == 1) {
    int n = decode::errno_by_name(options.errno_filter.front());
    so.errno_filter = n > 0 ? n : std::atoi(options.errno_filter.front().c_str());
  }
  // Can anything attach at all? Asked first: on a kernel that refuses fexit
  // and has no kprobes, the learning run (the command run once more) would be
  // wasted, and the attach refusal is the reason worth printing.
  if (auto usable = origin::origin_usable(); !usable) {
    warn("whyfail: --kernel: " + usable.error().message() + "; tracing without it");
    return nullptr;
  }
  if (so.func_globs.empty()) {
    if (options.command.empty()) {
      warn("whyfail: --kernel without a command needs --kernel-funcs GLOBS; tracing without it");
      return nullptr;
    }
    // The learning run executes the command once, untraced by ptrace, to see its kernel functions.
    auto learned = origin::learn_functions(options.command);
    if (!learned) {
      warn("whyfail: --kernel: " + learned.error().message() + "; tracing without it");
      return nullptr;
    }
    so.learned = std::move(*learned);
  }
  auto session = origin::KernelOriginSession::start(so);
  if (!session) {
    warn("whyfail: --kernel: " + session.error().message() + "; tracing without it");
    return nullptr;
  }
  std::vector<pid_t> pids = options.pids;
  if (!options.command.empty()) pids.push_back(::getpid());
  for (pid_t pid : pids) {
    if (auto ok = (*session)->trace_process(pid); !ok) {
      warn("whyfail: --kernel: " + ok.error().message() + "; tracing without it");
      return nullptr;
    }
  }
  return std::move(*session);
}

}  // namespace whyfail::cli
