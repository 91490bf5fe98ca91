// scen_perf_sample_freq: perf_event_open with a sampling frequency above kernel.perf_event_max_sample_rate (EINVAL).
// Run by tests/scenarios/cases/perf_sample_freq.sh under whyfail.
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


static unsigned long max_rate(void) {
  unsigned long rate = 100000;
  FILE* f = fopen("/proc/sys/kernel/perf_event_max_sample_rate", "r");
  if (f) {
    if (fscanf(f, "%lu", &rate) != 1) rate = 100000;
    fclose(f);
  }
  return rate;
}

int main(void) {
  harmless_start();
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  attr.freq = 1;
  attr.sample_freq = max_rate() * 4;   // "sample as fast as possible", too fast
  attr.sample_type = PERF_SAMPLE_IP;
  attr.disabled = 1;
  long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
  if (fd < 0) {
    int err = errno;
    fprintf(stderr, "profiler: perf_event_open failed: %s\n", strerror(err));
    harmless_cleanup();
    return 1;
  }
  close((int)fd);
  return 0;
}
