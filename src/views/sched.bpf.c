// sched.bpf.c: run-queue latency, the time a task waited between becoming
// runnable (woken, or preempted while running) and getting a CPU.
//
// Two ways to know when the wait began, the loader picks one:
// - from the kernel's own accounting (CONFIG_SCHED_INFO and
//   CONFIG_FAIR_GROUP_SCHED, on in distribution kernels): a task's
//   sched_info.last_queued is the run-queue clock when it was queued (woken,
//   or switched out still runnable), and run_delay sums its queued time. The sched_switch that picks the task reads both: one
//   program per switch and nothing at wakeups.
// - stamps (kernels without it): sched_waking/sched_wakeup/sched_wakeup_new
//   and a preempted sched_switch's prev stamp the start by tid, and the
//   switch that picks the task reads the stamp.
// Either way the wait goes to the task's log2 histogram in the kernel (no
// per-event traffic to user space unless --slow-log).
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
const volatile __u8 from_sched_info = 0;  // the kernel keeps sched_info (CONFIG_SCHED_INFO)

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
    // A wakeup of a task still queued since a preemption does not restart its wait.
    if (!preempted && s->ns && s->preempted) return;
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

static __always_inline void task_key(struct wf_sched_key *k, struct task_struct *t) {
  k->pid = t->pid;
  k->tgid = t->tgid;
  // Two plain loads (comm is NUL-padded by the kernel): __builtin_memcpy of
  // the char array would be 16 byte loads and stores.
  __u64 *c = (__u64 *)k->comm;
  c[0] = *(__u64 *)&t->comm[0];
  c[1] = *(__u64 *)&t->comm[8];
}

// The task's histogram, created empty on its first switch in; NULL when the
// table is full (counted). A new entry starts its run_delay mark at `delay`.
static __always_inline struct wf_sched_hist *hist_of(struct wf_sched_key *k, __u64 delay) {
  struct wf_sched_hist *h = bpf_map_lookup_elem(&hists, k);
  if (h) return h;
  struct wf_sched_hist zero = {.seen_delay_ns = delay};
  if (bpf_map_update_elem(&hists, k, &zero, BPF_NOEXIST) && !bpf_map_lookup_elem(&hists, k)) {
    count(WF_SCHED_CNT_NOHIST);
    return NULL;
  }
  return bpf_map_lookup_elem(&hists, k);
}

// One wait into the histogram. Only the sched_switch that picks this task
// writes its entry, and a task is picked on one CPU at a time, so plain adds
// suffice (user space reads a snapshot either way).
static __always_inline void account(struct wf_sched_hist *h, struct wf_sched_key *k, __u64 wait, __u32 preempted,
                                    struct task_struct *prev) {
  if (wait < min_ns) return;
  __u32 slot = log2_us(wait);
  if (slot >= WF_SCHED_SLOTS) slot = WF_SCHED_SLOTS - 1;
  h->slots[slot] += 1;
  h->count += 1;
  h->total_ns += wait;
  if (wait > h->max_ns) h->max_ns = wait;
  if (!slow_log) return;
  struct wf_sched_slow *r = bpf_ringbuf_reserve(&rb, sizeof *r, 0);
  if (!r) {
    count(WF_SCHED_CNT_LOST);
    return;
  }
  r->ts_ns = bpf_ktime_get_ns();
  r->wait_ns = wait;
  r->pid = k->pid;
  r->tgid = k->tgid;
  r->prev_pid = prev->pid;
  r->prev_tgid = prev->tgid;
  r->cpu = bpf_get_smp_processor_id();
  r->preempted = preempted;
  __builtin_memcpy(r->comm, k->comm, sizeof r->comm);
  BPF_CORE_READ_STR_INTO(&r->prev_comm, prev, comm);
  bpf_ringbuf_submit(r, 0);
}

// The run queue's clock is sched_clock, read when the scheduler last updated
// it; __schedule() skips that update after a wakeup that preempts (the clock
// was just read for the wakeup), so at such a switch it is as old as the
// wakeup or a later tick, and a wait measured against it reads short (the
// kernel's own run_delay has this flaw). "Now" comes from
// bpf_ktime_get_ns() instead, moved into sched_clock's terms by the gap
// between the two clocks, kept per CPU: a switch's ktime - rq->clock is at
// least the true gap (the rq clock is never ahead), larger by how stale the
// clock is, so the smallest one seen is the estimate (off by the microsecond
// between the clock update and this program). The true gap drifts slowly
// (NTP steers the monotonic clock's rate, not sched_clock's), so the
// estimate may also rise, by at most 1/2048 (~500 ppm, NTP's limit) of the
// time since the last rise, and only at a switch away from a task that
// blocked: its __schedule() updated the clock (a skip needs a preempting
// wakeup first), where a switch after a preemption or from the idle task is
// the stale kind. The first switch seen on a CPU sets the estimate as it is.
// One cache line per CPU, indexed by CPU number (a plain array's look-up is
// inlined; a per-CPU array's is a helper call on older kernels).
struct clock_gap {
  __u64 gap;
  __u64 at;     // ktime of the last rise (or the first sample)
  __u64 fresh;  // switches with a fresh clock, to sample 1 in 16 of them
  __u64 pad[5];
};
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);  // the loader sets the number of possible CPUs
  __type(key, __u32);
  __type(value, struct clock_gap);
} clock_gaps SEC(".maps");

static __always_inline struct clock_gap *this_cpu_gap(void) {
  __u32 cpu = bpf_get_smp_processor_id();
  return bpf_map_lookup_elem(&clock_gaps, &cpu);
}

static __always_inline __u64 sched_clock_now(struct clock_gap *g, __u64 rq_clock, bool fresh_clock) {
  __u64 now = bpf_ktime_get_ns();
  if (!g || now < rq_clock) return rq_clock;
  __u64 seen = now - rq_clock;
  if (!g->at) {
    g->gap = seen;
    g->at = now;
  } else if (seen <= g->gap) {
    g->gap = seen;
  } else if (fresh_clock) {
    __u64 allowed = g->gap + ((now - g->at) >> 11);
    g->gap = seen < allowed ? seen : allowed;
    g->at = now;
  }
  return now - g->gap;
}

// From sched_info: the switch runs before the kernel accounts it
// (sched_info_switch() comes after the tracepoint), so next's last_queued is
// still the clock when it was queued and run_delay its earlier queued time.
// A task moved to another CPU while queued has the part before the move added
// to run_delay (and last_queued restarted on the new CPU): the entry keeps
// run_delay as the kernel will have it after this switch, and what run_delay
// gained beyond that mark by the next switch in belongs to that next wait,
// so a moved wait is counted whole, once.
static __always_inline void switch_by_sched_info(bool preempt, struct task_struct *prev, struct task_struct *next,
                                                 unsigned int prev_state) {
  if (preempt && prev_state != 0 && prev->pid) {
    // prev was preempted on its way to sleep (its state no longer
    // TASK_RUNNING): sched_info_depart() queues only running tasks, so the
    // kernel will not count this wait (nor will a later wakeup: prev is still
    // on the run queue). Rare; its start is kept in prev's entry.
    if (wanted(prev)) {
      struct wf_sched_key pk = {};
      task_key(&pk, prev);
      struct wf_sched_hist *ph = hist_of(&pk, prev->sched_info.run_delay);
      if (ph) {
        ph->preempted_asleep_ns = bpf_ktime_get_ns();
        ph->next_preempted = 1;
      }
    }
  } else if (slow_log && prev_state == 0 && prev->pid) {
    // Remember that prev's coming wait starts with a preemption (for the log only).
    struct wf_sched_key pk = {};
    task_key(&pk, prev);
    struct wf_sched_hist *ph = bpf_map_lookup_elem(&hists, &pk);
    if (ph) ph->next_preempted = 1;
  }
  if (!next->pid) {
    // The CPU goes idle after a task blocked: a fresh clock, a sample for
    // the gap (a mostly idle CPU has few others: its switches from idle
    // follow a wakeup and are the stale kind).
    if (prev_state != 0 && prev->pid) {
      struct rq *rq = prev->se.cfs_rq->rq;
      if (rq) sched_clock_now(this_cpu_gap(), rq->clock, true);
    }
    return;
  }
  if (!wanted(next)) return;
  // This CPU's run queue, for its clock (the one sched_info's stamps are in).
  // Not the `runqueues` per-CPU symbol: its address is only in kallsyms
  // with CONFIG_KALLSYMS_ALL. The task's fair-class queue points to its run
  // queue (CONFIG_FAIR_GROUP_SCHED; set for tasks of every class), and next
  // is on this CPU's.
  struct rq *rq = next->se.cfs_rq->rq;
  if (!rq) return;
  __u64 queued = next->sched_info.last_queued;
  __u64 earlier = next->sched_info.run_delay;
  struct wf_sched_key k = {};
  task_key(&k, next);
  struct wf_sched_hist *h = hist_of(&k, earlier);
  if (!h) return;
  // Queued time before a move; none for a new entry, or for a reused pid
  // under the same key (its run_delay is its own, below the mark).
  __u64 moved = earlier > h->seen_delay_ns ? earlier - h->seen_delay_ns : 0;
  __u64 asleep = h->preempted_asleep_ns;
  if (!queued && !moved && !asleep) return;  // picked without having been queued: no wait
  __u64 clock = rq->clock, wait = moved;
  if (asleep) {
    // Preempted on its way to sleep: the wait began then (a move meanwhile
    // added nothing to run_delay: it was not queued for sched_info).
    h->preempted_asleep_ns = 0;
    __u64 now = bpf_ktime_get_ns();
    if (now > asleep) wait += now - asleep;
  } else if (queued) {
    // After a task blocked the clock is fresh and is "now": no
    // bpf_ktime_get_ns() there (the largest single cost of this program,
    // ~60 of ~185 ns per run in bpf_stats on this VM); 1 in 16 such switches
    // still samples the gap. A clock equal to next's last_queued has not
    // moved since next was queued: stale for certain (a fork wakes the child
    // with a preemption request, and the parent then blocks in wait()).
    bool fresh = prev_state != 0 && prev->pid && clock != queued;
    struct clock_gap *g = this_cpu_gap();
    __u64 now = clock;
    if (!fresh || (g && (g->fresh++ & 15) == 0)) now = sched_clock_now(g, clock, fresh);
    if (now > queued) wait += now - queued;
  }
  h->seen_delay_ns = earlier + (queued && clock > queued ? clock - queued : 0);
  __u32 preempted = h->next_preempted;
  h->next_preempted = 0;
  account(h, &k, wait, preempted, prev);
}

static __always_inline void switch_by_stamps(bool preempt, struct task_struct *prev, struct task_struct *next,
                                             unsigned int prev_state) {
  // A task switched out while still runnable (TASK_RUNNING == 0), or
  // preempted on its way to sleep, waits again from now.
  if (prev_state == 0 || preempt) stamp(prev, 1);
  __u32 pid = next->pid;
  if (!pid) return;
  struct start_val *s = bpf_map_lookup_elem(&start, &pid);
  if (!s || !s->ns) return;
  __u64 wait = bpf_ktime_get_ns() - s->ns;
  __u32 preempted = s->preempted;
  s->ns = 0;  // consumed
  if (wait < min_ns) return;
  struct wf_sched_key k = {};
  task_key(&k, next);
  struct wf_sched_hist *h = hist_of(&k, 0);
  if (h) account(h, &k, wait, preempted, prev);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state) {
  if (from_sched_info)
    switch_by_sched_info(preempt, prev, next, prev_state);
  else
    switch_by_stamps(preempt, prev, next, prev_state);
  return 0;
}

// A task's start entry goes with it (entries are reused, not deleted, per
// wait); so does a histogram that only kept its run_delay mark (no wait long
// enough for --min-ms).
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *p) {
  if (from_sched_info) {
    struct wf_sched_key k = {};
    task_key(&k, p);
    struct wf_sched_hist *h = bpf_map_lookup_elem(&hists, &k);
    if (h && !h->count) bpf_map_delete_elem(&hists, &k);
    else if (h) h->preempted_asleep_ns = 0;  // not a start for a task reusing the pid
    return 0;
  }
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
