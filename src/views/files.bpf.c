// files.bpf.c: every file operation, one record per completed call.
//
// tp_btf/sys_enter looks the syscall number up in `rules` (what its fds,
// paths and dirfds are), and builds the record in a per-thread slot: the
// arguments, the path of each fd read from the task's file table, each path
// argument as passed with the directory it is relative to. tp_btf/sys_exit
// finds the same thread's slot, checks it is the same syscall, adds the
// result (for an open: the path of the new fd, read from the file table
// too), and emits it. Entry and exit are paired by thread id in the kernel,
// so concurrent calls on any number of CPUs cannot be mixed up.
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "files_abi.h"
#include "views_tree.bpf.h"
#include "views_cgroup.bpf.h"
#include "views_path.bpf.h"

const volatile __u32 self_tgid = 0;
const volatile __u8 filter_pids = 0;  // only tgids in `traced` (whyfail files -- CMD)
// The reader is not woken per record (a wakeup costs the traced call more than
// the record itself): it drains on a short timer, and is woken only when the
// ring holds more than this many bytes.
const volatile __u64 wake_bytes = 1 << 20;
// bpf_ktime_get_ns() costs 80-100 ns on this project's VM, twice per call:
// the entry time only where a time is shown (text), the exit time only where
// a duration is (JSON), neither for -c.
const volatile __u8 stamp_enter = 1;
const volatile __u8 stamp_exit = 1;

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 24);
} rb SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, WF_FILES_MAX_NR);
  __type(key, __u32);
  __type(value, struct wf_file_rule);
} rules SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);
  __type(key, __u32);  // tgid
  __type(value, __u8);
} traced SEC(".maps");

// One slot per thread, by tid, kept between calls so that a call does not
// copy a zeroed 3.8 KiB record in: entry resets only the header and the
// lengths (bytes past a length are never sent). `active` tells a call in
// flight from a finished one. Allocated on a thread's first file call, not
// preallocated (an LRU map of 4096 such slots took 30 ms to create at
// start-up), and deleted when the thread exits (files_task_exit). A thread
// that finds the map full is counted (no slot), never given another's.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16384);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, __u32);
  __type(value, struct wf_file_rec);
} inflight SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wf_file_rec);
} zero SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wf_file_out);
} outbuf SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WF_FILES_CNT_MAX);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which) {
  __u64 *c = bpf_map_lookup_elem(&counters, &which);
  if (c) *c += 1;
}

// tp_btf hands typed kernel pointers: plain loads from them are inlined by
// the JIT (a few ns each) where BPF_CORE_READ calls bpf_probe_read_kernel
// (~20-40 ns each); every file call of the machine pays for these.
static __always_inline __u64 arg_of(struct pt_regs *regs, __u32 i) {
  switch (i) {
    case 0: return regs->di;
    case 1: return regs->si;
    case 2: return regs->dx;
    case 3: return regs->r10;
    case 4: return regs->r8;
    default: return regs->r9;
  }
}

// The open file behind fd in the current task's table, or NULL.
static __always_inline struct file *fd_file(int fd) {
  if (fd < 0) return NULL;
  struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
  struct files_struct *files = t->files;
  if (!files) return NULL;
  struct fdtable *fdt = files->fdt;
  if (!fdt) return NULL;
  if ((unsigned int)fd >= fdt->max_fds) return NULL;
  // The array is indexed by a runtime value: that needs one real read.
  struct file **arr = NULL;
  bpf_probe_read_kernel(&arr, sizeof arr, &fdt->fd);
  struct file *f = NULL;
  bpf_probe_read_kernel(&f, sizeof f, &arr[fd]);
  return f;
}

static __always_inline void slot_from_file(struct wf_file_slot *s, struct file *fraw) {
  if (!fraw) {
    s->flags |= WF_FS_BADFD;
    return;
  }
  // Plain loads through a read-only typed pointer (see views_path.bpf.h).
  struct file *f = bpf_rdonly_cast(fraw, bpf_core_type_id_kernel(struct file));
  struct inode *ino = f->f_inode;
  s->mode = ino->i_mode;
  s->ino = ino->i_ino;
  struct dentry *d = f->f_path.dentry;
  // An address, not a typed pointer: walk_path computes the struct mount around it.
  __u64 vm = 0;
  bpf_probe_read_kernel(&vm, sizeof vm, &fraw->f_path.mnt);
  __u8 trunc = 0;
  __u32 n = walk_path((__u64)d, vm, s->comps, WF_FILES_COMPS_BYTES, WF_FILES_DEPTH, &trunc);
  s->comps_len = n;
  s->flags |= WF_FS_COMPS_ABS;
  if (trunc) s->flags |= WF_FS_COMPS_TRUNC;
  // Pipes, sockets, anon inodes: a pseudo filesystem's lone dentry; keep its name.
  if (n == 0 && d->d_parent == d) {
    s->flags |= WF_FS_PSEUDO;
    long k = bpf_probe_read_kernel_str(s->comps, WF_NAME_MAX, d->d_name.name);
    s->comps_len = k > 0 ? (__u16)k : 0;
  }
}

static __always_inline void slot_cwd(struct wf_file_slot *s) {
  struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
  struct fs_struct *fs = t->fs;
  if (!fs) return;
  __u8 trunc = 0;
  s->comps_len = walk_path((__u64)BPF_CORE_READ(fs, pwd.dentry), (__u64)BPF_CORE_READ(fs, pwd.mnt), s->comps,
                           WF_FILES_COMPS_BYTES, WF_FILES_DEPTH, &trunc);
  if (trunc) s->flags |= WF_FS_COMPS_TRUNC;
}

// A path argument: the string, and for a relative one, its directory.
static __always_inline void slot_path(struct wf_file_slot *s, __u64 uptr, __u8 has_dfd, int dfd) {
  long n = bpf_probe_read_user_str(s->str, sizeof s->str, (const void *)uptr);
  if (n <= 0) {
    s->flags |= WF_FS_STR_FAULT;
    return;
  }
  s->flags |= WF_FS_STR;
  s->str_len = (__u16)(n - 1);
  if (s->str[0] == '/') return;
  if (has_dfd && dfd != -100 /* AT_FDCWD */) {
    slot_from_file(s, fd_file(dfd));
    s->flags &= ~WF_FS_COMPS_ABS;
  } else {
    slot_cwd(s);
  }
  s->flags |= WF_FS_COMPS_BASE;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(files_enter, struct pt_regs *regs, long id) {
  if (id < 0 || id >= WF_FILES_MAX_NR) return 0;
  __u32 nr = (__u32)id;
  struct wf_file_rule *rule = bpf_map_lookup_elem(&rules, &nr);
  if (!rule || !rule->kind) return 0;
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  __u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
  if (tgid == self_tgid) return 0;
  if (filter_pids && !bpf_map_lookup_elem(&traced, &tgid)) return 0;
  if (!views_current_in_cgroup()) return 0;
  if (rule->kind == WF_FK_MMAP) {
    // Only mappings of a file.
    if ((arg_of(regs, 3) & 0x20 /* MAP_ANONYMOUS */) || (int)arg_of(regs, 4) < 0) return 0;
  }
  struct wf_file_rec *r = bpf_map_lookup_elem(&inflight, &tid);
  if (!r) {
    __u32 z = 0;
    struct wf_file_rec *init = bpf_map_lookup_elem(&zero, &z);
    if (!init) return 0;
    if (bpf_map_update_elem(&inflight, &tid, init, BPF_ANY)) {
      count(WF_FILES_CNT_NOSLOT);
      return 0;
    }
    r = bpf_map_lookup_elem(&inflight, &tid);
    if (!r) return 0;
  }
  r->active = 1;
  r->ret = 0;
  r->exit_ns = 0;
  r->how_flags = r->how_mode = r->how_resolve = 0;
  for (int i = 0; i < 2; ++i) {
    r->slot[i].flags = 0;
    r->slot[i].mode = 0;
    r->slot[i].ino = 0;
    r->slot[i].comps_len = 0;
    r->slot[i].str_len = 0;
    r->slot[i].str[0] = 0;
  }
  r->enter_ns = stamp_enter ? bpf_ktime_get_ns() : 0;
  r->nr = nr;
  r->pid = tgid;
  r->tid = tid;
  r->uid = (__u32)bpf_get_current_uid_gid();
  r->args[0] = arg_of(regs, 0);
  r->args[1] = arg_of(regs, 1);
  r->args[2] = arg_of(regs, 2);
  r->args[3] = arg_of(regs, 3);
  r->args[4] = arg_of(regs, 4);
  r->args[5] = arg_of(regs, 5);
  __u8 fd1 = rule->fd1, fd2 = rule->fd2, p1 = rule->path1, d1 = rule->dfd1, p2 = rule->path2, d2 = rule->dfd2;
  if (fd1 < 6) slot_from_file(&r->slot[0], fd_file((int)arg_of(regs, fd1)));
  if (fd2 < 6) slot_from_file(&r->slot[1], fd_file((int)arg_of(regs, fd2)));
  if (p1 < 6) slot_path(&r->slot[0], arg_of(regs, p1), d1 < 6, d1 < 6 ? (int)arg_of(regs, d1) : -100);
  if (p2 < 6) slot_path(&r->slot[1], arg_of(regs, p2), d2 < 6, d2 < 6 ? (int)arg_of(regs, d2) : -100);
  if (rule->open_how < 6) {
    __u64 how[3] = {};
    bpf_probe_read_user(how, sizeof how, (const void *)arg_of(regs, rule->open_how));
    r->how_flags = how[0];
    r->how_mode = how[1];
    r->how_resolve = how[2];
  }
  return 0;
}

#define BOUND(v, max) \
  asm volatile("if %[r] <= %[m] goto +1; %[r] = %[m]" : [r] "+r"(v) : [m] "i"(max))

static __always_inline __u64 rec_arg(struct wf_file_rec *r, __u32 i) {
  BOUND(i, 5);
  return r->args[i];
}

// Appends n bytes of src at out->data[*off]. The bounds keep the verifier
// sure that every copy stays inside data[].
static __always_inline void put(struct wf_file_out *o, __u32 *off, const char *src, __u32 n, __u32 max) {
  __u32 at = *off;
  BOUND(at, WF_FILE_OUT_DATA / 2 + WF_FILES_STR_MAX + 256);
  BOUND(n, WF_FILES_COMPS_BYTES + 256);
  if (n > max) n = max;
  BOUND(n, WF_FILES_COMPS_BYTES + 256);
  if (n) bpf_probe_read_kernel(&o->data[at], n, src);
  *off = at + n;
}

// Copies the record's used bytes only and sends them.
static __always_inline void emit(struct wf_file_rec *r) {
  __u32 z = 0;
  struct wf_file_out *o = bpf_map_lookup_elem(&outbuf, &z);
  if (!o) return;
  __builtin_memcpy(o, r, __builtin_offsetof(struct wf_file_rec, active));
  __u32 off = 0;
  for (int i = 0; i < 2; ++i) {
    struct wf_file_slot *s = &r->slot[i];
    o->slot[i].flags = s->flags;
    o->slot[i].mode = s->mode;
    o->slot[i].ino = s->ino;
    __u32 sl = s->str_len, cl = s->comps_len;
    if (sl > WF_FILES_STR_MAX - 1) sl = WF_FILES_STR_MAX - 1;
    if (cl > WF_FILES_COMPS_BYTES + 256) cl = WF_FILES_COMPS_BYTES + 256;
    o->slot[i].str_len = sl;
    o->slot[i].comps_len = cl;
    put(o, &off, s->str, sl, WF_FILES_STR_MAX - 1);
    put(o, &off, s->comps, cl, WF_FILES_COMPS_BYTES + 256);
  }
  o->data_len = off;
  __u64 size = __builtin_offsetof(struct wf_file_out, data) + off;
  BOUND(size, sizeof(struct wf_file_out));
  __u64 wake = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) > wake_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
  if (bpf_ringbuf_output(&rb, o, size, wake)) count(WF_FILES_CNT_LOST);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(files_exit, struct pt_regs *regs, long ret) {
  // Every syscall of the machine exits through here: the rule (an array
  // look-up) before the per-thread slot (a hash look-up).
  __u32 nr = (__u32)regs->orig_ax;
  if (nr >= WF_FILES_MAX_NR) return 0;
  struct wf_file_rule *rule = bpf_map_lookup_elem(&rules, &nr);
  if (!rule || !rule->kind) return 0;
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  struct wf_file_rec *r = bpf_map_lookup_elem(&inflight, &tid);
  if (!r || !r->active) return 0;
  r->active = 0;
  if (nr != r->nr) {
    // Not the call this slot was built for (an exec replaced the program
    // between them): never pair an exit with another call's entry.
    count(WF_FILES_CNT_MISMATCH);
    return 0;
  }
  r->ret = ret;
  r->exit_ns = stamp_exit ? bpf_ktime_get_ns() : r->enter_ns;
  bpf_get_current_comm(r->comm, sizeof r->comm);
  // A path string in a page not yet faulted in cannot be read at entry (BPF
  // may not fault); the syscall has read it since, so it is resident now.
  __u8 p1 = rule->path1, d1 = rule->dfd1, p2 = rule->path2, d2 = rule->dfd2;
  if (p1 < 6 && (r->slot[0].flags & WF_FS_STR_FAULT)) {
    r->slot[0].flags &= ~WF_FS_STR_FAULT;
    slot_path(&r->slot[0], rec_arg(r, p1), d1 < 6, d1 < 6 ? (int)rec_arg(r, d1) : -100);
  }
  if (p2 < 6 && (r->slot[1].flags & WF_FS_STR_FAULT)) {
    r->slot[1].flags &= ~WF_FS_STR_FAULT;
    slot_path(&r->slot[1], rec_arg(r, p2), d2 < 6, d2 < 6 ? (int)rec_arg(r, d2) : -100);
  }
  if (rule->kind == WF_FK_OPEN && ret >= 0) {
    // The opened file's own path: absolute, symlinks and .. already resolved.
    struct wf_file_slot *s = &r->slot[0];
    s->flags &= ~(WF_FS_COMPS_BASE | WF_FS_COMPS_TRUNC);
    s->comps_len = 0;
    slot_from_file(s, fd_file((int)ret));
  }
  emit(r);
  return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(files_task_exit, struct task_struct *p) {
  __u32 tid = p->pid;
  bpf_map_delete_elem(&inflight, &tid);
  return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(files_fork, struct task_struct *parent, struct task_struct *child) {
  if (filter_pids) views_follow_fork(&traced, parent, child);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
