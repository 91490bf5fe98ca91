#include "bpf_common.h"

#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <mutex>

namespace whyfail::views {

namespace {
std::mutex g_mu;
std::string g_messages;
constexpr std::size_t kMaxMessages = 4096;

// A C callback: never throws.
int keep_message(enum libbpf_print_level level, const char* fmt, va_list ap) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[1024];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  if (n <= 0) return 0;
  std::lock_guard<std::mutex> lock(g_mu);
  try {
    g_messages.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
    if (g_messages.size() > kMaxMessages) g_messages.erase(0, g_messages.size() - kMaxMessages);
  } catch (...) {
  }
  return 0;
}
}  // namespace

int libbpf_err(long rc) { return rc < 0 ? static_cast<int>(-rc) : (errno ? errno : EINVAL); }

void capture_libbpf_messages() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(keep_message); });
  std::lock_guard<std::mutex> lock(g_mu);
  g_messages.clear();
}

std::string bpf_hint(int err) {
  std::string hint = (err == EPERM || err == EACCES)
                         ? "needs root (CAP_BPF + CAP_PERFMON); check kernel.unprivileged_bpf_disabled and "
                           "lockdown (tracepoints work under lockdown=integrity, not confidentiality)"
                         : "the kernel rejected the BPF program";
  std::lock_guard<std::mutex> lock(g_mu);
  if (!g_messages.empty()) {
    std::size_t from = g_messages.size() > 600 ? g_messages.size() - 600 : 0;
    hint += "; libbpf: " + g_messages.substr(from);
  }
  return hint;
}

std::size_t ring_size(std::size_t want, std::size_t dflt) {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  if (want == 0) want = dflt;
  std::size_t n = page;
  while (n < want && n < (std::size_t{1} << 30)) n <<= 1;
  return n;
}

uint64_t percpu_sum(const std::vector<uint64_t>& per_cpu) {
  uint64_t s = 0;
  for (uint64_t v : per_cpu) s += v;
  return s;
}

}  // namespace whyfail::views
