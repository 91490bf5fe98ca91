// The eBPF backend: tracepoints, in-kernel filtering, ring buffer.
#pragma once

#include <memory>

#include "trace/backend.h"
#include "util/result.h"

namespace whyfail::trace::bpf {

// Whether this kernel and these privileges let the BPF backend run; the Error
// says why not (lockdown, missing BTF, no CAP_BPF, not built in).
Result<void> bpf_usable();

std::unique_ptr<Backend> make_bpf_backend();

}  // namespace whyfail::trace::bpf
