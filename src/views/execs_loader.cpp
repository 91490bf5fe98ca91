#include "execs_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <vector>

#include "bpf_common.h"
#include "execs.skel.h"
#include "platform/kernel_fs.h"

namespace whyfail::views {

void ExecsLoader::SkelDeleter::operator()(struct execs* s) const { execs__destroy(s); }
void ExecsLoader::RingDeleter::operator()(struct ring_buffer* r) const { ring_buffer__free(r); }
ExecsLoader::~ExecsLoader() = default;

Result<std::unique_ptr<ExecsLoader>> ExecsLoader::load(pid_t self_tgid, std::size_t ring_bytes, bool report_exits,
                                                       RecordHandler on_record,
                                                       CgroupFilter cgroup) {
  capture_libbpf_messages();
  std::unique_ptr<ExecsLoader> l(new ExecsLoader());
  l->on_record_ = std::move(on_record);
  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return fail(libbpf_err(ncpus), "libbpf_num_possible_cpus");
  l->ncpus_ = ncpus;
  l->skel_.reset(execs__open());
  if (!l->skel_) return fail(errno ? errno : EINVAL, "opening the execs BPF object", bpf_hint(errno));
  struct execs* s = l->skel_.get();
  s->rodata->self_tgid = static_cast<uint32_t>(self_tgid);
  s->rodata->report_exits = report_exits;
  s->rodata->cgroup_id = cgroup.id;
  s->rodata->cgroup_level = cgroup.level;
  bpf_program__set_autoload(s->progs.on_process_exit, report_exits);
  // 4 MiB: ~200 execs with full 16 KiB argv between two polls.
  int rc = bpf_map__set_max_entries(s->maps.rb, static_cast<uint32_t>(ring_size(ring_bytes, 4u << 20)));
  if (rc) return fail(libbpf_err(rc), "sizing the execs ring buffer");
  rc = execs__load(s);
  if (rc) {
    int err = libbpf_err(rc);
    return fail(err, "loading the execs BPF programs", bpf_hint(err));
  }
  l->ring_.reset(ring_buffer__new(bpf_map__fd(s->maps.rb), &ExecsLoader::on_sample, l.get(), nullptr));
  if (!l->ring_) return fail(errno ? errno : EINVAL, "ring_buffer__new");
  return l;
}

int ExecsLoader::on_sample(void* ctx, void* data, std::size_t size) {
  static_cast<ExecsLoader*>(ctx)->on_record_(data, size);
  return 0;
}

Result<void> ExecsLoader::attach() {
  // The execve tracepoints are attached through their tracefs event ids, and
  // a freshly booted machine may not have tracefs mounted yet.
  if (auto fs = platform::ensure_tracefs(); !fs) return tl::unexpected(fs.error());
  int rc = execs__attach(skel_.get());
  if (rc) {
    int err = libbpf_err(rc);
    return fail(err, "attaching the execs BPF programs (syscalls and sched tracepoints)", bpf_hint(err));
  }
  return {};
}

Result<int> ExecsLoader::poll(int timeout_ms) {
  int n = ring_buffer__poll(ring_.get(), timeout_ms);
  if (n < 0 && n != -EINTR) return fail(-n, "polling the execs ring buffer");
  return n > 0 ? n : 0;
}

std::array<uint64_t, WF_EXEC_CNT_MAX> ExecsLoader::counters() const {
  std::array<uint64_t, WF_EXEC_CNT_MAX> out{};
  std::vector<uint64_t> per_cpu(static_cast<std::size_t>(ncpus_));
  for (uint32_t i = 0; i < WF_EXEC_CNT_MAX; ++i) {
    if (bpf_map__lookup_elem(skel_->maps.counters, &i, sizeof i, per_cpu.data(),
                             per_cpu.size() * sizeof(uint64_t), 0) == 0)
      out[i] = percpu_sum(per_cpu);
  }
  return out;
}

}  // namespace whyfail::views
