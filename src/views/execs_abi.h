/* execs_abi.h: the record shared by execs.bpf.c and execs_loader.cpp.
 * C only, fixed-width types: the BPF side includes it after vmlinux.h, the
 * C++ side after <linux/types.h>. */
#ifndef WHYFAIL_VIEWS_EXECS_ABI_H
#define WHYFAIL_VIEWS_EXECS_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define WF_EXEC_COMM_LEN 16
/* argv: at most this many strings and bytes (NULs included) are kept; the
 * count of all strings is still reported, up to WF_EXEC_COUNT_MAX. */
#define WF_EXEC_MAX_ARGS 512
#define WF_EXEC_ARGS_BYTES 16384  /* a per-CPU template of the record must stay under 32 KiB */
/* One argv string is read at most this long (a longer one is cut). */
#define WF_EXEC_ARG_MAX 4096
#define WF_EXEC_COUNT_MAX 8192
/* Path strings (filename, interpreter) and the cwd's components. */
#define WF_EXEC_PATH_MAX 512
#define WF_EXEC_CWD_BYTES 1024
#define WF_EXEC_CWD_DEPTH 32

/* flags */
#define WF_EXEC_ARGS_TRUNCATED 1u   /* more strings or bytes than kept */
#define WF_EXEC_ARG_CUT 2u          /* one string longer than WF_EXEC_ARG_MAX */
#define WF_EXEC_ARGV_FAULT 4u       /* argv (or one of its strings) unreadable */
#define WF_EXEC_FILENAME_FAULT 8u
#define WF_EXEC_CWD_TRUNCATED 16u   /* deeper or longer than kept: leading components missing */
#define WF_EXEC_SUCCEEDED 32u       /* sched_process_exec saw it */
#define WF_EXEC_SCRIPT 64u          /* bprm->interp differs from the file: #! or binfmt_misc */
#define WF_EXEC_AT 128u             /* execveat */

enum wf_exec_counter {
  WF_EXEC_CNT_LOST = 0,     /* ring buffer full: record dropped */
  WF_EXEC_CNT_NOSLOT = 1,   /* too many execs in flight: not captured */
  WF_EXEC_CNT_MAX = 2,
};

/* Record kinds: the first field of every record. */
#define WF_EXEC_KIND_EXEC 1u
#define WF_EXEC_KIND_EXIT 2u

/* --tree: a process (thread group) ended. */
struct wf_exit_rec {
  __u32 kind;        /* WF_EXEC_KIND_EXIT */
  __u32 pid;
  __u32 ppid;
  __s32 exit_code;   /* the wait status: exit status << 8 | signal */
  __u64 start_ns;    /* task->start_time (CLOCK_MONOTONIC) */
  __u64 exit_ns;
  char comm[WF_EXEC_COMM_LEN];
};

struct wf_exec_rec {
  __u32 kind;       /* WF_EXEC_KIND_EXEC */
  __u32 pad0;
  __u64 enter_ns;   /* CLOCK_MONOTONIC (bpf_ktime_get_ns) at sys_enter */
  __u64 exit_ns;
  __u32 pid;        /* tgid */
  __u32 tid;        /* caller's tid (differs from pid when a thread execs) */
  __u32 ppid;
  __u32 uid;        /* at entry */
  __u32 gid;
  __s32 ret;        /* 0 or -errno */
  __u32 flags;
  __u32 argc;       /* strings in argv (up to WF_EXEC_COUNT_MAX) */
  __u32 nargs;      /* strings kept */
  __u32 args_len;   /* bytes of args[]: each kept string followed by a NUL */
  __u32 cwd_len;    /* bytes of cwd[]: components leaf first, each NUL-ended */
  __u16 filename_len;
  __u16 interp_len;
  __s32 dfd;        /* execveat's dirfd */
  __u32 at_flags;   /* execveat's flags */
  char comm_before[WF_EXEC_COMM_LEN];
  char comm_after[WF_EXEC_COMM_LEN];
  char filename[WF_EXEC_PATH_MAX];
  char interp[WF_EXEC_PATH_MAX];
  char cwd[WF_EXEC_CWD_BYTES + 256];
  char args[WF_EXEC_ARGS_BYTES + WF_EXEC_ARG_MAX];  /* last: sent up to args_len */
};

#endif
