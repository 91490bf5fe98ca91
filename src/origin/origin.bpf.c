// SPDX-License-Identifier: GPL-2.0
/* origin.bpf.c: speculative recording of kernel function returns inside the
 * syscalls of traced threads, committed only when the syscall fails.
 *
 * sys_enter opens a per-thread record, every attached function return
 * appends (function, value, stack depth) to it, sys_exit sends it to user
 * space if the syscall failed and forgets it otherwise. The return programs
 * are templates: user space loads one copy of on_fexit per target function
 * (fexit needs a BTF id per program) or attaches on_kretprobe many times with
 * the function address as the cookie. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "origin_abi.h"

char LICENSE[] SEC("license") = "GPL";

/* x86_64 THREAD_SIZE without KASAN (Debian's kernels): 16 KiB. */
#define WF_THREAD_SIZE (16 * 1024)

const volatile struct wf_origin_config cfg = {};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u32);   /* tgid */
  __type(value, __u8);
} traced_tgids SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1024);
  __type(key, __u32);   /* syscall nr */
  __type(value, __u8);
} traced_syscalls SEC(".maps");

/* tid -> its open record. Preallocated: no allocation in tracing context. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);
  __type(value, struct wf_origin_record);
} records SEC(".maps");

/* A zeroed record to create a thread's slot from (too big for the BPF stack). */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wf_origin_record);
} blank SEC(".maps");

/* syscall nr -> its last successful invocation in a traced process, so that
 * a failing one can be compared with it (where did they part?). A hash, not
 * an array: only the syscalls that ran take memory. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 128);
  __type(key, __u32);
  __type(value, struct wf_origin_record);
} last_success SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WF_ORIGIN_CNT_MAX);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4 * 1024 * 1024);
} failures SEC(".maps");

static __always_inline void count(__u32 which) {
  __u64 *c = bpf_map_lookup_elem(&counters, &which);
  if (c) *c += 1;
}

static __always_inline int tgid_traced(__u32 tgid) {
  return bpf_map_lookup_elem(&traced_tgids, &tgid) != 0;
}

SEC("raw_tracepoint/sys_enter")
int on_enter(struct bpf_raw_tracepoint_args *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  __u32 tgid = id >> 32, tid = (__u32)id;
  if (!tgid_traced(tgid)) return 0;
  __u32 nr = (__u32)ctx->args[1];
  if (!cfg.all_syscalls) {
    __u8 *on = bpf_map_lookup_elem(&traced_syscalls, &nr);
    if (!on || !*on) return 0;
  }
  struct wf_origin_record *r = bpf_map_lookup_elem(&records, &tid);
  if (!r) {
    __u32 zero = 0;
    struct wf_origin_record *b = bpf_map_lookup_elem(&blank, &zero);
    if (!b) return 0;
    bpf_map_update_elem(&records, &tid, b, BPF_NOEXIST);
    r = bpf_map_lookup_elem(&records, &tid);
    if (!r) {
      count(WF_ORIGIN_CNT_NO_STATE);
      return 0;
    }
  }
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  __u64 stack = (__u64)BPF_CORE_READ(task, stack);
  r->pid = tgid;
  r->tid = tid;
  r->nr = (__s32)nr;
  r->ret = 0;
  r->count = 0;
  r->dropped = 0;
  r->stack_lo = stack;
  r->stack_hi = stack + WF_THREAD_SIZE;
  r->enter_ns = bpf_ktime_get_ns();
  r->exit_ns = 0;
  r->active = 1;
  return 0;
}

SEC("raw_tracepoint/sys_exit")
int on_exit(struct bpf_raw_tracepoint_args *ctx) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  struct wf_origin_record *r = bpf_map_lookup_elem(&records, &tid);
  if (!r || !r->active) return 0;
  r->active = 0;
  __s64 ret = (__s64)ctx->args[1];
  int failed = ret < 0 && ret >= -4095;
  if (failed && cfg.errno_filter && ret != -(__s64)cfg.errno_filter) failed = 0;
  if (!failed) {
    count(WF_ORIGIN_CNT_DISCARDED);
    /* Keep it as this syscall's last success when it saw traced functions
     * (one copy per syscall number; the per-thread slot is reused next call). */
    if (r->count && ret >= 0) {
      __u32 nr = (__u32)r->nr;
      r->ret = ret;
      r->exit_ns = bpf_ktime_get_ns();
      if (bpf_map_update_elem(&last_success, &nr, r, BPF_ANY) == 0) count(WF_ORIGIN_CNT_SUCCESS_KEPT);
    }
    return 0;
  }
  r->ret = ret;
  r->exit_ns = bpf_ktime_get_ns();
  if (r->dropped) {
    __u32 which = WF_ORIGIN_CNT_RETS_DROPPED;
    __u64 *c = bpf_map_lookup_elem(&counters, &which);
    if (c) *c += r->dropped;
  }
  if (bpf_ringbuf_output(&failures, r, sizeof(*r), 0))
    count(WF_ORIGIN_CNT_RB_FULL);
  else
    count(WF_ORIGIN_CNT_COMMITTED);
  return 0;
}

/* Children of a traced process are traced too (the -f of strace). */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child) {
  if (!cfg.follow_forks) return 0;
  __u32 ptgid = parent->tgid, ctgid = child->tgid;
  if (ptgid == ctgid || !tgid_traced(ptgid)) return 0;
  __u8 one = 1;
  bpf_map_update_elem(&traced_tgids, &ctgid, &one, BPF_ANY);
  return 0;
}

/* A thread that ends frees its record slot (1024 threads at a time). */
SEC("raw_tracepoint/sched_process_exit")
int on_thread_exit(struct bpf_raw_tracepoint_args *ctx) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  bpf_map_delete_elem(&records, &tid);
  return 0;
}

/* Common to both return programs, and first in each: the thread's open
 * record, or null when the thread is not inside a traced syscall (every
 * other process on the machine: nothing else must run for them). */
static __always_inline struct wf_origin_record *open_record(void) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  struct wf_origin_record *r = bpf_map_lookup_elem(&records, &tid);
  return r && r->active ? r : 0;
}

static __always_inline void record_return(struct wf_origin_record *r, __u64 ip, __u64 ret, __u64 sp,
                                          __u64 caller) {
  /* An interrupt taken during the syscall runs on another stack: its
   * function returns are not the syscall's. */
  if (sp < r->stack_lo || sp >= r->stack_hi) {
    count(WF_ORIGIN_CNT_OFF_STACK);
    return;
  }
  __u32 i = r->count;
  if (i >= WF_ORIGIN_MAX_RETS) {
    r->dropped++;
    return;
  }
  r->rets[i].ip = ip;
  r->rets[i].ret = ret;
  r->rets[i].sp = sp;
  r->rets[i].caller = caller;
  r->count = i + 1;
}

/* Template: user space loads a copy per target function. The attach target
 * given here is only the placeholder libbpf needs to open the object. */
SEC("fexit/do_sys_openat2")
int on_fexit(void *ctx) {
  /* The thread check before the frame reads below: two probe reads on every
   * return of every process made an untraced process measurably slower. */
  struct wf_origin_record *r = open_record();
  if (!r) return 0;
  __u64 marker = 0;
  __u64 ret = 0;
  bpf_get_func_ret(ctx, &ret);
  /* The x86 trampoline's frame: ctx (the saved arguments) sits below the
   * saved return value, right under the trampoline's rbp; above rbp are the
   * return address into the function (its patched fentry call) and then the
   * function's own return address into its caller: the call site. */
  __u64 nargs = bpf_get_func_arg_cnt(ctx);
  /* The verifier refuses arithmetic on the ctx pointer: read its value back
   * from the stack as plain bytes to get a number to compute with. */
  volatile __u64 ctx_slot = (__u64)ctx;
  __u64 ctx_val = 0;
  bpf_probe_read_kernel(&ctx_val, sizeof ctx_val, (void *)&ctx_slot);
  __u64 rbp = ctx_val + nargs * 8 + 8;
  __u64 caller = 0;
  bpf_probe_read_kernel(&caller, sizeof caller, (void *)(rbp + 16));
  record_return(r, bpf_get_func_ip(ctx), ret, (__u64)&marker, caller);
  return 0;
}

/* Template for kernels without fexit: one program, attached as a kretprobe to
 * every target with the function address as the BPF cookie. */
SEC("kretprobe")
int on_kretprobe(struct pt_regs *ctx) {
  /* The kretprobe handler has put the real return address back into ip. */
  struct wf_origin_record *r = open_record();
  if (!r) return 0;
  record_return(r, bpf_get_attach_cookie(ctx), PT_REGS_RC(ctx), PT_REGS_SP(ctx), PT_REGS_IP(ctx));
  return 0;
}
