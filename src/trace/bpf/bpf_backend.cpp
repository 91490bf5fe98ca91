#include "trace/bpf/bpf_backend.h"

#include <cerrno>

namespace whyfail::trace::bpf {

// Placeholder until the backend lands.
Result<void> bpf_usable() { return fail(ENOSYS, "BPF backend", "not built into this whyfail"); }
std::unique_ptr<Backend> make_bpf_backend() { return nullptr; }

}  // namespace whyfail::trace::bpf
