// scen_bpf_unprivileged: creates a BPF map as nobody while kernel.unprivileged_bpf_disabled forbids it (EPERM).
// Run by tests/scenarios/cases/bpf_unprivileged.sh under whyfail.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

#include "scen_harmless.h"


int main(void) {
  if (getuid() == 0) {
    if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) return 2;
  }
  harmless_start();
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 8;
  attr.max_entries = 16;
  long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
  if (fd < 0) {
    int err = errno;
    fprintf(stderr, "counter: cannot create BPF map: %s\n", strerror(err));
    harmless_cleanup();
    return 1;
  }
  return 0;
}
