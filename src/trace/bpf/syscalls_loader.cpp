#include "syscalls_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "syscalls.skel.h"

namespace whyfail::trace::bpf {

namespace {

constexpr std::size_t kDefaultRingBytes = 8u << 20;  // 8 MiB: a 10 ms poll gap at ~1M failures/s
constexpr std::size_t kMaxMessages = 4096;
constexpr uint32_t kNoRoot = UINT32_MAX;  // root_tgid in syscalls.bpf.c: no process

std::mutex g_msg_mu;
std::string g_messages;

// libbpf prints through this: keep warnings for the Error hint, print nothing
// (only main prints). Never throws: it is a C callback.
int keep_message(enum libbpf_print_level level, const char* fmt, va_list ap) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[1024];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  if (n <= 0) return 0;
  std::lock_guard<std::mutex> lock(g_msg_mu);
  try {
    g_messages.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
    if (g_messages.size() > kMaxMessages) g_messages.erase(0, g_messages.size() - kMaxMessages);
  } catch (...) {
  }
  return 0;
}

void install_print() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(keep_message); });
}

void clear_messages() {
  std::lock_guard<std::mutex> lock(g_msg_mu);
  g_messages.clear();
}

// libbpf returns -errno (and sets errno): one conversion point.
int err_of(long rc) { return rc < 0 ? static_cast<int>(-rc) : (errno ? errno : EINVAL); }

std::size_t ring_size(std::size_t want) {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  std::size_t n = page;
  if (want == 0) want = kDefaultRingBytes;
  while (n < want && n < (std::size_t{1} << 30)) n <<= 1;
  return n;
}

std::string load_hint(int err) {
  std::string hint;
  if (err == EPERM || err == EACCES)
    hint = "needs root (CAP_BPF + CAP_PERFMON); check kernel.unprivileged_bpf_disabled and lockdown";
  else
    hint = "the kernel rejected the BPF program";
  std::string msgs = libbpf_last_messages();
  if (!msgs.empty()) {
    // The verifier's last lines say what it refused.
    std::size_t from = msgs.size() > 600 ? msgs.size() - 600 : 0;
    hint += "; libbpf: " + msgs.substr(from);
  }
  return hint;
}

}  // namespace

std::string libbpf_last_messages() {
  std::lock_guard<std::mutex> lock(g_msg_mu);
  return g_messages;
}

void SyscallsLoader::SkelDeleter::operator()(struct syscalls* s) const { syscalls__destroy(s); }

SyscallsLoader::~SyscallsLoader() = default;

Result<std::unique_ptr<SyscallsLoader>> SyscallsLoader::load(const LoaderOptions& o, RecordHandler on_record) {
  install_print();
  clear_messages();
  std::unique_ptr<SyscallsLoader> l(new SyscallsLoader());
  l->on_record_ = std::move(on_record);
  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return fail(err_of(ncpus), "libbpf_num_possible_cpus");
  l->ncpus_ = ncpus;

  l->skel_.reset(syscalls__open());
  if (!l->skel_) return fail(errno ? errno : EINVAL, "opening the syscalls BPF object", load_hint(errno));
  struct syscalls* s = l->skel_.get();
  s->rodata->filter_pids = o.filter_pids;
  s->rodata->follow_forks = o.follow_forks;
  s->rodata->only_failures = o.only_failures;
  s->rodata->filter_errno = !o.errnos.empty();
  s->rodata->filter_comm = !o.comms.empty();
  s->rodata->filter_uid = !o.uids.empty();
  s->rodata->user_stacks = o.user_stacks;
  s->rodata->use_stash = o.use_stash;
  s->rodata->timestamps = o.timestamps;
  s->rodata->self_tgid = o.self_tgid;
  l->ring_bytes_ = ring_size(o.ring_bytes);
  // Wake the reader early only when a quarter of the ring is pending.
  s->rodata->wakeup_bytes = l->ring_bytes_ / 4;
  // sys_exit reads the fill level every 16th call when 16 of the largest
  // records are a small share of the ring: the read costs ~15 ns a record.
  s->rodata->wakeup_check_mask = l->ring_bytes_ >= (1u << 20) ? 15 : 0;

  int rc = bpf_map__set_max_entries(s->maps.rb, static_cast<uint32_t>(l->ring_bytes_));
  if (rc) return fail(err_of(rc), "sizing the BPF ring buffer");
  rc = bpf_map__set_max_entries(s->maps.traced, o.max_traced);
  if (rc) return fail(err_of(rc), "sizing the traced-process map");
  // Load only what this run needs: the sys_enter hook costs every syscall on the machine.
  bpf_program__set_autoload(s->progs.on_sys_enter, o.use_stash);

  rc = syscalls__load(s);
  if (rc) {
    int err = err_of(rc);
    return fail(err, "loading the syscalls BPF programs", load_hint(err));
  }

  for (uint32_t nr = 0; nr < o.rules.size() && nr < WF_MAX_SYSCALLS; ++nr) {
    if (o.rules[nr].flags == 0) continue;  // the array starts zeroed: not traced
    rc = bpf_map__update_elem(s->maps.rules, &nr, sizeof nr, &o.rules[nr], sizeof o.rules[nr], BPF_ANY);
    if (rc) return fail(err_of(rc), "filling the BPF capture table");
  }
  for (int e : o.errnos) {
    if (e <= 0 || e >= WF_MAX_ERRNO) continue;
    uint32_t k = static_cast<uint32_t>(e);
    uint8_t one = 1;
    rc = bpf_map__update_elem(s->maps.errnos, &k, sizeof k, &one, sizeof one, BPF_ANY);
    if (rc) return fail(err_of(rc), "filling the BPF errno filter");
  }
  for (const std::string& c : o.comms) {
    char k[WF_COMM_LEN] = {};
    std::memcpy(k, c.data(), std::min<std::size_t>(c.size(), WF_COMM_LEN - 1));  // comm is 15 chars
    uint8_t one = 1;
    rc = bpf_map__update_elem(s->maps.comms, k, sizeof k, &one, sizeof one, BPF_ANY);
    if (rc) return fail(err_of(rc), "filling the BPF comm filter", "at most 64 --comm values");
  }
  for (uid_t u : o.uids) {
    uint32_t k = u;
    uint8_t one = 1;
    rc = bpf_map__update_elem(s->maps.uids, &k, sizeof k, &one, sizeof one, BPF_ANY);
    if (rc) return fail(err_of(rc), "filling the BPF uid filter", "at most 64 --uid values");
  }

  auto ring = RingReader::open(bpf_map__fd(s->maps.rb), &SyscallsLoader::on_sample, l.get());
  if (!ring) return tl::unexpected(ring.error());
  l->ring_ = std::move(*ring);
  return l;
}

int SyscallsLoader::on_sample(void* ctx, void* data, std::size_t size) {
  auto* self = static_cast<SyscallsLoader*>(ctx);
  self->on_record_(data, size);  // the handler catches everything itself
  return 0;
}

Result<void> SyscallsLoader::attach() {
  int rc = syscalls__attach(skel_.get());
  if (rc) {
    int err = err_of(rc);
    return fail(err, "attaching the syscalls BPF programs to tracepoints", load_hint(err));
  }
  return {};
}

Result<void> SyscallsLoader::add_traced(pid_t tgid) {
  uint32_t k = static_cast<uint32_t>(tgid);
  uint8_t one = 1;
  int rc = bpf_map__update_elem(skel_->maps.traced, &k, sizeof k, &one, sizeof one, BPF_ANY);
  if (rc) return fail(err_of(rc), "adding pid " + std::to_string(tgid) + " to the traced set");
  if (skel_->data->root_tgid == kNoRoot) skel_->data->root_tgid = k;  // the fast path of is_traced()
  return {};
}

void SyscallsLoader::remove_traced(pid_t tgid) {
  uint32_t k = static_cast<uint32_t>(tgid);
  bpf_map__delete_elem(skel_->maps.traced, &k, sizeof k, 0);
  if (skel_->data->root_tgid == k) skel_->data->root_tgid = kNoRoot;
}

std::vector<pid_t> SyscallsLoader::traced() const {
  std::vector<pid_t> out;
  uint32_t key = 0, next = 0;
  const void* prev = nullptr;
  while (bpf_map__get_next_key(skel_->maps.traced, prev, &next, sizeof next) == 0) {
    out.push_back(static_cast<pid_t>(next));
    key = next;
    prev = &key;
  }
  return out;
}

bool SyscallsLoader::traced_empty() const {
  uint32_t next = 0;
  return bpf_map__get_next_key(skel_->maps.traced, nullptr, &next, sizeof next) != 0;
}

Result<int> SyscallsLoader::poll(int timeout_ms) {
  // Records are submitted without a wakeup (see rb_flags in syscalls.bpf.c):
  // the reader drains whether or not epoll said anything.
  return ring_->poll(timeout_ms);
}

std::array<uint64_t, WF_CNT_MAX> SyscallsLoader::counters() const {
  std::array<uint64_t, WF_CNT_MAX> out{};
  std::vector<uint64_t> per_cpu(static_cast<std::size_t>(ncpus_));
  for (uint32_t i = 0; i < WF_CNT_MAX; ++i) {
    if (bpf_map__lookup_elem(skel_->maps.counters, &i, sizeof i, per_cpu.data(),
                             per_cpu.size() * sizeof(uint64_t), 0) != 0)
      continue;
    for (uint64_t v : per_cpu) out[i] += v;
  }
  return out;
}

}  // namespace whyfail::trace::bpf
