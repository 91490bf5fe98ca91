// Built without the BPF toolchain: --kernel says so and nothing else changes.
#include <cerrno>

#include "origin/origin_loader.h"

namespace whyfail::origin {

const char* mechanism_name(Mechanism m) { return m == Mechanism::Fexit ? "fexit" : "kretprobe"; }

struct OriginTracer::Impl {};
OriginTracer::OriginTracer() = default;
OriginTracer::~OriginTracer() = default;

Result<std::unique_ptr<OriginTracer>> OriginTracer::arm(const ArmOptions&,
                                                        std::shared_ptr<const symbolize::Kallsyms>) {
  return fail(ENOSYS, "kernel origin", "whyfail was built without BPF (WHYFAIL_BPF=OFF)");
}
Result<void> OriginTracer::trace_process(pid_t) { return fail(ENOSYS, "kernel origin"); }
void OriginTracer::untrace_process(pid_t) {}
Result<std::vector<FailedInvocation>> OriginTracer::poll(int) { return fail(ENOSYS, "kernel origin"); }
trace::KernelOrigin OriginTracer::explain(const FailedInvocation&) const { return {}; }
std::optional<FailedInvocation> OriginTracer::last_success(int) const { return std::nullopt; }
OriginCounters OriginTracer::counters() const { return {}; }
std::string libbpf_log() { return ""; }
Result<Mechanism> origin_usable() {
  return fail(ENOSYS, "kernel origin", "whyfail was built without BPF (WHYFAIL_BPF=OFF)");
}

}  // namespace whyfail::origin
