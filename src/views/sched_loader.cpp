#include "sched_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <unistd.h>

#include <cerrno>
#include <string>

#include "bpf_common.h"
#include "sched.skel.h"

namespace whyfail::views {

void SchedLoader::SkelDeleter::operator()(struct sched* s) const { sched__destroy(s); }
void SchedLoader::RingDeleter::operator()(struct ring_buffer* r) const { ring_buffer__free(r); }
SchedLoader::~SchedLoader() = default;

// /proc/PID/schedstat exists exactly when the kernel keeps sched_info
// (CONFIG_SCHED_INFO). Reading the run queue's clock from BPF also needs
// cfs_rq.rq (CONFIG_FAIR_GROUP_SCHED): without it the load fails (CO-RE) and
// the stamps are loaded instead.
Result<std::unique_ptr<SchedLoader>> SchedLoader::load(const SchedLoaderOptions& o, RecordHandler on_slow) {
  capture_libbpf_messages();
  if (!o.stamps && ::access("/proc/self/schedstat", F_OK) == 0) {
    auto l = load_as(o, true, on_slow);
    if (l) return l;
  }
  return load_as(o, false, std::move(on_slow));
}

Result<std::unique_ptr<SchedLoader>> SchedLoader::load_as(const SchedLoaderOptions& o, bool from_sched_info,
                                                          RecordHandler on_slow) {
  std::unique_ptr<SchedLoader> l(new SchedLoader());
  l->on_slow_ = std::move(on_slow);
  l->from_sched_info_ = from_sched_info;
  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return fail(libbpf_err(ncpus), "libbpf_num_possible_cpus");
  l->ncpus_ = ncpus;
  l->skel_.reset(sched__open());
  if (!l->skel_) return fail(errno ? errno : EINVAL, "opening the sched BPF object", bpf_hint(errno));
  struct sched* s = l->skel_.get();
  s->rodata->min_ns = o.min_ns;
  s->rodata->filter_pids = o.filter_pids;
  s->rodata->slow_log = o.slow_log;
  s->rodata->cgroup_id = o.cgroup.id;
  s->rodata->cgroup_level = o.cgroup.level;
  s->rodata->from_sched_info = from_sched_info;
  bpf_map__set_max_entries(s->maps.clock_gaps, static_cast<uint32_t>(ncpus));
  bpf_program__set_autoload(s->progs.sched_fork, o.filter_pids);
  // With sched_info, nothing runs at wakeups.
  bpf_program__set_autoload(s->progs.sched_waking, !from_sched_info);
  bpf_program__set_autoload(s->progs.sched_wakeup, !from_sched_info);
  bpf_program__set_autoload(s->progs.sched_wakeup_new, !from_sched_info);
  int rc = sched__load(s);
  if (rc) {
    int err = libbpf_err(rc);
    return fail(err, "loading the sched BPF programs", bpf_hint(err));
  }
  l->ring_.reset(ring_buffer__new(bpf_map__fd(s->maps.rb), &SchedLoader::on_sample, l.get(), nullptr));
  if (!l->ring_) return fail(errno ? errno : EINVAL, "ring_buffer__new");
  return l;
}

int SchedLoader::on_sample(void* ctx, void* data, std::size_t size) {
  static_cast<SchedLoader*>(ctx)->on_slow_(data, size);
  return 0;
}

Result<void> SchedLoader::attach() {
  int rc = sched__attach(skel_.get());
  if (rc) {
    int err = libbpf_err(rc);
    return fail(err,
                from_sched_info_ ? "attaching the sched BPF program (sched_switch)"
                                 : "attaching the sched BPF programs (sched_waking/sched_wakeup/sched_switch)",
                bpf_hint(err));
  }
  return {};
}

Result<void> SchedLoader::add_traced(pid_t tgid) {
  uint32_t k = static_cast<uint32_t>(tgid);
  uint8_t one = 1;
  int rc = bpf_map__update_elem(skel_->maps.traced, &k, sizeof k, &one, sizeof one, BPF_ANY);
  if (rc) return fail(libbpf_err(rc), "adding pid " + std::to_string(tgid) + " to the traced set");
  return {};
}

Result<int> SchedLoader::poll(int timeout_ms) {
  int n = ring_buffer__poll(ring_.get(), timeout_ms);
  if (n < 0 && n != -EINTR) return fail(-n, "polling the sched ring buffer");
  return n > 0 ? n : 0;
}

std::vector<std::pair<wf_sched_key, wf_sched_hist>> SchedLoader::histograms(bool clear) {
  std::vector<std::pair<wf_sched_key, wf_sched_hist>> out;
  wf_sched_key key{}, next{};
  const void* prev = nullptr;
  std::vector<wf_sched_key> keys;
  while (bpf_map__get_next_key(skel_->maps.hists, prev, &next, sizeof next) == 0) {
    keys.push_back(next);
    key = next;
    prev = &key;
  }
  for (const wf_sched_key& k : keys) {
    wf_sched_hist h{};
    if (bpf_map__lookup_elem(skel_->maps.hists, &k, sizeof k, &h, sizeof h, 0) != 0) continue;
    // No wait counted yet: an entry that only keeps the task's run_delay mark
    // (sched_info mode), left in place for its next wait.
    if (h.count == 0) continue;
    if (clear) bpf_map__delete_elem(skel_->maps.hists, &k, sizeof k, 0);
    out.emplace_back(k, h);
  }
  return out;
}

std::array<uint64_t, WF_SCHED_CNT_MAX> SchedLoader::counters() const {
  std::array<uint64_t, WF_SCHED_CNT_MAX> out{};
  std::vector<uint64_t> per_cpu(static_cast<std::size_t>(ncpus_));
  for (uint32_t i = 0; i < WF_SCHED_CNT_MAX; ++i) {
    if (bpf_map__lookup_elem(skel_->maps.counters, &i, sizeof i, per_cpu.data(),
                             per_cpu.size() * sizeof(uint64_t), 0) == 0)
      out[i] = percpu_sum(per_cpu);
  }
  return out;
}

}  // namespace whyfail::views
