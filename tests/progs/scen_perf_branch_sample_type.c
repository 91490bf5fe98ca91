// scen_perf_branch_sample_type: perf_event_open asking for branch sampling with a branch_sample_type bit no kernel defines (EINVAL).
// Run by tests/scenarios/cases/perf_branch_sample_type.sh under whyfail.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>

#include "scen_harmless.h"


int main(void) {
  harmless_start();
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  attr.sample_period = 100000;
  attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_BRANCH_STACK;
  attr.branch_sample_type = PERF_SAMPLE_BRANCH_ANY | (1ULL << 40);  // bit 40: undefined
  attr.disabled = 1;
  long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
  if (fd < 0) {
    int err = errno;
    fprintf(stderr, "profiler: cannot open sampling event: %s\n", strerror(err));
    harmless_cleanup();
    return 1;
  }
  close((int)fd);
  return 0;
}
