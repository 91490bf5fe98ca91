// scen_mmap_unaligned_fixed: mmap with MAP_FIXED at an address that is not page aligned (EINVAL).
// Run by tests/scenarios/cases/mmap_unaligned_fixed.sh under whyfail.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/mman.h>

#include "scen_harmless.h"


int main(void) {
  harmless_start();
  // A loader placing a segment at an address computed without rounding.
  void* want = (void*)(0x7f0000000000UL + 0x123);
  void* p = mmap(want, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (p == MAP_FAILED) {
    int err = errno;
    fprintf(stderr, "loader: cannot map segment at %p: %s\n", want, strerror(err));
    harmless_cleanup();
    return 1;
  }
  return 0;
}
