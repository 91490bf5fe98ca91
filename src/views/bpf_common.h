// What the views' loaders share: libbpf's errno convention, its messages for
// hints, ring sizes, per-CPU counter sums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace whyfail::views {

// libbpf returns -errno (and sets errno): one conversion point.
int libbpf_err(long rc);
// Routes libbpf's messages into a buffer (only main prints); idempotent.
void capture_libbpf_messages();
// The hint for a failed load/attach: privileges, lockdown, and libbpf's last words.
std::string bpf_hint(int err);
// Power of two, at least a page.
std::size_t ring_size(std::size_t want, std::size_t dflt);
// Sum of a per-CPU u64 array map entry.
uint64_t percpu_sum(const std::vector<uint64_t>& per_cpu);

}  // namespace whyfail::views
