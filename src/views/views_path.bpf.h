/* views_path.bpf.h: a path's components, read inside the kernel from a
 * (dentry, vfsmount) pair by walking d_parent and crossing mounts through
 * struct mount. bpf_d_path() would do it in one call, but the kernel allows
 * it only in LSM and fentry programs, which lockdown=integrity blocks here.
 *
 * The components are written leaf first, each NUL-terminated; user space
 * reverses them (views/path_components.h). A path deeper than `depth` or
 * longer than `bytes` loses its leading components and is flagged.
 *
 * Every step reads through bpf_rdonly_cast() pointers: plain loads the JIT
 * inlines (a fault reads 0), where BPF_CORE_READ would call
 * bpf_probe_read_kernel once per field; only the name bytes need a helper.
 * Every file call of the machine walks at least one path: this is the view's
 * main cost. */
#ifndef WHYFAIL_VIEWS_PATH_BPF_H
#define WHYFAIL_VIEWS_PATH_BPF_H

#define WF_NAME_MAX 256
/* Callers pass bytes <= this and a buffer of at least this + WF_NAME_MAX. */
#ifndef WF_PATH_WALK_BYTES
#define WF_PATH_WALK_BYTES 1024
#endif

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

struct path_walk {
  __u64 d;          /* struct dentry *, as an address */
  __u64 m;          /* struct mount * */
  char *buf;        /* at least `bytes` + WF_NAME_MAX */
  __u32 len;
  __u32 bytes;
  __u8 truncated;
  __u8 done;
};

static long path_step(__u32 i, struct path_walk *w) {
  struct dentry *d = bpf_rdonly_cast((void *)w->d, bpf_core_type_id_kernel(struct dentry));
  struct mount *m = bpf_rdonly_cast((void *)w->m, bpf_core_type_id_kernel(struct mount));
  if ((__u64)d == (__u64)m->mnt.mnt_root) {
    struct mount *parent = m->mnt_parent;
    if ((__u64)parent == w->m) { w->done = 1; return 1; }  /* the root of the namespace */
    w->d = (__u64)m->mnt_mountpoint;
    w->m = (__u64)parent;
    return 0;
  }
  __u64 up = (__u64)d->d_parent;
  if (up == w->d || !up) { w->done = 1; return 1; }  /* a detached or pseudo filesystem's root */
  __u32 at = w->len;
  if (at >= w->bytes) { w->truncated = 1; return 1; }
  asm volatile("if %[r] <= %[m] goto +1; %[r] = %[m]" : [r] "+r"(at) : [m] "i"(WF_PATH_WALK_BYTES));
  long n = bpf_probe_read_kernel_str(w->buf + at, WF_NAME_MAX, d->d_name.name);
  if (n <= 0) { w->truncated = 1; return 1; }
  w->len = at + (__u32)n;
  w->d = up;
  return 0;
}

/* Components of (dentry, vfsmount) into buf; returns bytes written. The two
 * are plain addresses (read with bpf_probe_read_kernel or BPF_CORE_READ). */
static __always_inline __u32 walk_path(__u64 d, __u64 vfsmnt, char *buf, __u32 bytes, __u32 depth,
                                       __u8 *truncated) {
  struct path_walk w = {};
  w.d = d;
  w.m = vfsmnt - bpf_core_field_offset(struct mount, mnt);  /* container_of */
  w.buf = buf;
  w.bytes = bytes;
  bpf_loop(depth, path_step, &w, 0);
  if (!w.done) w.truncated = 1;
  *truncated = w.truncated;
  return w.len;
}

#endif
