#include "cli/backend_choice.h"

#include <cerrno>

#include "trace/bpf/bpf_backend.h"
#include "trace/ptrace/tracer.h"

namespace whyfail::cli {

namespace {

Result<ChosenBackend> ptrace_backend(std::string note) {
  auto backend = trace::ptrace::make_ptrace_backend();
  if (!backend) return fail(ENOSYS, "the ptrace backend is not available in this build", "rebuild whyfail");
  return ChosenBackend{std::move(backend), std::move(note)};
}

Result<ChosenBackend> bpf_backend(std::string note) {
  if (auto usable = trace::bpf::bpf_usable(); !usable) {
    Error e = usable.error();
    e.what = "the bpf backend cannot run here: " + e.message();
    e.err = 0;
    e.hint = "run `whyfail doctor` for details, or use --backend=ptrace";
    return tl::unexpected(e);
  }
  auto backend = trace::bpf::make_bpf_backend();
  if (!backend) {
    return fail(ENOSYS, "the bpf backend is not available in this build", "use --backend=ptrace");
  }
  return ChosenBackend{std::move(backend), std::move(note)};
}

}  // namespace

Result<ChosenBackend> choose_backend(const Options& options) {
  switch (options.backend) {
    case BackendChoice::Ptrace: return ptrace_backend({});
    case BackendChoice::Bpf: return bpf_backend({});
    case BackendChoice::Auto: break;
  }
  if (options.system) return bpf_backend("whyfail: using the bpf backend (--system needs it)");
  if (!options.inject_rules.empty()) {
    return ptrace_backend("whyfail: using the ptrace backend (-e inject needs it: the bpf backend cannot "
                          "change a call's result)");
  }
  if (options.user_stacks) {
    return ptrace_backend("whyfail: using the ptrace backend (-k: it unwinds with the binaries' unwind "
                          "tables; the bpf backend follows frame pointers, which most binaries lack)");
  }
  auto usable = trace::bpf::bpf_usable();
  if (usable) {
    if (auto chosen = bpf_backend("whyfail: using the bpf backend (the kernel and privileges allow it; "
                                  "--backend=ptrace for exact live explanations)")) {
      return chosen;
    }
    return ptrace_backend("whyfail: using the ptrace backend (the bpf backend is not in this build)");
  }
  return ptrace_backend("whyfail: using the ptrace backend (bpf not usable: " + usable.error().message() + ")");
}

}  // namespace whyfail::cli
