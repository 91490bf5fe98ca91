/* views_path.bpf.h: a path's components, read inside the kernel from a
 * (dentry, vfsmount) pair by walking d_parent and crossing mounts through
 * struct mount. bpf_d_path() would do it in one call, but the kernel allows
 * it only in LSM and fentry programs, which lockdown=integrity blocks here.
 *
 * The components are written leaf first, each NUL-terminated; user space
 * reverses them (views/path_components.h). A path deeper than `depth` or
 * longer than `bytes` loses its leading components and is flagged. */
#ifndef WHYFAIL_VIEWS_PATH_BPF_H
#define WHYFAIL_VIEWS_PATH_BPF_H

#define WF_NAME_MAX 256
/* Callers pass bytes <= this and a buffer of at least this + WF_NAME_MAX. */
#ifndef WF_PATH_WALK_BYTES
#define WF_PATH_WALK_BYTES 1024
#endif

struct path_walk {
  struct dentry *d;
  struct mount *m;
  char *buf;        /* at least `bytes` + WF_NAME_MAX */
  __u32 len;
  __u32 bytes;
  __u8 truncated;
  __u8 done;
};

static long path_step(__u32 i, struct path_walk *w) {
  struct dentry *d = w->d;
  struct mount *m = w->m;
  struct dentry *mroot = BPF_CORE_READ(m, mnt.mnt_root);
  if (d == mroot) {
    struct mount *parent = BPF_CORE_READ(m, mnt_parent);
    if (parent == m) { w->done = 1; return 1; }  /* the root of the namespace */
    w->d = BPF_CORE_READ(m, mnt_mountpoint);
    w->m = parent;
    return 0;
  }
  struct dentry *up = BPF_CORE_READ(d, d_parent);
  if (up == d) { w->done = 1; return 1; }  /* a detached or pseudo filesystem's root */
  __u32 at = w->len;
  if (at >= w->bytes) { w->truncated = 1; return 1; }
  asm volatile("if %[r] <= %[m] goto +1; %[r] = %[m]" : [r] "+r"(at) : [m] "i"(WF_PATH_WALK_BYTES));
  const unsigned char *name = BPF_CORE_READ(d, d_name.name);
  long n = bpf_probe_read_kernel_str(w->buf + at, WF_NAME_MAX, name);
  if (n <= 0) { w->truncated = 1; return 1; }
  w->len = at + (__u32)n;
  w->d = up;
  return 0;
}

/* Components of (dentry, vfsmount) into buf; returns bytes written. */
static __always_inline __u32 walk_path(struct dentry *d, struct vfsmount *vm, char *buf, __u32 bytes,
                                       __u32 depth, __u8 *truncated) {
  struct path_walk w = {};
  w.d = d;
  w.m = container_of(vm, struct mount, mnt);
  w.buf = buf;
  w.bytes = bytes;
  bpf_loop(depth, path_step, &w, 0);
  if (!w.done) w.truncated = 1;
  *truncated = w.truncated;
  return w.len;
}

#endif
