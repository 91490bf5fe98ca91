// syscalls.bpf.c: report the syscalls worth reporting, decided in the kernel.
//
// One tp_btf program on sys_exit does the work: at exit the saved user
// registers (pt_regs) still hold the arguments and input strings are still in
// the caller's memory, so no sys_enter hook is needed except for execve,
// whose registers and memory are gone after a successful exec (on_sys_enter,
// loaded only when successful calls are reported). Filters run cheapest
// first: tgid in the traced set, syscall in the set, failed, errno, comm, uid.
// The sched_process_{fork,exec,exit} programs follow the process tree;
// sched_process_exit also reports exit/exit_group, which never reach sys_exit.
// signal_deliver and signal_generate report signals as a ptrace tracer sees them.
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "syscalls_abi.h"

// Set by the loader before load (they become verifier constants).
const volatile __u8 filter_pids = 1;   // only tgids in `traced`
const volatile __u8 follow_forks = 1;  // add children of traced processes to `traced`
const volatile __u8 only_failures = 1; // successful calls only when their rule says ALWAYS
const volatile __u8 filter_errno = 0;
const volatile __u8 filter_comm = 0;
const volatile __u8 filter_uid = 0;
const volatile __u8 user_stacks = 0;
const volatile __u8 use_stash = 0;
const volatile __u32 self_tgid = 0;     // whyfail itself: never reported system-wide
const volatile __u64 wakeup_bytes = 0;  // wake the reader once this much is pending
const volatile __u64 wakeup_check_mask = 0;  // sys_exit checks the fill level every (mask + 1) runs
// Stamp syscall records with bpf_ktime_get_ns(). Off when nothing shows or
// exports the times: on this project's VM the clock read costs more than
// the rest of a record (kvm-clock through a paravirtual clocksource).
const volatile __u8 timestamps = 1;
// The first traced process (the launched command, or the first -p pid),
// compared before the `traced` hash is looked up: its syscalls, usually most
// of them, skip the hash. Also in the hash (which says when the run ends).
// Set by the loader before attach, reset when that process exits. -1: none.
__u32 root_tgid = (__u32)-1;

// x86_64 syscall numbers and kernel constants these programs test for.
#define NR_RT_SIGRETURN 15
#define NR_EXIT 60
#define NR_EXIT_GROUP 231
#define SIGKILL_BIT (1ul << (9 - 1))  // SIGKILL in a sigset_t word
#define SIGNAL_GROUP_EXIT 0x4         // signal_struct.flags (include/linux/sched/signal.h)
#define SI_USER 0
#define SI_KERNEL 0x80

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 24);  // resized by the loader
} rb SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);
  __type(key, __u32);   // tgid
  __type(value, __u8);
} traced SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, WF_MAX_SYSCALLS);
  __type(key, __u32);
  __type(value, struct wf_rule);
} rules SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, WF_MAX_ERRNO);
  __type(key, __u32);
  __type(value, __u8);
} errnos SEC(".maps");

struct comm_key { char c[WF_COMM_LEN]; };
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, struct comm_key);
  __type(value, __u8);
} comms SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u8);
} uids SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WF_CNT_MAX);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

// A record is built here, then copied to the ring buffer at its real size
// (bpf_ringbuf_reserve needs a constant size; most records are far smaller
// than the largest one).
struct scratch {
  struct wf_syscall_rec rec;
  __u8 data[WF_DATA_SIZE];
};
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 2);  // 0: sys_exit, 1: sys_enter (never share one between programs)
  __type(key, __u32);
  __type(value, struct scratch);
} scratch_map SEC(".maps");

// execve/execveat: args and entry captures, per thread, from sys_enter to sys_exit.
struct stash {
  __u64 enter_ns;
  __u64 args[6];
  __u32 nr;
  __u16 ncaps;
  __u16 used;
  __u8 data[WF_DATA_HALF];
};
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, __u32);  // tid
  __type(value, struct stash);
} stashes SEC(".maps");

// The thread a fatal signal without handler was reported on (signal_generate),
// per process: the kernel turned it into SIGKILL for every thread, but under
// ptrace this one thread would have returned from its call and seen the
// signal, so its call is reported as finished (see `dying` in on_sys_exit).
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);   // tgid
  __type(value, __u32); // tid
} fatal_tid SEC(".maps");

static __always_inline __u64 count(__u32 which) {
  __u64 *c = bpf_map_lookup_elem(&counters, &which);
  if (!c) return 0;
  return ++*c;  // per-CPU: no atomic needed
}

static __always_inline bool is_traced(__u32 tgid) {
  if (filter_pids) return tgid == root_tgid || bpf_map_lookup_elem(&traced, &tgid) != NULL;
  return tgid != self_tgid;
}

static __always_inline bool passes_task_filters(void) {
  if (filter_comm) {
    struct comm_key k = {};
    bpf_get_current_comm(k.c, sizeof k.c);
    if (!bpf_map_lookup_elem(&comms, &k)) return false;
  }
  if (filter_uid) {
    __u32 uid = (__u32)bpf_get_current_uid_gid();
    if (!bpf_map_lookup_elem(&uids, &uid)) return false;
  }
  return true;
}

static __always_inline __u64 rb_flags(void) {
  // No wakeup per record (each costs an irq_work in the tracee's context):
  // the reader polls on a short timeout, and is woken only when the ring
  // fills up faster than that.
  if (bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= wakeup_bytes) return BPF_RB_FORCE_WAKEUP;
  return BPF_RB_NO_WAKEUP;
}

// Keep `v` provably below `max` for the verifier, whatever clang does with it.
// (a plain C min() may be compiled into a form the verifier cannot follow).
#define BOUND(v, max) \
  asm volatile("if %[r] <= %[m] goto +1; %[r] = %[m]" : [r] "+r"(v) : [m] "i"(max))

// --- captures ---------------------------------------------------------------
//
// A capture is written at data[off]: a wf_cap_hdr, `len` bytes, `nparts` u16
// element ends, padded to 8. off stays below WF_DATA_HALF, one capture below
// WF_CAP_MAX + the header and parts, so data never overflows.


static __always_inline __u32 cap_cstring(__u8 *dst, __u64 uptr, __u32 limit, __u8 *flags) {
  // Read limit+1 characters: one more than kept tells a string of exactly
  // `limit` characters from a longer one.
  __u32 sz = limit + 2;
  BOUND(sz, WF_CAP_MAX + 2);
  long n = bpf_probe_read_user_str(dst, sz, (const void *)uptr);
  if (n <= 0) {
    *flags |= WF_CAPF_FAULT;
    return 0;
  }
  __u32 len = (__u32)n - 1;
  if (len > limit) {
    *flags |= WF_CAPF_TRUNCATED;
    len = limit;
  }
  return len;
}

static __always_inline __u32 cap_bytes(__u8 *dst, __u64 uptr, __u64 size, __u32 limit, __u8 *flags) {
  __u32 n = size > limit ? limit : (__u32)size;
  if (size > limit) *flags |= WF_CAPF_TRUNCATED;
  BOUND(n, WF_CAP_MAX);
  if (n == 0) return 0;
  if (bpf_probe_read_user(dst, n, (const void *)uptr)) {
    *flags |= WF_CAPF_FAULT;
    return 0;
  }
  return n;
}

struct user_iovec { __u64 base; __u64 len; };

// Array captures (iovec, argv) step through their elements with bpf_loop():
// the verifier checks one step once instead of every unrolled iteration.
struct arr_ctx {
  struct scratch *s;
  __u64 uptr;     // the array in the tracee
  __u64 count;    // iovec: elements in the tracee
  __u64 budget;   // iovec: bytes still allowed
  __u32 base;     // where the capture's bytes start in s->data
  __u32 len;      // bytes captured so far
  __u32 limit;
  __u16 total;
  __u8 flags;
  __u8 nparts;
  __u16 ends[WF_MAX_ARGV];
};

static long iov_step(__u32 i, struct arr_ctx *c) {
  if (i >= c->count || i >= WF_MAX_IOV) return 1;
  struct user_iovec iov;
  if (bpf_probe_read_user(&iov, sizeof iov, (const void *)(c->uptr + i * sizeof iov))) {
    c->flags |= WF_CAPF_FAULT;
    return 1;
  }
  __u32 at = c->len;
  BOUND(at, WF_CAP_MAX);
  __u32 room = c->budget > at ? (__u32)(c->budget - at) : 0;
  __u32 n = iov.len > room ? room : (__u32)iov.len;
  if (iov.len > room) c->flags |= WF_CAPF_TRUNCATED;
  BOUND(n, WF_CAP_MAX);
  __u32 off = c->base + at;
  BOUND(off, WF_DATA_HALF + WF_CAP_MAX);
  if (n && bpf_probe_read_user(&c->s->data[off], n, (const void *)iov.base)) {
    c->flags |= WF_CAPF_FAULT;
    return 1;
  }
  c->len = at + n;
  __u64 k = i;
  BOUND(k, WF_MAX_ARGV - 1);
  c->ends[k] = (__u16)(at + n);
  c->nparts = i + 1;
  return 0;
}

static long argv_step(__u32 i, struct arr_ctx *c) {
  __u64 p = 0;
  if (bpf_probe_read_user(&p, sizeof p, (const void *)(c->uptr + i * 8))) {
    c->flags |= WF_CAPF_FAULT;
    return 1;
  }
  if (!p) return 1;
  c->total = i + 1;
  if (i >= WF_MAX_ARGV) {
    c->flags |= WF_CAPF_TRUNCATED;
    return 1;
  }
  __u32 at = c->len;
  BOUND(at, WF_CAP_MAX);
  // Each string up to `limit` (-s), all of them within WF_CAP_MAX.
  __u32 room = WF_CAP_MAX - at;
  if (room > c->limit) room = c->limit;
  if (!room) {
    c->flags |= WF_CAPF_TRUNCATED;
    return 1;
  }
  __u32 off = c->base + at;
  BOUND(off, WF_DATA_HALF + WF_CAP_MAX);
  __u8 f = 0;
  __u32 n = cap_cstring(&c->s->data[off], p, room, &f);
  c->flags |= f & WF_CAPF_TRUNCATED;
  c->len = at + n;
  __u64 k = i;
  BOUND(k, WF_MAX_ARGV - 1);
  c->ends[k] = (__u16)(at + n);
  c->nparts = i + 1;
  return 0;
}

// A global (not inlined) function: the verifier checks it once, not once per
// call site and loop iteration, which keeps sys_exit far below its limits.
// Returns the new data offset.
__noinline int cap_one(struct scratch *s, const struct wf_cap_rule *r, __u32 off, __s64 ret) {
  if (!s || !r) return off;
  BOUND(off, WF_DATA_HALF - 8);
  struct wf_cap_hdr *ch = (struct wf_cap_hdr *)&s->data[off];
  __u8 *dst = &s->data[off + sizeof(*ch)];
  __u8 arg = r->arg;
  if (arg > 5) return off;
  __u64 uptr = s->rec.args[arg];
  __u8 la = r->len_arg;
  __u64 lenv = la < 6 ? s->rec.args[la] : 0;
  __u32 limit = r->limit;
  BOUND(limit, WF_CAP_MAX);
  __u8 flags = 0, nparts = 0;
  __u16 total = 0;
  __u32 len = 0;
  // A NULL pointer is read like any other: it faults (fault flag, no bytes),
  // except where the length is 0, as in the ptrace backend.
  switch (r->kind) {
    case WF_CAP_CSTRING:
      len = cap_cstring(dst, uptr, limit, &flags);
      if (flags & WF_CAPF_TRUNCATED) count(WF_CNT_TRUNCATED);
      break;
    case WF_CAP_BUFFER: {
      __u64 size = 0;
      if (r->size_from == WF_SIZE_ARG) size = lenv * (r->elem_size ? r->elem_size : 1);
      else if (r->size_from == WF_SIZE_RET) size = ret > 0 ? (__u64)ret : 0;
      len = cap_bytes(dst, uptr, size, limit, &flags);
      break;
    }
    case WF_CAP_STRUCT:
      len = cap_bytes(dst, uptr, limit, limit, &flags);
      break;
    case WF_CAP_PERFATTR: {
      __u32 declared = 0;
      bpf_probe_read_user(&declared, sizeof declared, (const void *)(uptr + 4));
      if (declared == 0) declared = 64;  // PERF_ATTR_SIZE_VER0
      len = cap_bytes(dst, uptr, declared, limit, &flags);
      break;
    }
    case WF_CAP_SOCKADDR: {
      __u64 size = lenv;
      if (r->when == WF_WHEN_EXIT) {  // len_arg is a socklen_t * holding the length the kernel wrote
        __u32 sl = 0;
        if (!lenv || bpf_probe_read_user(&sl, sizeof sl, (const void *)lenv)) sl = 0;
        size = sl;
      }
      len = cap_bytes(dst, uptr, size, limit, &flags);
      break;
    }
    case WF_CAP_IOVEC:
    case WF_CAP_STRARRAY: {
      struct arr_ctx ac = {.s = s, .uptr = uptr, .base = off + sizeof(*ch), .limit = limit};
      if (r->kind == WF_CAP_IOVEC) {
        // Element contents, up to `limit` bytes over all elements (and at
        // most the return value for reads), element ends as parts.
        ac.budget = limit;
        if (r->size_from == WF_SIZE_RET) {
          if (ret <= 0) ac.budget = 0;
          else if ((__u64)ret < ac.budget) ac.budget = (__u64)ret;
        }
        ac.count = lenv;
        total = (__u16)(lenv > 0xffff ? 0xffff : lenv);
        bpf_loop(WF_MAX_IOV, iov_step, &ac, 0);
        if (lenv > WF_MAX_IOV) ac.flags |= WF_CAPF_TRUNCATED;
      } else {
        bpf_loop(WF_MAX_ARGV + 1, argv_step, &ac, 0);
        total = ac.total;
      }
      flags |= ac.flags;
      nparts = ac.nparts;
      len = ac.len;
      BOUND(len, WF_CAP_MAX);
      __builtin_memcpy(dst + len, ac.ends, sizeof ac.ends);  // only nparts of them count
      break;
    }
    default:
      return off;
  }
  ch->arg = arg;
  ch->flags = flags;
  ch->nparts = nparts;
  ch->pad = 0;
  ch->len = (__u16)len;
  ch->total = total;
  __u32 used = sizeof(*ch) + len + nparts * sizeof(__u16);
  s->rec.ncaps++;
  return off + ((used + 7) & ~7u);
}

// Captures of `rule` due at this point: at entry (entry == true) only the
// Entry ones; at exit the Entry ones (the memory is still there) unless
// `skip_entry`, and the Exit ones when the call succeeded.
static __always_inline __u32 capture(struct scratch *s, __u32 off, const struct wf_rule *rule,
                                     bool entry, bool skip_entry, bool failed, long ret) {
  for (int i = 0; i < WF_MAX_CAPS; i++) {
    if (i >= rule->ncaps) break;
    const struct wf_cap_rule *r = &rule->caps[i];
    if (r->when == WF_WHEN_ENTRY) {
      if (skip_entry) continue;
    } else if (entry) {
      continue;
    } else if (r->when == WF_WHEN_EXIT && failed) {
      continue;
    }
    if (off >= WF_DATA_HALF - 8) break;
    off = cap_one(s, r, off, ret);
  }
  return off;
}

static __always_inline void read_args(struct pt_regs *regs, __u64 *a) {
  a[0] = regs->di;
  a[1] = regs->si;
  a[2] = regs->dx;
  a[3] = regs->r10;
  a[4] = regs->r8;
  a[5] = regs->r9;
}

// --- programs ---------------------------------------------------------------

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id) {
  if (!use_stash) return 0;
  __u64 pt = bpf_get_current_pid_tgid();
  if (!is_traced(pt >> 32)) return 0;
  __u32 nr = (__u32)id;
  if (nr >= WF_MAX_SYSCALLS) return 0;
  struct wf_rule *rule = bpf_map_lookup_elem(&rules, &nr);
  if (!rule || !(rule->flags & WF_RULE_STASH) || !(rule->flags & WF_RULE_TRACED)) return 0;
  __u32 key = 1;
  struct scratch *s = bpf_map_lookup_elem(&scratch_map, &key);
  if (!s) return 0;
  read_args(regs, s->rec.args);
  s->rec.ncaps = 0;
  __u32 used = capture(s, 0, rule, true, false, false, 0);
  __u32 tid = (__u32)pt;
  struct stash *st;
  // A stash is too big for the BPF stack: insert an empty one, then fill it in place.
  static const struct stash zero = {};
  if (bpf_map_update_elem(&stashes, &tid, &zero, BPF_ANY)) {
    count(WF_CNT_STASH_FULL);
    return 0;
  }
  st = bpf_map_lookup_elem(&stashes, &tid);
  if (!st) return 0;
  st->enter_ns = bpf_ktime_get_ns();
  st->nr = nr;
  __builtin_memcpy(st->args, s->rec.args, sizeof st->args);
  st->ncaps = s->rec.ncaps;
  BOUND(used, WF_DATA_HALF);
  st->used = used;
  bpf_probe_read_kernel(st->data, used, s->data);
  return 0;
}

static __always_inline void *reserve_proc(__u32 size) {
  void *r = bpf_ringbuf_reserve(&rb, size, 0);
  if (!r) count(WF_CNT_RB_FULL_PROC);
  return r;
}

// A signal a thread sends itself and that is reported at generation (see
// on_signal_generate) is held until the call that sent it exits, so it comes
// after that call, where ptrace shows it. held_count keeps the look-up out of
// sys_exit while nothing is held (nearly always).
struct held_sig {
  __s32 sig;
  __s32 code;
  __u32 sender_pid;
  __u32 sender_uid;
};
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);  // tid
  __type(value, struct held_sig);
} held_sigs SEC(".maps");
__s32 held_count = 0;

static __always_inline void emit_signal(__u32 tgid, __u32 tid, const struct held_sig *h) {
  struct wf_signal_rec *r = reserve_proc(sizeof *r);
  if (!r) return;
  r->h.type = WF_REC_SIGNAL;
  r->h.size = sizeof *r;
  r->h.ts_ns = bpf_ktime_get_ns();
  r->pid = tgid;
  r->tid = tid;
  r->signo = h->sig;
  r->code = h->code;
  r->sender_pid = h->sender_pid;
  r->sender_uid = h->sender_uid;
  bpf_ringbuf_submit(r, rb_flags());
}

static __always_inline void flush_held(__u32 tgid, __u32 tid) {
  struct held_sig *h = bpf_map_lookup_elem(&held_sigs, &tid);
  if (!h) return;
  struct held_sig copy = *h;
  if (bpf_map_delete_elem(&held_sigs, &tid) == 0) __sync_fetch_and_add(&held_count, -1);  // clang 14: no fetch_and_sub for BPF
  emit_signal(tgid, tid, &copy);
}

static __always_inline int report_sys_exit(void *ctx, struct pt_regs *regs, long ret, __u64 pt);

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret) {
  __u64 pt = bpf_get_current_pid_tgid();
  if (!is_traced(pt >> 32)) return 0;
  report_sys_exit(ctx, regs, ret, pt);
  if (held_count) flush_held(pt >> 32, (__u32)pt);
  return 0;
}

static __always_inline int report_sys_exit(void *ctx, struct pt_regs *regs, long ret, __u64 pt) {
  __u32 tgid = pt >> 32;
  __u64 runs = count(WF_CNT_PROG_RUNS);
  // rt_sigreturn restores the interrupted context, orig_ax included, which
  // the kernel sets to -1 so the old call is not restarted: at a syscall exit
  // -1 can only mean rt_sigreturn (the ptrace backend relies on the same fact).
  bool sigreturn = (long)regs->orig_ax == -1;
  __u32 nr = sigreturn ? NR_RT_SIGRETURN : (__u32)regs->orig_ax;
  if (nr >= WF_MAX_SYSCALLS) return 0;
  struct wf_rule *rule = bpf_map_lookup_elem(&rules, &nr);
  if (!rule || !(rule->flags & WF_RULE_TRACED)) return 0;
  // A thread with SIGKILL pending (killed, or its process is exiting) dies
  // before it returns to user space: like ptrace, report the call as never
  // returned, whatever its result, and not as a failure (ERESTARTSYS...).
  struct task_struct *cur = bpf_get_current_task_btf();
  bool dying = (cur->pending.signal.sig[0] & SIGKILL_BIT) != 0;
  if (dying) {
    __u32 *ft = bpf_map_lookup_elem(&fatal_tid, &tgid);
    if (ft && *ft == (__u32)pt) dying = false;
  }
  bool failed = !dying && ret < 0 && ret >= -4095;
  if (!failed && !dying && only_failures && !(rule->flags & WF_RULE_ALWAYS)) return 0;
  if (dying && filter_errno) return 0;  // it has no errno
  if (failed && filter_errno) {
    __u32 e = (__u32)-ret;
    __u8 *want = bpf_map_lookup_elem(&errnos, &e);
    if (!want || !*want) return 0;
  }
  if (!passes_task_filters()) return 0;

  __u32 key = 0;
  struct scratch *s = bpf_map_lookup_elem(&scratch_map, &key);
  if (!s) return 0;
  s->rec.h.type = dying ? WF_REC_NOEXIT : WF_REC_SYSCALL;
  s->rec.h.ts_ns = timestamps ? bpf_ktime_get_ns() : 0;
  s->rec.pid = tgid;
  s->rec.tid = (__u32)pt;
  s->rec.ret = ret;
  s->rec.nr = nr;
  s->rec.ncaps = 0;
  s->rec.stack_bytes = 0;
  s->rec.stack_ids = 0;
  s->rec.enter_ns = 0;
  read_args(regs, s->rec.args);
  if (sigreturn) __builtin_memset(s->rec.args, 0, sizeof s->rec.args);  // the restored context's
  __u32 off = 0;

  bool stashed = false;
  if (use_stash && (rule->flags & WF_RULE_STASH)) {
    __u32 tid = (__u32)pt;
    struct stash *st = bpf_map_lookup_elem(&stashes, &tid);
    if (st && st->nr == nr) {
      __builtin_memcpy(s->rec.args, st->args, sizeof st->args);
      s->rec.enter_ns = st->enter_ns;
      __u32 used = st->used;
      BOUND(used, WF_DATA_HALF - 8);
      bpf_probe_read_kernel(s->data, used, st->data);
      s->rec.ncaps = st->ncaps;
      off = used;
      stashed = true;
    }
    if (st) bpf_map_delete_elem(&stashes, &tid);
  }
  // A dying call gets entry captures only, as an unfinished one under ptrace.
  off = capture(s, off, rule, false, stashed, failed || dying, ret);
  BOUND(off, WF_DATA_HALF);
  // -k: the stack of each reported call, as strace -k; in the default
  // failures-only mode not that of a successful write kept for its text.
  if (user_stacks && (failed || !only_failures)) {
    // The stack twice, walked the same way over the same unchanged user
    // memory: as addresses (what the process saw), and as (build-id, file
    // offset) pairs, which name the code even after the process is gone or
    // from another mount namespace. A frame whose build-id the kernel cannot
    // read here (page not in memory) comes back as its address (status IP).
    long n = bpf_get_stack(ctx, &s->data[off], WF_STACK_DEPTH * 8, BPF_F_USER_STACK);
    if (n > 0) {
      s->rec.stack_bytes = (__u16)n;
      off += (__u32)n;
      BOUND(off, WF_DATA_HALF + WF_STACK_DEPTH * 8);
      long m = bpf_get_stack(ctx, &s->data[off], WF_STACK_DEPTH * WF_STACK_ID_SIZE,
                             BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
      if (m > 0) {
        s->rec.stack_ids = (__u8)(m / WF_STACK_ID_SIZE);
        off += (__u32)m;
      }
    }
  }
  __u32 size = sizeof(s->rec) + off;
  BOUND(size, sizeof(*s));
  s->rec.h.size = size;
  // The fill level is read on every (wakeup_check_mask + 1)-th traced call
  // of this CPU: at most that many records land between two reads, a small
  // share of the three quarters of the ring left above the wakeup mark.
  __u64 flags = (runs & wakeup_check_mask) ? BPF_RB_NO_WAKEUP : rb_flags();
  if (bpf_ringbuf_output(&rb, s, size, flags)) count(WF_CNT_RB_FULL);
  return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child) {
  __u32 ptgid = parent->tgid;
  if (!is_traced(ptgid)) return 0;
  __u32 ctgid = child->tgid;
  bool thread = ctgid == ptgid;
  if (!thread) {
    if (!follow_forks) return 0;
    if (filter_pids) {
      __u8 one = 1;
      if (bpf_map_update_elem(&traced, &ctgid, &one, BPF_ANY)) count(WF_CNT_PIDMAP_FULL);
    }
  }
  if (!filter_pids && !passes_task_filters()) return 0;
  struct wf_fork_rec *r = reserve_proc(sizeof *r);
  if (!r) return 0;
  r->h.type = WF_REC_FORK;
  r->h.size = sizeof *r;
  r->h.ts_ns = bpf_ktime_get_ns();
  r->parent_pid = ptgid;
  r->parent_tid = parent->pid;
  r->child_pid = ctgid;
  r->child_tid = child->pid;
  r->is_thread = thread;
  r->pad = 0;
  bpf_ringbuf_submit(r, rb_flags());
  return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) {
  __u32 tgid = p->tgid;
  if (!is_traced(tgid)) return 0;
  if (!filter_pids && !passes_task_filters()) return 0;
  struct wf_exec_rec *r = reserve_proc(sizeof *r);
  if (!r) return 0;
  r->h.type = WF_REC_EXEC;
  r->h.size = sizeof *r;
  r->h.ts_ns = bpf_ktime_get_ns();
  r->pid = tgid;
  r->old_tid = old_pid;
  bpf_get_current_comm(r->comm, sizeof r->comm);
  if (bpf_probe_read_kernel_str(r->filename, sizeof r->filename, BPF_CORE_READ(bprm, filename)) < 0)
    r->filename[0] = 0;
  bpf_ringbuf_submit(r, rb_flags());
  return 0;
}

// exit and exit_group never return, so sys_exit never sees them. Rather than
// a sys_enter hook (it would run on every syscall of the machine), read the
// exiting thread's saved user registers here: orig_ax still holds the number
// of the last syscall it entered, and only exit/exit_group end a thread from
// inside a syscall without returning. A thread killed by a signal has another
// number there (the call it was in, already reported as NOEXIT at sys_exit),
// or -1 / an exception's error code; a kill exit_code rules those out.
static __always_inline void report_exit_call(struct task_struct *p, __u32 tgid) {
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
  if (!regs) return;
  __u64 onr = regs->orig_ax;
  if (onr != NR_EXIT && onr != NR_EXIT_GROUP) return;
  if (p->exit_code & 0x7f) return;  // killed: not (only) its own exit
  __u32 nr = (__u32)onr;
  struct wf_rule *rule = bpf_map_lookup_elem(&rules, &nr);
  if (!rule || !(rule->flags & WF_RULE_TRACED)) return;
  if (filter_errno) return;  // it has no errno
  // No captures (neither call has a pointer argument): reserved in place.
  struct wf_syscall_rec *r = bpf_ringbuf_reserve(&rb, sizeof *r, 0);
  if (!r) {
    count(WF_CNT_RB_FULL);
    return;
  }
  r->h.type = WF_REC_NOEXIT;
  r->h.size = sizeof *r;
  r->h.ts_ns = bpf_ktime_get_ns();
  r->pid = tgid;
  r->tid = p->pid;
  r->ret = 0;
  read_args(regs, r->args);
  r->enter_ns = 0;
  r->nr = nr;
  r->ncaps = 0;
  r->stack_bytes = 0;
  r->stack_ids = 0;
  bpf_ringbuf_submit(r, rb_flags());
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p) {
  __u32 tgid = p->tgid;
  if (!is_traced(tgid)) return 0;
  // do_exit() decrements signal->live before this tracepoint: 0 = last thread.
  bool group_dead = BPF_CORE_READ(p, signal, live.counter) == 0;
  if (held_count) flush_held(tgid, p->pid);  // never lost: its call did not exit
  if (filter_pids || passes_task_filters()) {
    report_exit_call(p, tgid);
    struct wf_exit_rec *r = reserve_proc(sizeof *r);
    if (r) {
      r->h.type = WF_REC_EXIT;
      r->h.size = sizeof *r;
      r->h.ts_ns = bpf_ktime_get_ns();
      r->pid = tgid;
      r->tid = p->pid;
      r->exit_code = p->exit_code;
      r->group_dead = group_dead;
      bpf_ringbuf_submit(r, rb_flags());
    }
  }
  // Submitted before removal: once the loader sees the set empty, every
  // record of the process is already in the ring buffer.
  if (group_dead && filter_pids) bpf_map_delete_elem(&traced, &tgid);
  if (group_dead && tgid == root_tgid) root_tgid = (__u32)-1;
  if (group_dead) bpf_map_delete_elem(&fatal_tid, &tgid);
  if (use_stash) {
    __u32 tid = p->pid;
    bpf_map_delete_elem(&stashes, &tid);
  }
  return 0;
}

// --- signals ------------------------------------------------------------------
//
// A ptrace tracer sees every signal at delivery (except SIGKILL). Without
// ptrace the kernel takes two short cuts this must make up for: a signal the
// target ignores (SIG_IGN, or SIG_DFL of SIGCHLD/SIGWINCH/SIGURG/SIGCONT) is
// dropped at generation, and a fatal one without a handler (SIGTERM, SIGINT...)
// becomes a group SIGKILL at generation. signal_generate reports those two,
// signal_deliver everything that is really delivered.

// --comm/--uid of `t` (signal_generate runs in the sender's context).
static __always_inline bool passes_filters_of(struct task_struct *t) {
  if (filter_comm) {
    struct comm_key k = {};
    bpf_probe_read_kernel_str(k.c, sizeof k.c, t->comm);
    if (!bpf_map_lookup_elem(&comms, &k)) return false;
  }
  if (filter_uid) {
    __u32 uid = BPF_CORE_READ(t, cred, uid.val);
    if (!bpf_map_lookup_elem(&uids, &uid)) return false;
  }
  return true;
}

// `held`: the sender is the target, inside a call that can signal itself
// (see held_sigs): the record waits for that call's sys_exit.
static __always_inline void submit_signal(__u32 tgid, __u32 tid, int sig, struct kernel_siginfo *info,
                                          bool held) {
  struct held_sig h = {.sig = sig};
  // SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are not pointers: the kernel
  // fills in SI_USER from the sender, or SI_KERNEL.
  if ((unsigned long)info == 0) {
    h.code = SI_USER;
    h.sender_pid = bpf_get_current_pid_tgid() >> 32;
    h.sender_uid = (__u32)bpf_get_current_uid_gid();
  } else if ((unsigned long)info == 1) {
    h.code = SI_KERNEL;
  } else {
    h.code = BPF_CORE_READ(info, si_code);
    h.sender_pid = BPF_CORE_READ(info, _sifields._kill._pid);
    h.sender_uid = BPF_CORE_READ(info, _sifields._kill._uid);
  }
  if (held && bpf_map_update_elem(&held_sigs, &tid, &h, BPF_NOEXIST) == 0) {
    __sync_fetch_and_add(&held_count, 1);
    return;
  }
  emit_signal(tgid, tid, &h);  // or the map is full / one is already held: now
}

// Inside a call through which a thread can signal itself: kill and its
// relatives, or a write that raises SIGPIPE / SIGXFSZ.
static __always_inline bool self_signal_call(struct task_struct *t, int sig) {
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
  if (!regs) return false;
  long nr = (long)regs->orig_ax;
  if (nr < 0) return false;
  if (sig == 13 || sig == 25) return true;  // SIGPIPE, SIGXFSZ: sent by the write path to current
  return nr == 62 || nr == 200 || nr == 234 || nr == 129 || nr == 297 || nr == 424;
  // kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(on_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka) {
  if (sig == 9) return 0;  // SIGKILL: ptrace never shows it; the exit record does
  __u64 pt = bpf_get_current_pid_tgid();
  __u32 tgid = pt >> 32;
  if (!is_traced(tgid) || !passes_task_filters()) return 0;
  submit_signal(tgid, (__u32)pt, sig, info, false);
  return 0;
}

// raw_tp, not tp_btf: `info` may be SEND_SIG_NOINFO (NULL) or SEND_SIG_PRIV
// (1), which under tp_btf the verifier takes for a valid pointer (the tests
// of submit_signal would be dropped as dead code). So every field is read
// with BPF_CORE_READ here.
SEC("raw_tp/signal_generate")
int BPF_PROG(on_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
             int group, int result) {
  if (sig == 9) return 0;
  if (result != TRACE_SIGNAL_IGNORED && result != TRACE_SIGNAL_DELIVERED) return 0;
  __u32 tgid = BPF_CORE_READ(task, tgid);
  if (!is_traced(tgid)) return 0;
  unsigned int flags = BPF_CORE_READ(task, signal, flags);
  if (result == TRACE_SIGNAL_IGNORED) {
    // Also "ignored": anything sent to a process already exiting, which a
    // ptrace tracer does not see either.
    if (flags & SIGNAL_GROUP_EXIT) return 0;
  } else {
    // Delivered, and this very signal just started a group exit: the fatal
    // short cut (complete_signal); its delivery will be a SIGKILL.
    if (!(flags & SIGNAL_GROUP_EXIT) || BPF_CORE_READ(task, signal, group_exit_code) != sig) return 0;
    __u32 tid = BPF_CORE_READ(task, pid);
    bpf_map_update_elem(&fatal_tid, &tgid, &tid, BPF_ANY);
  }
  if (!passes_filters_of(task)) return 0;
  __u32 tid = BPF_CORE_READ(task, pid);
  // The sender is the target: `task` is current, whose registers tell the call.
  bool self = tid == (__u32)bpf_get_current_pid_tgid() && self_signal_call(bpf_get_current_task_btf(), sig);
  submit_signal(tgid, tid, sig, info, self);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
