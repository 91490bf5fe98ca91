/* sched_abi.h: run-queue latency histograms and slow-scheduling records,
 * shared by sched.bpf.c and sched_loader.cpp. C only, fixed-width types. */
#ifndef WHYFAIL_VIEWS_SCHED_ABI_H
#define WHYFAIL_VIEWS_SCHED_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define WF_SCHED_COMM_LEN 16
/* log2 slots of microseconds: slot k counts waits in [2^k, 2^(k+1)) us, slot 0 also < 1 us. */
#define WF_SCHED_SLOTS 32

struct wf_sched_key {
  __u32 pid;   /* the thread that waited (as the seed: per pid, like bpftrace's args->next_pid) */
  __u32 tgid;
  char comm[WF_SCHED_COMM_LEN];
};

struct wf_sched_hist {
  __u64 slots[WF_SCHED_SLOTS];
  __u64 count;
  __u64 total_ns;
  __u64 max_ns;
  /* Kernel-side bookkeeping (sched_info mode), not part of the histogram:
   * the task's run_delay after its last switch in; when it was preempted on
   * its way to sleep (bpf_ktime_get_ns(); sched_info does not queue it then);
   * whether its coming wait began with a preemption (for --slow-log). */
  __u64 seen_delay_ns;
  __u64 preempted_asleep_ns;
  __u32 next_preempted;
  __u32 pad;
};

/* --slow-log: one record per wait >= min_ns. */
struct wf_sched_slow {
  __u64 ts_ns;
  __u64 wait_ns;
  __u32 pid, tgid;
  __u32 prev_pid, prev_tgid;   /* the task leaving the CPU when the waiter got it */
  __u32 cpu;
  __u32 preempted;             /* the wait started by preemption, not a wakeup */
  char comm[WF_SCHED_COMM_LEN];
  char prev_comm[WF_SCHED_COMM_LEN];
};

enum wf_sched_counter {
  WF_SCHED_CNT_LOST = 0,       /* slow-log ring full */
  WF_SCHED_CNT_NOSTART = 1,    /* wakeup table full: a wait not measured */
  WF_SCHED_CNT_NOHIST = 2,     /* histogram table full */
  WF_SCHED_CNT_MAX = 3,
};

#endif
