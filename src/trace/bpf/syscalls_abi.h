/* syscalls_abi.h: the records and tables shared by syscalls.bpf.c and its
 * loader. C only, fixed-width types: the BPF side includes it after
 * vmlinux.h, the C++ side after <linux/types.h>. */
#ifndef WHYFAIL_TRACE_BPF_SYSCALLS_ABI_H
#define WHYFAIL_TRACE_BPF_SYSCALLS_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Syscall numbers the capture table covers (x86_64 ends at 462 today). */
#define WF_MAX_SYSCALLS 512
/* Captured arguments per syscall: paths and buffers of one call rarely need more. */
#define WF_MAX_CAPS 3
/* Bytes one capture may hold (paths and -s buffers are clamped to this). */
#define WF_CAP_MAX 512
/* Iovec elements whose contents are read (writev, readv ...). */
#define WF_MAX_IOV 8
/* Strings of a StringArray (execve argv) that are read. */
#define WF_MAX_ARGV 16
/* User stack depth for -k. */
#define WF_STACK_DEPTH 32
/* One frame of a BPF_F_USER_BUILD_ID stack: struct bpf_stack_build_id. */
#define WF_STACK_ID_SIZE 32
/* Data area of one record: captures at offsets < WF_DATA_HALF, each < WF_CAP_MAX + slack. */
#define WF_DATA_HALF 2048
#define WF_DATA_SIZE 4096
/* --comm / --uid filters. */
#define WF_COMM_LEN 16
#define WF_MAX_ERRNO 4096

/* Capture kinds (mirror sysent::CaptureKind, plus the element size for arrays). */
enum wf_cap_kind {
  WF_CAP_NONE = 0,
  WF_CAP_CSTRING = 1,
  WF_CAP_STRARRAY = 2,
  WF_CAP_BUFFER = 3,
  WF_CAP_IOVEC = 4,
  WF_CAP_STRUCT = 5,
  WF_CAP_SOCKADDR = 6,
  WF_CAP_PERFATTR = 7,
};

enum wf_cap_when { WF_WHEN_ENTRY = 0, WF_WHEN_EXIT = 1, WF_WHEN_BOTH = 2 };
enum wf_size_from { WF_SIZE_NONE = 0, WF_SIZE_ARG = 1, WF_SIZE_RET = 2 };

struct wf_cap_rule {
  __u8 arg;        /* which argument */
  __u8 kind;       /* enum wf_cap_kind */
  __u8 when;       /* enum wf_cap_when */
  __u8 size_from;  /* enum wf_size_from */
  __u8 len_arg;    /* argument holding the length (count for arrays), 0xff = none */
  __u8 elem_size;  /* bytes per element for Buffer sized by a count (pollfd: 8), else 1 */
  __u16 limit;     /* bytes to capture at most (already clamped to WF_CAP_MAX) */
};

/* Per syscall number: whether to report it, and what to capture. */
#define WF_RULE_TRACED 1u  /* in the -e trace= set */
#define WF_RULE_ALWAYS 2u  /* report even when it succeeds (write family: the program's error text) */
#define WF_RULE_STASH 4u   /* args and entry captures stashed at sys_enter (execve) */
struct wf_rule {
  __u8 flags;
  __u8 ncaps;
  __u8 pad[6];
  struct wf_cap_rule caps[WF_MAX_CAPS];
};

/* Record types on the ring buffer. */
enum wf_rec_type {
  WF_REC_SYSCALL = 1,
  WF_REC_FORK = 2,
  WF_REC_EXEC = 3,
  WF_REC_EXIT = 4,
  /* A wf_syscall_rec of a call that never returns: exit/exit_group (sent at
   * sched_process_exit), or a call its thread was killed in (a fatal signal
   * pending at sys_exit: the thread dies before user space sees the result). */
  WF_REC_NOEXIT = 5,
  WF_REC_SIGNAL = 6,  /* struct wf_signal_rec */
};

struct wf_rec_hdr {
  __u32 type;  /* enum wf_rec_type */
  __u32 size;  /* bytes of the whole record */
  __u64 ts_ns; /* bpf_ktime_get_ns: CLOCK_MONOTONIC */
};

/* Per capture, in the record after the fixed part. */
#define WF_CAPF_TRUNCATED 1u
#define WF_CAPF_FAULT 2u
struct wf_cap_hdr {
  __u8 arg;
  __u8 flags;
  __u8 nparts;     /* element boundaries following the bytes (iovec, argv) */
  __u8 pad;
  __u16 len;       /* bytes that follow (then nparts __u16 end offsets) */
  __u16 total;     /* elements in the tracee (iovcnt, argc counted up to WF_MAX_ARGV+1) */
};

struct wf_syscall_rec {
  struct wf_rec_hdr h;
  __u32 pid;
  __u32 tid;
  __s64 ret;
  __u64 args[6];
  __u64 enter_ns;  /* 0 when no sys_enter program ran */
  __u32 nr;
  __u8 ncaps;
  __u8 stack_ids;     /* -k: the same stack as struct bpf_stack_build_id entries, after the addresses */
  __u16 stack_bytes;  /* user stack (-k): return addresses, after the captures */
  /* then: ncaps x (struct wf_cap_hdr, bytes, u16 parts[], padded to 8), then the
   * stack's addresses, then its (build-id, file offset) entries */
};

struct wf_fork_rec {
  struct wf_rec_hdr h;
  __u32 parent_pid;
  __u32 parent_tid;
  __u32 child_pid;
  __u32 child_tid;
  __u32 is_thread;
  __u32 pad;
};

struct wf_exec_rec {
  struct wf_rec_hdr h;
  __u32 pid;
  __u32 old_tid;
  char comm[WF_COMM_LEN];
  char filename[256];
};

struct wf_exit_rec {
  struct wf_rec_hdr h;
  __u32 pid;
  __u32 tid;
  __u32 exit_code;   /* task->exit_code: (code << 8) | signal | 0x80 core */
  __u32 group_dead;  /* the last thread of the process */
};

/* A signal delivered to a traced thread (signal:signal_deliver), or one the
 * kernel discarded or turned into a group kill at generation without ptrace
 * but that a ptrace tracer would see delivered (signal:signal_generate). */
struct wf_signal_rec {
  struct wf_rec_hdr h;
  __u32 pid;
  __u32 tid;
  __s32 signo;
  __s32 code;        /* si_code */
  __u32 sender_pid;  /* raw si_pid/si_uid (names <signal.h> takes as macros); the converter */
  __u32 sender_uid;  /* keeps them only where they name a sender (si_code <= 0, or SIGCHLD) */
};

/* Per-CPU counters (index), read by the loader. */
enum wf_counter {
  WF_CNT_RB_FULL = 0,        /* a syscall record did not fit in the ring buffer */
  WF_CNT_RB_FULL_PROC = 1,   /* a fork/exec/exit record did not fit */
  WF_CNT_PIDMAP_FULL = 2,    /* a child could not be added to the traced set: it goes untraced */
  WF_CNT_TRUNCATED = 3,      /* a path or string was longer than the capture limit */
  WF_CNT_STASH_FULL = 4,     /* the sys_enter stash map was full: entry captures read at exit */
  WF_CNT_PROG_RUNS = 5,      /* sys_exit runs for traced processes (stats.syscall_stops) */
  WF_CNT_MAX = 8,
};

#endif
