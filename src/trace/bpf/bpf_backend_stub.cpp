// Built when WHYFAIL_BPF=OFF: the backend exists in name only, and says why.
#include "trace/bpf/bpf_backend.h"

#include <cerrno>

namespace whyfail::trace::bpf {

Result<void> bpf_usable() {
  return fail(ENOSYS, "BPF backend", "not built into this whyfail (configured with -DWHYFAIL_BPF=OFF)");
}
std::unique_ptr<Backend> make_bpf_backend() { return nullptr; }

}  // namespace whyfail::trace::bpf
