#include "files_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <bit>
#include <cerrno>
#include <string>
#include <vector>

#include "bpf_common.h"
#include "files.skel.h"
#include "platform/kernel_fs.h"
#include "views/files_rules.h"

namespace whyfail::views {

void FilesLoader::SkelDeleter::operator()(struct files* s) const { files__destroy(s); }
FilesLoader::~FilesLoader() = default;

Result<std::unique_ptr<FilesLoader>> FilesLoader::load(pid_t self_tgid, bool filter_pids, std::size_t ring_bytes,
                                                       RecordHandler on_record, CgroupFilter cgroup,
                                                       FileTimes times, bool need_uid) {
  capture_libbpf_messages();
  std::unique_ptr<FilesLoader> l(new FilesLoader());
  l->on_record_ = std::move(on_record);
  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return fail(libbpf_err(ncpus), "libbpf_num_possible_cpus");
  l->ncpus_ = ncpus;
  l->skel_.reset(files__open());
  if (!l->skel_) return fail(errno ? errno : EINVAL, "opening the files BPF object", bpf_hint(errno));
  struct files* s = l->skel_.get();
  s->rodata->self_tgid = static_cast<uint32_t>(self_tgid);
  s->rodata->filter_pids = filter_pids;
  s->rodata->cgroup_id = cgroup.id;
  s->rodata->cgroup_level = cgroup.level;
  s->rodata->stamp = times != FileTimes::None;
  s->rodata->build_at_entry = times == FileTimes::EnterExit;
  s->rodata->read_uid = need_uid;
  // 16 MiB: ~4000 records (4 KiB each) between two polls.
  const std::size_t ring = ring_size(ring_bytes, 16u << 20);
  s->rodata->wake_shift = static_cast<uint32_t>(std::countr_zero(ring / 8));  // ring: a power of two
  int rc = bpf_map__set_max_entries(s->maps.rb, static_cast<uint32_t>(ring));
  if (rc) return fail(libbpf_err(rc), "sizing the files ring buffer");
  bpf_program__set_autoload(s->progs.files_fork, filter_pids);
  // Built at entry: every syscall's entry; built at exit: close's only.
  const bool at_entry = times == FileTimes::EnterExit;
  bpf_program__set_autoload(s->progs.files_enter, at_entry);
  bpf_program__set_autoload(s->progs.files_close_enter, !at_entry);
  rc = files__load(s);
  if (rc) {
    int err = libbpf_err(rc);
    return fail(err, "loading the files BPF programs", bpf_hint(err));
  }
  for (const FileRule& r : file_rules()) {
    uint32_t k = r.nr;
    rc = bpf_map__update_elem(s->maps.rules, &k, sizeof k, &r.rule, sizeof r.rule, BPF_ANY);
    if (rc) return fail(libbpf_err(rc), "filling the files rule table");
  }
  for (uint32_t nr : path_moving_syscalls()) {
    wf_file_rule mover{};
    mover.moves_paths = 1;
    rc = bpf_map__update_elem(s->maps.rules, &nr, sizeof nr, &mover, sizeof mover, BPF_ANY);
    if (rc) return fail(libbpf_err(rc), "filling the files rule table");
  }
  auto reader = trace::bpf::RingReader::open(bpf_map__fd(s->maps.rb), &FilesLoader::on_sample, l.get());
  if (!reader) return tl::unexpected(reader.error());
  l->ring_ = std::move(*reader);
  return l;
}

int FilesLoader::on_sample(void* ctx, void* data, std::size_t size) {
  static_cast<FilesLoader*>(ctx)->on_record_(data, size);
  return 0;
}

Result<void> FilesLoader::attach() {
  // sys_enter_close is attached through its tracefs event id, and a freshly
  // booted machine may not have tracefs mounted yet.
  if (bpf_program__autoload(skel_->progs.files_close_enter))
    if (auto fs = platform::ensure_tracefs(); !fs) return tl::unexpected(fs.error());
  int rc = files__attach(skel_.get());
  if (rc) {
    int err = libbpf_err(rc);
    return fail(err, "attaching the files BPF programs (raw syscall tracepoints)", bpf_hint(err));
  }
  return {};
}

Result<void> FilesLoader::add_traced(pid_t tgid) {
  uint32_t k = static_cast<uint32_t>(tgid);
  uint8_t one = 1;
  int rc = bpf_map__update_elem(skel_->maps.traced, &k, sizeof k, &one, sizeof one, BPF_ANY);
  if (rc) return fail(libbpf_err(rc), "adding pid " + std::to_string(tgid) + " to the traced set");
  return {};
}

Result<int> FilesLoader::poll(int timeout_ms) {
  // Records come without wakeups (files.bpf.c): wait out the timeout (or a
  // wakeup when the ring fills up), then drain whatever is there.
  return ring_->poll(timeout_ms);
}

std::array<uint64_t, WF_FILES_CNT_MAX> FilesLoader::counters() const {
  std::array<uint64_t, WF_FILES_CNT_MAX> out{};
  std::vector<uint64_t> per_cpu(static_cast<std::size_t>(ncpus_));
  for (uint32_t i = 0; i < WF_FILES_CNT_MAX; ++i) {
    if (bpf_map__lookup_elem(skel_->maps.counters, &i, sizeof i, per_cpu.data(),
                             per_cpu.size() * sizeof(uint64_t), 0) == 0)
      out[i] = percpu_sum(per_cpu);
  }
  // A program still running on a CPU (preempted) makes the next run there
  // skip its call; the kernel counts those per program.
  for (struct bpf_program* p : {skel_->progs.files_enter, skel_->progs.files_close_enter, skel_->progs.files_exit}) {
    int fd = bpf_program__fd(p);
    if (fd < 0) continue;
    bpf_prog_info info{};
    uint32_t len = sizeof info;
    if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0) out[WF_FILES_CNT_BUSY] += info.recursion_misses;
  }
  return out;
}

}  // namespace whyfail::views
