/* Following a command's process tree in the kernel, shared by the views that
 * take `-- CMD` (files, sched): a forked child joins `traced` when its parent
 * is in it. Threads (same tgid) are already covered by their tgid. */
#pragma once

static __always_inline void views_follow_fork(void *traced, struct task_struct *parent,
                                              struct task_struct *child) {
  __u32 ptgid = parent->tgid, ctgid = child->tgid;
  if (ptgid == ctgid || !bpf_map_lookup_elem(traced, &ptgid)) return;
  __u8 one = 1;
  bpf_map_update_elem(traced, &ctgid, &one, BPF_ANY);
}
