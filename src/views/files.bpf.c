// files.bpf.c: every file operation, one record per completed call.
//
// A rule per syscall number (`rules`) says what its fds, paths and dirfds
// are. A record holds the arguments, the path of each fd read from the
// task's file table, each path argument as passed with the directory it is
// relative to, and the result (for an open: the path of the new fd).
//
// Two ways to build it, chosen by the loader:
// - at exit only (text, --compact, -c): tp_btf/sys_exit reads the arguments
//   from the saved user registers, which the kernel leaves as the call got
//   them, and the fds' paths from the file table, which still holds them.
//   One program does the work, in a per-CPU buffer, and nothing is paired.
//   The exception is close (rule `at_entry`): its fd is gone at exit, so its
//   path is read at entry into the thread's slot, as below.
// - at entry and exit (--json, whose records carry the call's duration):
//   tp_btf/sys_enter builds the record in a per-thread slot, tp_btf/sys_exit
//   finds the same thread's slot, checks it is the same syscall, adds the
//   result and emits it. Entry and exit are paired by thread id in the
//   kernel, so concurrent calls on any number of CPUs cannot be mixed up.
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
// The reader is not woken per record: it drains on a short timer, and is
// woken early only when the ring's fill has risen past a multiple of
// 1 << wake_shift bytes, once per mark and CPU. A wakeup is an irq_work raised
// in the traced call (a self-IPI: a VM exit on a VM); one per record while
// the fill stays above a mark (a busy reader that is behind) cost each file
// call ~400 ns here. The fill is read every (FILL_CHECK_MASK + 1)-th record of
// a CPU: a few hundred records land between two reads, a small share of the
// ring's eighth.
const volatile __u32 wake_shift = 20;
#define FILL_CHECK_MASK 31
// The caller's uid costs a helper call per record: read only where it is
// shown (JSON) or filtered (--uid).
const volatile __u8 read_uid = 1;
// Every call built at entry and completed at exit (see the top); 0: built at
// exit, but for rules marked `at_entry`.
const volatile __u8 build_at_entry = 1;
// bpf_ktime_get_ns() costs 80-100 ns on this project's VM: read only where a
// time is shown (text: the completion time; JSON: entry and exit), never for -c.
const volatile __u8 stamp = 1;

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

// One slot per thread, by tid (calls built at entry), kept between calls so that a call does not
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

// Where a call built at exit is assembled. Per CPU without a lock: the
// kernel does not run a program again on a CPU where it is still running (a
// preempted run makes the next one on that CPU skip, and the kernel counts
// it; the loader reports it as lost).
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wf_file_rec);
} scratch SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WF_FILES_CNT_MAX);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

// Per CPU: records sent, and the ring's fill level (in marks) when last read.
struct fill_watch {
  __u64 records;
  __u64 level;
};
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct fill_watch);
} fill SEC(".maps");

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
  // A pointer to pointers loads as a plain number: the array's address. The
  // element is read as the first field of a struct that starts with a
  // struct file * (kiocb's ki_filp): a plain load, where a helper read costs
  // ~40 ns. Checked against the running kernel's layout (CO-RE).
  __u64 at = (__u64)fdt->fd + (__u64)fd * sizeof(struct file *);
  if (bpf_core_field_offset(struct kiocb, ki_filp) == 0) {
    struct kiocb *k = bpf_rdonly_cast((void *)at, bpf_core_type_id_kernel(struct kiocb));
    return k->ki_filp;
  }
  struct file *f = NULL;
  bpf_probe_read_kernel(&f, sizeof f, (void *)at);
  return f;
}

// Walking a path costs ~90 ns per component here (a helper call for each
// name), and the same few files are named over and over (a program's log,
// /dev/null, its config): the components of a (dentry, mount) are cached.
// An entry is used only while the dentry still has the parent and the name
// (hash and length) it had, and no rename or mount change has succeeded
// since (path_gen; renames of the dentry's ancestors would not show in the
// dentry itself). Renames the syscalls do not see (io_uring's, a network
// filesystem's server) of an ancestor can leave an entry stale.
struct path_key {
  __u64 dentry;
  __u64 mnt;
};
struct path_val {
  __u64 parent;
  __u64 hash_len;
  __u64 gen;
  __u32 len;
  __u32 pad;
  char comps[WF_PATH_CACHE_BYTES];
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, WF_PATH_CACHE_ENTRIES);
  __type(key, struct path_key);
  __type(value, struct path_val);
} path_cache SEC(".maps");

// Bumped by every successful rename and mount change (rules' moves_paths).
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} path_gen SEC(".maps");

// Where a new cache entry is assembled: one for the exit program, one for
// the entry program (files_enter or files_close_enter, never both loaded). A
// program preempted while it fills its entry can see the other program run
// on its CPU, never itself (the kernel skips such a nested run).
#define STAGE_EXIT 0
#define STAGE_ENTER 1
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, struct path_val);
} path_stage SEC(".maps");

static __always_inline __u64 current_path_gen(void) {
  __u32 z = 0;
  __u64 *g = bpf_map_lookup_elem(&path_gen, &z);
  return g ? *g : 0;
}

// The components of (d, vfsmount) into s->comps: from the cache, or walked
// and then cached. A global function: the verifier checks it once, not at
// each of the ~10 places the programs walk a path (inlined, they took the
// load of `files` from ~30 to ~150 ms).
// `at` is on the caller's stack: there, the two are typed kernel pointers the
// verifier would not pass as numbers; read here, they are plain numbers.
__noinline int slot_walk(struct wf_file_slot *s, struct path_key *at, __u32 stage) {
  if (!s || !at) return 0;
  __u64 d = at->dentry, vm = at->mnt;
  struct dentry *dd = bpf_rdonly_cast((void *)d, bpf_core_type_id_kernel(struct dentry));
  __u64 parent = (__u64)dd->d_parent;
  __u64 hash_len = dd->d_name.hash_len;
  __u64 gen = current_path_gen();
  struct path_key k = {d, vm};
  struct path_val *v = bpf_map_lookup_elem(&path_cache, &k);
  if (v && v->parent == parent && v->hash_len == hash_len && v->gen == gen) {
    __u32 n = v->len;
    if (n > WF_PATH_CACHE_BYTES) n = WF_PATH_CACHE_BYTES;
    // The whole entry, inlined: cheaper than a helper call for n bytes.
    __builtin_memcpy(s->comps, v->comps, WF_PATH_CACHE_BYTES);
    s->comps_len = n;
    return 0;
  }
  __u8 trunc = 0;
  __u32 n = walk_path(d, vm, s->comps, WF_FILES_COMPS_BYTES, WF_FILES_DEPTH, &trunc);
  s->comps_len = n;
  if (trunc) {
    s->flags |= WF_FS_COMPS_TRUNC;
    return 0;
  }
  if (n == 0 || n > WF_PATH_CACHE_BYTES) return 0;
  struct path_val *nv = bpf_map_lookup_elem(&path_stage, &stage);
  if (!nv) return 0;
  nv->parent = parent;
  nv->hash_len = hash_len;
  nv->gen = gen;
  nv->len = n;
  bpf_probe_read_kernel(nv->comps, n, s->comps);
  bpf_map_update_elem(&path_cache, &k, nv, BPF_ANY);
  return 0;
}

static __always_inline void slot_from_file(struct wf_file_slot *s, struct file *fraw, __u32 stage) {
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
  __u64 vm = (__u64)f->f_path.mnt;
  s->flags |= WF_FS_COMPS_ABS;
  struct path_key at = {(__u64)d, vm};
  slot_walk(s, &at, stage);
  // Pipes, sockets, anon inodes: a pseudo filesystem's lone dentry; keep its
  // name. The root directory "/" walks to nothing too, and stays a path.
  if (s->comps_len == 0 && d->d_parent == d) {
    long k = bpf_probe_read_kernel_str(s->comps, WF_NAME_MAX, d->d_name.name);
    if (k == 2 && s->comps[0] == '/') return;
    s->flags |= WF_FS_PSEUDO;
    s->comps_len = k > 0 ? (__u16)k : 0;
  }
}

static __always_inline void slot_cwd(struct wf_file_slot *s, __u32 stage) {
  struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
  struct fs_struct *fs = t->fs;
  if (!fs) return;
  struct path_key at = {(__u64)BPF_CORE_READ(fs, pwd.dentry), (__u64)BPF_CORE_READ(fs, pwd.mnt)};
  slot_walk(s, &at, stage);
}

// A path argument: the string, and for a relative one, its directory.
static __always_inline void slot_path(struct wf_file_slot *s, __u64 uptr, __u8 has_dfd, int dfd, __u32 stage) {
  long n = bpf_probe_read_user_str(s->str, sizeof s->str, (const void *)uptr);
  if (n <= 0) {
    s->flags |= WF_FS_STR_FAULT;
    return;
  }
  s->flags |= WF_FS_STR;
  s->str_len = (__u16)(n - 1);
  if (s->str[0] == '/') return;
  if (has_dfd && dfd != -100 /* AT_FDCWD */) {
    slot_from_file(s, fd_file(dfd), stage);
    s->flags &= ~WF_FS_COMPS_ABS;
  } else {
    slot_cwd(s, stage);
  }
  s->flags |= WF_FS_COMPS_BASE;
}

// The current task's comm: two plain loads from the task (the helper call
// costs more; both read it without a lock, as a rename may race either).
// Not __builtin_memcpy as in sched.bpf.c: clang copies the char array a byte
// at a time (16 loads and stores, checked with llvm-objdump).
static __always_inline void current_comm(char *out) {
  struct task_struct *t = (struct task_struct *)bpf_get_current_task_btf();
  __u64 *o = (__u64 *)out;
  o[0] = *(__u64 *)&t->comm[0];
  o[1] = *(__u64 *)&t->comm[8];
}

// Is the calling task one this run reports?
static __always_inline bool caller_wanted(__u32 tgid) {
  if (tgid == self_tgid) return false;
  if (filter_pids && !bpf_map_lookup_elem(&traced, &tgid)) return false;
  return views_current_in_cgroup();
}

// mmap: only mappings of a file.
static __always_inline bool mmap_of_file(struct wf_file_rule *rule, struct pt_regs *regs) {
  return rule->kind != WF_FK_MMAP || (!(arg_of(regs, 3) & 0x20 /* MAP_ANONYMOUS */) && (int)arg_of(regs, 4) >= 0);
}

// Empties a record for a new call: the header and the lengths only (bytes
// past a length are never sent).
static __always_inline void rec_reset(struct wf_file_rec *r) {
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
}

// The call's arguments and what they name, from the user registers (at
// entry, or at exit where the kernel has left them as they were).
// `opened_ok`: at exit of an open that succeeded, whose record shows the new
// fd's path (read after this), not the string or its directory.
static __always_inline void rec_fill(struct wf_file_rec *r, struct wf_file_rule *rule, struct pt_regs *regs,
                                     __u32 nr, __u64 pid_tgid, bool opened_ok, __u32 stage) {
  r->nr = nr;
  r->pid = pid_tgid >> 32;
  r->tid = (__u32)pid_tgid;
  r->uid = read_uid ? (__u32)bpf_get_current_uid_gid() : 0;
  r->args[0] = arg_of(regs, 0);
  r->args[1] = arg_of(regs, 1);
  r->args[2] = arg_of(regs, 2);
  r->args[3] = arg_of(regs, 3);
  r->args[4] = arg_of(regs, 4);
  r->args[5] = arg_of(regs, 5);
  __u8 fd1 = rule->fd1, fd2 = rule->fd2, p1 = rule->path1, d1 = rule->dfd1, p2 = rule->path2, d2 = rule->dfd2;
  if (fd1 < 6) slot_from_file(&r->slot[0], fd_file((int)arg_of(regs, fd1)), stage);
  if (fd2 < 6) slot_from_file(&r->slot[1], fd_file((int)arg_of(regs, fd2)), stage);
  if (p1 < 6 && !opened_ok)
    slot_path(&r->slot[0], arg_of(regs, p1), d1 < 6, d1 < 6 ? (int)arg_of(regs, d1) : -100, stage);
  if (p2 < 6) slot_path(&r->slot[1], arg_of(regs, p2), d2 < 6, d2 < 6 ? (int)arg_of(regs, d2) : -100, stage);
  if (rule->open_how < 6) {
    __u64 how[3] = {};
    bpf_probe_read_user(how, sizeof how, (const void *)arg_of(regs, rule->open_how));
    r->how_flags = how[0];
    r->how_mode = how[1];
    r->how_resolve = how[2];
  }
}

// Builds the call's record at entry in the thread's slot.
static __always_inline int enter_common(struct pt_regs *regs, __u32 nr, __u32 stage) {
  struct wf_file_rule *rule = bpf_map_lookup_elem(&rules, &nr);
  if (!rule || !rule->kind) return 0;
  if (!build_at_entry && !rule->at_entry) return 0;  // built at exit
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  __u32 tid = (__u32)pid_tgid;
  if (!caller_wanted(pid_tgid >> 32)) return 0;
  if (!mmap_of_file(rule, regs)) return 0;
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
  rec_reset(r);
  r->enter_ns = stamp && build_at_entry ? bpf_ktime_get_ns() : 0;
  rec_fill(r, rule, regs, nr, pid_tgid, false, stage);
  return 0;
}

// Every call's entry, when calls are built at entry (--json).
SEC("tp_btf/sys_enter")
int BPF_PROG(files_enter, struct pt_regs *regs, long id) {
  if (id < 0 || id >= WF_FILES_MAX_NR) return 0;
  return enter_common(regs, (__u32)id, STAGE_ENTER);
}

// close's entry only, when calls are built at exit: close is the one call
// whose fd is gone by then. This tracepoint fires for close alone, where a
// sys_enter program would run for every syscall of the machine (an empty one
// costs the mixed workload ~13%).
SEC("tracepoint/syscalls/sys_enter_close")
int files_close_enter(void *ctx) {
  struct task_struct *t = bpf_get_current_task_btf();
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
  return enter_common(regs, 3 /* close on x86_64, as in files_rules.cpp */, STAGE_ENTER);
}

#define BOUND(v, max) \
  asm volatile("if %[r] <= %[m] goto +1; %[r] = %[m]" : [r] "+r"(v) : [m] "i"(max))

static __always_inline __u64 rec_arg(struct wf_file_rec *r, __u32 i) {
  BOUND(i, 5);
  return r->args[i];
}

#define SHORT_PIECE 64

// Appends n bytes of src at out->data[*off]. The bounds keep the verifier
// sure that every copy stays inside data[].
static __always_inline void put(struct wf_file_out *o, __u32 *off, const char *src, __u32 n, __u32 max) {
  __u32 at = *off;
  BOUND(at, WF_FILE_OUT_DATA / 2 + WF_FILES_STR_MAX + 256);
  BOUND(n, WF_FILES_COMPS_BYTES + 256);
  if (n > max) n = max;
  BOUND(n, WF_FILES_COMPS_BYTES + 256);
  if (n > SHORT_PIECE) {
    bpf_probe_read_kernel(&o->data[at], n, src);
  } else if (n) {
    // Most names are short: eight inlined 8-byte moves (bytes past n are
    // never read) cost less than a helper call.
    __u64 *d = (__u64 *)&o->data[at];
    const __u64 *w = (const __u64 *)src;
    for (int i = 0; i < SHORT_PIECE / 8; ++i) d[i] = w[i];
  }
  *off = at + n;
}

// Whether this record should wake the reader (see wake_shift).
static __always_inline __u64 wake_flag(void) {
  __u32 z = 0;
  struct fill_watch *w = bpf_map_lookup_elem(&fill, &z);
  if (!w || (w->records++ & FILL_CHECK_MASK)) return BPF_RB_NO_WAKEUP;
  __u64 level = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >> wake_shift;
  __u64 was = w->level;
  w->level = level;
  return level > was ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
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
  if (bpf_ringbuf_output(&rb, o, size, wake_flag())) count(WF_FILES_CNT_LOST);
}

// A call built at exit only: from the saved user registers, which the
// kernel leaves as the call got them, in this CPU's scratch record.
static __always_inline void emit_at_exit(struct wf_file_rule *rule, struct pt_regs *regs, __u32 nr, long ret) {
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  if (!caller_wanted(pid_tgid >> 32)) return;
  if (!mmap_of_file(rule, regs)) return;
  __u32 z = 0;
  struct wf_file_rec *r = bpf_map_lookup_elem(&scratch, &z);
  if (!r) return;
  rec_reset(r);
  r->exit_ns = r->enter_ns = stamp ? bpf_ktime_get_ns() : 0;
  r->ret = ret;
  bool opened_ok = rule->kind == WF_FK_OPEN && ret >= 0;
  rec_fill(r, rule, regs, nr, pid_tgid, opened_ok, STAGE_EXIT);
  if (opened_ok) slot_from_file(&r->slot[0], fd_file((int)ret), STAGE_EXIT);
  current_comm(r->comm);
  emit(r);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(files_exit, struct pt_regs *regs, long ret) {
  // Every syscall of the machine exits through here: the rule (an array
  // look-up) before anything else.
  __u32 nr = (__u32)regs->orig_ax;
  if (nr >= WF_FILES_MAX_NR) return 0;
  struct wf_file_rule *rule = bpf_map_lookup_elem(&rules, &nr);
  if (!rule) return 0;
  if (rule->moves_paths && ret == 0) {
    __u32 z = 0;
    __u64 *g = bpf_map_lookup_elem(&path_gen, &z);
    if (g) __sync_fetch_and_add(g, 1);
  }
  if (!rule->kind) return 0;
  if (!build_at_entry && !rule->at_entry) {
    emit_at_exit(rule, regs, nr, ret);
    return 0;
  }
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
  r->exit_ns = stamp ? bpf_ktime_get_ns() : 0;
  if (!build_at_entry) r->enter_ns = r->exit_ns;  // text shows the completion time
  current_comm(r->comm);
  // A path string in a page not yet faulted in cannot be read at entry (BPF
  // may not fault); the syscall has read it since, so it is resident now.
  __u8 p1 = rule->path1, d1 = rule->dfd1, p2 = rule->path2, d2 = rule->dfd2;
  if (p1 < 6 && (r->slot[0].flags & WF_FS_STR_FAULT)) {
    r->slot[0].flags &= ~WF_FS_STR_FAULT;
    slot_path(&r->slot[0], rec_arg(r, p1), d1 < 6, d1 < 6 ? (int)rec_arg(r, d1) : -100, STAGE_EXIT);
  }
  if (p2 < 6 && (r->slot[1].flags & WF_FS_STR_FAULT)) {
    r->slot[1].flags &= ~WF_FS_STR_FAULT;
    slot_path(&r->slot[1], rec_arg(r, p2), d2 < 6, d2 < 6 ? (int)rec_arg(r, d2) : -100, STAGE_EXIT);
  }
  if (rule->kind == WF_FK_OPEN && ret >= 0) {
    // The opened file's own path: absolute, symlinks and .. already resolved.
    struct wf_file_slot *s = &r->slot[0];
    s->flags &= ~(WF_FS_COMPS_BASE | WF_FS_COMPS_TRUNC);
    s->comps_len = 0;
    slot_from_file(s, fd_file((int)ret), STAGE_EXIT);
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
