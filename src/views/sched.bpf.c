// sched.bpf.c: run-queue latency, the time a task waited between becoming
// runnable (woken, or preempted while running) and getting a CPU.
//
// sched_wakeup/sched_wakeup_new and a preempted sched_switch's prev stamp the
// start by tid; the sched_switch that picks the task computes the wait and
// adds it to the task's log2 histogram in the kernel (no per-event traffic to
// user space unless --slow-log).
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sched_abi.h"
#include "views_tree.bpf.h"
#include "views_cgroup.bpf.h"

const volatile __u64 min_ns = 0;       // --min-ms: shorter waits are not counted
const volatile __u8 filter_pids = 0;   // only tgids in `traced` (whyfail sched -- CMD)
const volatile __u8 slow_log = 0;

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 20);
} rb SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);
  __type(key, __u32);
  __type(value, __u8);
} traced SEC(".maps");

// When each task became runnable, by tid. (Task-local storage was tried: its
// lookups from tracing programs give up when the CPU's storage lock is busy,
// and the sched test then missed about one wait in 150.)
struct start_val {
  __u64 ns;
  __u32 preempted;
  __u32 pad;
};
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16384);  // one per live task that has waited (deleted at its exit)
  __type(key, __u32);
  __type(value, struct start_val);
} start SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);
  __type(key, struct wf_sched_key);
  __type(value, struct wf_sched_hist);
} hists SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WF_SCHED_CNT_MAX);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which) {
  __u64 *c = bpf_map_lookup_elem(&counters, &which);
  if (c) *c += 1;
}

static __always_inline bool wanted(struct task_struct *t) {
  if (filter_pids) {
    __u32 tgid = BPF_CORE_READ(t, tgid);
    if (!bpf_map_lookup_elem(&traced, &tgid)) return false;
  }
  return views_task_in_cgroup(t);
}

// A task's entry is created once and then written in place (an update
// allocates and frees a hash element each time); ns == 0 marks it consumed.
// sched_process_exit deletes it.
static __always_inline void stamp(struct task_struct *t, __u32 preempted) {
  __u32 pid = t->pid;
  if (!pid || !wanted(t)) return;  // pid 0: the idle task
  __u64 now = bpf_ktime_get_ns();
  struct start_val *s = bpf_map_lookup_elem(&start, &pid);
  if (s) {
    s->ns = now;
    s->preempted = preempted;
    return;
  }
  struct start_val v = {.ns = now, .preempted = preempted};
  if (bpf_map_update_elem(&start, &pid, &v, BPF_ANY)) count(WF_SCHED_CNT_NOSTART);
}

// sched_waking fires on every try_to_wake_up(); sched_wakeup, later and more
// precise, is skipped on some paths (a task still queued after a delayed
// dequeue is requeued without it on some kernels): stamp at waking, refine at wakeup.
SEC("tp_btf/sched_waking")
int BPF_PROG(sched_waking, struct task_struct *p) {
  stamp(p, 0);
  return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p) {
  stamp(p, 0);
  return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p) {
  stamp(p, 0);
  return 0;
}

static __always_inline __u32 log2_us(__u64 ns) {
  __u64 us = ns / 1000;
  __u32 k = 0;
  for (int i = 0; i < WF_SCHED_SLOTS - 1; ++i) {
    if (us <= 1) break;
    us >>= 1;
    ++k;
  }
  return k;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state) {
  // A task switched out while still runnable (TASK_RUNNING == 0) waits again from now.
  if (prev_state == 0) stamp(prev, 1);
  __u32 pid = next->pid;
  if (!pid) return 0;
  struct start_val *s = bpf_map_lookup_elem(&start, &pid);
  if (!s || !s->ns) return 0;
  __u64 now = bpf_ktime_get_ns();
  __u64 wait = now - s->ns;
  __u32 preempted = s->preempted;
  s->ns = 0;  // consumed
  if (wait < min_ns) return 0;
  struct wf_sched_key k = {};
  k.pid = pid;
  k.tgid = next->tgid;
  // Plain loads through the typed pointer (comm is NUL-padded by the kernel):
  // no helper call per switch.
  __builtin_memcpy(k.comm, next->comm, sizeof k.comm);
  struct wf_sched_hist *h = bpf_map_lookup_elem(&hists, &k);
  if (!h) {
    struct wf_sched_hist zero = {};
    if (bpf_map_update_elem(&hists, &k, &zero, BPF_NOEXIST) && bpf_map_lookup_elem(&hists, &k) == NULL) {
      count(WF_SCHED_CNT_NOHIST);
      return 0;
    }
    h = bpf_map_lookup_elem(&hists, &k);
    if (!h) return 0;
  }
  __u32 slot = log2_us(wait);
  if (slot >= WF_SCHED_SLOTS) slot = WF_SCHED_SLOTS - 1;
  __sync_fetch_and_add(&h->slots[slot], 1);
  __sync_fetch_and_add(&h->count, 1);
  __sync_fetch_and_add(&h->total_ns, wait);
  if (wait > h->max_ns) h->max_ns = wait;  // racy by design: a max, not a sum
  if (slow_log) {
    struct wf_sched_slow *r = bpf_ringbuf_reserve(&rb, sizeof *r, 0);
    if (!r) {
      count(WF_SCHED_CNT_LOST);
      return 0;
    }
    r->ts_ns = now;
    r->wait_ns = wait;
    r->pid = pid;
    r->tgid = k.tgid;
    r->prev_pid = prev->pid;
    r->prev_tgid = prev->tgid;
    r->cpu = bpf_get_smp_processor_id();
    r->preempted = preempted;
    __builtin_memcpy(r->comm, k.comm, sizeof r->comm);
    BPF_CORE_READ_STR_INTO(&r->prev_comm, prev, comm);
    bpf_ringbuf_submit(r, 0);
  }
  return 0;
}

// A task's start entry goes with it (entries are reused, not deleted, per wait).
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *p) {
  __u32 pid = p->pid;
  bpf_map_delete_elem(&start, &pid);
  return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_fork, struct task_struct *parent, struct task_struct *child) {
  if (filter_pids) views_follow_fork(&traced, parent, child);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
