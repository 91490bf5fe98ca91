/* files_abi.h: the rule table and record shared by files.bpf.c and
 * files_loader.cpp. C only, fixed-width types. */
#ifndef WHYFAIL_VIEWS_FILES_ABI_H
#define WHYFAIL_VIEWS_FILES_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define WF_FILES_MAX_NR 512
#define WF_FILES_COMM_LEN 16
#define WF_FILES_STR_MAX 512      /* a path argument as passed */
#define WF_FILES_COMPS_BYTES 1024 /* a path resolved in the kernel, components leaf first */
#define WF_FILES_DEPTH 32
#define WF_ARG_NONE 0xff
#define WF_PATH_CACHE_BYTES 256  /* paths whose components fit are cached by (dentry, mount) */
#define WF_PATH_CACHE_ENTRIES 4096

/* One rule per syscall number: which arguments are fds, paths, dirfds.
 * Filled by the loader from files_rules.cpp (data, not code). */
enum wf_file_kind {
  WF_FK_NONE = 0,
  WF_FK_OPEN = 1,   /* returns a new fd: its path is resolved at exit */
  WF_FK_FD = 2,     /* acts on fd1 (and fd2) */
  WF_FK_PATH = 3,   /* acts on path1 (and path2) relative to dfd1 (dfd2) */
  WF_FK_MMAP = 4,   /* fd1 unless MAP_ANONYMOUS */
};
struct wf_file_rule {
  __u8 kind;
  __u8 fd1, fd2;       /* argument indexes, WF_ARG_NONE */
  __u8 path1, dfd1;
  __u8 path2, dfd2;
  __u8 open_how;       /* openat2: the struct open_how argument */
  __u8 at_entry;       /* fd1 is gone at exit (close): its path is read at entry */
  __u8 moves_paths;    /* when it succeeds, paths already seen may have changed (rename, mount) */
};

/* Slots: 0 is fd1 or path1, 1 is fd2 or path2. */
#define WF_FS_COMPS_ABS 1u    /* comps is the absolute path of the fd (or the opened fd) */
#define WF_FS_COMPS_BASE 2u   /* comps is the directory the relative str is resolved against */
#define WF_FS_COMPS_TRUNC 4u
#define WF_FS_STR 8u          /* str holds the path as passed */
#define WF_FS_STR_FAULT 16u
#define WF_FS_BADFD 32u       /* fd not open when read (entry, or exit for calls built at exit) */
#define WF_FS_PSEUDO 64u      /* no path: pipe, socket, anon inode (see ino, mode) */

struct wf_file_slot {
  __u32 flags;
  __u32 mode;          /* i_mode of the fd's inode */
  __u64 ino;
  __u16 comps_len;
  __u16 str_len;
  __u32 pad;
  char str[WF_FILES_STR_MAX];
  char comps[WF_FILES_COMPS_BYTES + 256];
};

enum wf_files_counter {
  WF_FILES_CNT_LOST = 0,      /* ring buffer full */
  WF_FILES_CNT_NOSLOT = 1,    /* per-thread table full at entry */
  WF_FILES_CNT_MISMATCH = 2,  /* an exit whose entry was another syscall (dropped) */
  WF_FILES_CNT_BUSY = 3,      /* the program was still running on that CPU (kernel's recursion_misses; user space) */
  WF_FILES_CNT_MAX = 4,
};

struct wf_file_rec {
  __u64 enter_ns;
  __u64 exit_ns;
  __u64 args[6];
  __s64 ret;
  __u64 how_flags, how_mode, how_resolve;  /* openat2 */
  __u32 nr;
  __u32 pid;
  __u32 tid;
  __u32 uid;
  char comm[WF_FILES_COMM_LEN];
  __u32 active;   /* between entry and exit (BPF side only) */
  __u32 pad2;
  struct wf_file_slot slot[2];
};

/* What reaches user space: the record's fixed part, then the used bytes of
 * each slot, in order str0, comps0, str1, comps1 (lengths in slot_hdr). A
 * read of a short path is ~250 bytes instead of the ~3.8 KiB slot buffers. */
struct wf_file_slot_hdr {
  __u32 flags;
  __u32 mode;
  __u64 ino;
  __u16 comps_len;
  __u16 str_len;
  __u32 pad;
};
#define WF_FILE_OUT_DATA (2 * (WF_FILES_STR_MAX + WF_FILES_COMPS_BYTES + 256))
struct wf_file_out {
  __u64 enter_ns;
  __u64 exit_ns;
  __u64 args[6];
  __s64 ret;
  __u64 how_flags, how_mode, how_resolve;
  __u32 nr;
  __u32 pid;
  __u32 tid;
  __u32 uid;
  char comm[WF_FILES_COMM_LEN];
  struct wf_file_slot_hdr slot[2];
  __u32 data_len;
  __u32 pad;
  char data[WF_FILE_OUT_DATA];
};


#endif
