/* --cgroup: only tasks in one cgroup v2 directory or below it. User space
 * gives the directory's id (its inode number) and its depth below the root;
 * a task is in it when its own cgroup's ancestor at that depth is it. */
#pragma once

const volatile __u64 cgroup_id = 0;     /* 0: no --cgroup */
const volatile __u32 cgroup_level = 0;

/* The current task (cheap: one helper). */
static __always_inline bool views_current_in_cgroup(void) {
  if (!cgroup_id) return true;
  return bpf_get_current_ancestor_cgroup_id(cgroup_level) == cgroup_id;
}

/* Any task (sched_switch's next is not the current task). */
static __always_inline bool views_task_in_cgroup(struct task_struct *t) {
  if (!cgroup_id) return true;
  struct cgroup *c = BPF_CORE_READ(t, cgroups, dfl_cgrp);
  if (!c || BPF_CORE_READ(c, level) < (int)cgroup_level) return false;
  struct cgroup *a = NULL;
  __u32 l = cgroup_level;
  if (l > 255) return false;
  bpf_probe_read_kernel(&a, sizeof a, &c->ancestors[l]);
  return a && BPF_CORE_READ(a, kn, id) == cgroup_id;
}
