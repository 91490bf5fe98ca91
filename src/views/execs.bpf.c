// execs.bpf.c: every exec on the machine, successful or failed.
//
// sys_enter_execve(at) copies what the caller passed (file name, argv, comm,
// uid, cwd) into a per-thread slot while the caller's memory still exists;
// sched_process_exec completes the slot of a successful exec (comm after, the
// interpreter the kernel chose) and sys_exit_execve(at) completes a failed one
// (the return value). Each completed slot becomes one record: entry and exit
// are paired here, by thread, never in user space.
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "execs_abi.h"
#include "views_path.bpf.h"
#include "views_cgroup.bpf.h"

const volatile __u32 self_tgid = 0;  // whyfail itself
const volatile __u8 report_exits = 0;  // --tree

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 22);  // resized by the loader
} rb SEC(".maps");

// In-flight execs by tid. Not preallocated: each slot is ~23 KiB, and only
// execs between entry and exit hold one.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, __u32);
  __type(value, struct wf_exec_rec);
} inflight SEC(".maps");

// A zeroed record to create slots from (map values cannot live on the stack).
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wf_exec_rec);
} zero SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WF_EXEC_CNT_MAX);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which) {
  __u64 *c = bpf_map_lookup_elem(&counters, &which);
  if (c) *c += 1;
}

#define BOUND(v, max) \
  asm volatile("if %[r] <= %[m] goto +1; %[r] = %[m]" : [r] "+r"(v) : [m] "i"(max))

struct argv_walk {
  struct wf_exec_rec *r;
  __u64 uargv;
  __u32 len;
  __u32 n;
};

static long argv_step(__u32 i, struct argv_walk *c) {
  __u64 p = 0;
  if (bpf_probe_read_user(&p, sizeof p, (const void *)(c->uargv + (__u64)i * 8))) {
    c->r->flags |= WF_EXEC_ARGV_FAULT;
    return 1;
  }
  if (!p) return 1;
  c->r->argc = i + 1;
  // Past the kept strings, only count them.
  if (c->n >= WF_EXEC_MAX_ARGS || c->len >= WF_EXEC_ARGS_BYTES) {
    c->r->flags |= WF_EXEC_ARGS_TRUNCATED;
    return 0;
  }
  __u32 at = c->len;
  BOUND(at, WF_EXEC_ARGS_BYTES);
  long k = bpf_probe_read_user_str(&c->r->args[at], WF_EXEC_ARG_MAX, (const void *)p);
  if (k <= 0) {
    c->r->flags |= WF_EXEC_ARGV_FAULT;
    return 1;
  }
  if (k == WF_EXEC_ARG_MAX) c->r->flags |= WF_EXEC_ARG_CUT;
  if (at + (__u32)k > WF_EXEC_ARGS_BYTES) {
    // This string does not fit in the budget: drop it, keep counting.
    c->r->flags |= WF_EXEC_ARGS_TRUNCATED;
    c->len = WF_EXEC_ARGS_BYTES;
    return 0;
  }
  c->len = at + (__u32)k;
  c->n += 1;
  return 0;
}

static __always_inline int on_enter(__u64 ufilename, __u64 uargv, __s32 dfd, __u32 at_flags, __u32 is_at) {
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  __u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
  if (tgid == self_tgid) return 0;
  if (!views_current_in_cgroup()) return 0;
  __u32 z = 0;
  struct wf_exec_rec *init = bpf_map_lookup_elem(&zero, &z);
  if (!init) return 0;
  if (bpf_map_update_elem(&inflight, &tid, init, BPF_ANY)) {
    count(WF_EXEC_CNT_NOSLOT);
    return 0;
  }
  struct wf_exec_rec *r = bpf_map_lookup_elem(&inflight, &tid);
  if (!r) return 0;
  r->kind = WF_EXEC_KIND_EXEC;
  r->enter_ns = bpf_ktime_get_ns();
  r->pid = tgid;
  r->tid = tid;
  __u64 ug = bpf_get_current_uid_gid();
  r->uid = (__u32)ug;
  r->gid = ug >> 32;
  r->dfd = dfd;
  r->at_flags = at_flags;
  if (is_at) r->flags |= WF_EXEC_AT;
  bpf_get_current_comm(r->comm_before, sizeof r->comm_before);
  long n = bpf_probe_read_user_str(r->filename, sizeof r->filename, (const void *)ufilename);
  if (n <= 0) r->flags |= WF_EXEC_FILENAME_FAULT;
  else r->filename_len = (__u16)(n - 1);

  struct argv_walk c = {.r = r, .uargv = uargv};
  if (uargv) bpf_loop(WF_EXEC_COUNT_MAX, argv_step, &c, 0);
  r->args_len = c.len;
  r->nargs = c.n;

  struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
  struct fs_struct *fs = t->fs;
  if (fs) {
    __u8 trunc = 0;
    struct dentry *d = BPF_CORE_READ(fs, pwd.dentry);
    struct vfsmount *vm = BPF_CORE_READ(fs, pwd.mnt);
    r->cwd_len = walk_path((__u64)d, (__u64)vm, r->cwd, WF_EXEC_CWD_BYTES, WF_EXEC_CWD_DEPTH, &trunc);
    if (trunc) r->flags |= WF_EXEC_CWD_TRUNCATED;
  }
  return 0;
}

static __always_inline void emit(struct wf_exec_rec *r) {
  struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
  r->ppid = BPF_CORE_READ(t, real_parent, tgid);
  r->exit_ns = bpf_ktime_get_ns();
  __u64 size = __builtin_offsetof(struct wf_exec_rec, args) + r->args_len;
  BOUND(size, sizeof(struct wf_exec_rec));
  if (bpf_ringbuf_output(&rb, r, size, 0)) count(WF_EXEC_CNT_LOST);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int on_execve(struct trace_event_raw_sys_enter *ctx) {
  return on_enter(ctx->args[0], ctx->args[1], -100, 0, 0);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int on_execveat(struct trace_event_raw_sys_enter *ctx) {
  return on_enter(ctx->args[1], ctx->args[2], (__s32)ctx->args[0], (__u32)ctx->args[4], 1);
}

// A successful exec: the caller's thread may have been a non-leader, whose
// tid the kernel has just replaced by the tgid (old_pid is the caller's tid).
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) {
  __u32 tid = (__u32)old_pid;
  struct wf_exec_rec *r = bpf_map_lookup_elem(&inflight, &tid);
  if (!r) return 0;
  r->flags |= WF_EXEC_SUCCEEDED;
  r->ret = 0;
  bpf_get_current_comm(r->comm_after, sizeof r->comm_after);
  const char *interp = BPF_CORE_READ(bprm, interp);
  const char *file = BPF_CORE_READ(bprm, filename);
  if (interp && interp != file) {
    long n = bpf_probe_read_kernel_str(r->interp, sizeof r->interp, interp);
    if (n > 0) {
      r->interp_len = (__u16)(n - 1);
      r->flags |= WF_EXEC_SCRIPT;
    }
  }
  emit(r);
  bpf_map_delete_elem(&inflight, &tid);
  return 0;
}

static __always_inline int on_exit(long ret) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  struct wf_exec_rec *r = bpf_map_lookup_elem(&inflight, &tid);
  if (!r) return 0;
  if (ret < 0) {
    r->ret = (__s32)ret;
    bpf_get_current_comm(r->comm_after, sizeof r->comm_after);
    emit(r);
  }
  bpf_map_delete_elem(&inflight, &tid);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int on_execve_exit(struct trace_event_raw_sys_exit *ctx) { return on_exit(ctx->ret); }

SEC("tracepoint/syscalls/sys_exit_execveat")
int on_execveat_exit(struct trace_event_raw_sys_exit *ctx) { return on_exit(ctx->ret); }

// --tree: the end of every process (its last thread), with its wait status.
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *p, bool group_dead) {
  if (!report_exits || !group_dead) return 0;  // only the last thread ends the process
  if ((__u32)p->tgid == self_tgid) return 0;
  if (!views_current_in_cgroup()) return 0;  // the exiting task is the current one
  struct wf_exit_rec *r = bpf_ringbuf_reserve(&rb, sizeof *r, 0);
  if (!r) {
    count(WF_EXEC_CNT_LOST);
    return 0;
  }
  r->kind = WF_EXEC_KIND_EXIT;
  r->pid = p->tgid;
  r->ppid = BPF_CORE_READ(p, real_parent, tgid);
  r->exit_code = p->exit_code;
  r->start_ns = p->start_time;
  r->exit_ns = bpf_ktime_get_ns();
  BPF_CORE_READ_STR_INTO(&r->comm, p, comm);
  bpf_ringbuf_submit(r, 0);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
