/* origin_abi.h: the records shared by origin.bpf.c and origin_loader.cpp.
 * C only, fixed-width types: it is compiled by clang -target bpf and by g++. */
#ifndef WHYFAIL_ORIGIN_ABI_H
#define WHYFAIL_ORIGIN_ABI_H

#ifdef __bpf__
typedef __u64 wf_u64;
typedef __s64 wf_s64;
typedef __u32 wf_u32;
typedef __s32 wf_s32;
#else
#include <stdint.h>
typedef uint64_t wf_u64;
typedef int64_t wf_s64;
typedef uint32_t wf_u32;
typedef int32_t wf_s32;
#endif

/* Function returns kept per syscall invocation. Bounded so that the per-thread
 * state and one ring-buffer record stay a few KiB; returns beyond it are
 * counted in `dropped`, never silently lost. */
#define WF_ORIGIN_MAX_RETS 384

/* One kernel function return seen inside a traced syscall. */
struct wf_origin_ret {
  wf_u64 ip;   /* the function's entry address (bpf_get_func_ip / kretprobe cookie) */
  wf_u64 ret;  /* raw return register; an int return has undefined upper bits */
  wf_u64 sp;   /* a stack address at the return: lower = deeper (rebuilds nesting) */
  wf_u64 caller; /* the return address into the caller (its call site), 0 when unknown */
};

/* The per-thread speculation buffer. Sent as is on the ring buffer when the
 * syscall fails; overwritten by the thread's next syscall otherwise. */
struct wf_origin_record {
  wf_u32 pid;       /* tgid */
  wf_u32 tid;
  wf_s32 nr;        /* syscall number */
  wf_u32 active;    /* inside a traced syscall */
  wf_s64 ret;       /* the syscall's return value */
  wf_u64 enter_ns;
  wf_u64 exit_ns;
  wf_u32 count;     /* valid entries in rets[] */
  wf_u32 dropped;   /* returns that did not fit */
  wf_u64 stack_lo;  /* the thread's kernel stack range: returns seen on another */
  wf_u64 stack_hi;  /* stack (interrupts) are not part of the syscall */
  struct wf_origin_ret rets[WF_ORIGIN_MAX_RETS];
};

/* Syscall numbers whose last successful invocation is kept (for the
 * divergence of a failing call from a successful one): x86_64 has < 512. */
#define WF_ORIGIN_MAX_NR 512

/* Global switches, written by user space before attaching. */
struct wf_origin_config {
  wf_u32 follow_forks;   /* children of a traced process are traced */
  wf_u32 all_syscalls;   /* ignore the syscall filter map */
  wf_s32 errno_filter;   /* commit only this errno (0: any failure) */
  wf_u32 pad;
};

/* Counters, one slot each in a per-CPU array. */
enum wf_origin_counter {
  WF_ORIGIN_CNT_COMMITTED = 0,  /* failing invocations sent */
  WF_ORIGIN_CNT_DISCARDED,      /* successful invocations dropped */
  WF_ORIGIN_CNT_RB_FULL,        /* failing invocations lost: ring buffer full */
  WF_ORIGIN_CNT_RETS_DROPPED,   /* returns beyond WF_ORIGIN_MAX_RETS */
  WF_ORIGIN_CNT_OFF_STACK,      /* returns ignored: not on the thread's stack (irq) */
  WF_ORIGIN_CNT_NO_STATE,       /* threads that could not get a state slot */
  WF_ORIGIN_CNT_SUCCESS_KEPT,   /* successful invocations kept as a syscall's last success */
  WF_ORIGIN_CNT_MAX
};

#endif
