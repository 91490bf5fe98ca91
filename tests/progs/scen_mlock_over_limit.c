// scen_mlock_over_limit: mlock()s 4 MiB as nobody with RLIMIT_MEMLOCK at 64 KiB (ENOMEM).
// Run by tests/scenarios/cases/mlock_over_limit.sh under whyfail.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "scen_harmless.h"


int main(void) {
  struct rlimit lim = {64 * 1024, 64 * 1024};
  if (setrlimit(RLIMIT_MEMLOCK, &lim)) return 2;
  if (getuid() == 0) {
    // Root has CAP_IPC_LOCK, which ignores the limit: run as nobody.
    if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) return 2;
  }
  harmless_start();
  size_t len = 4u << 20;
  void* buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED) return 2;
  if (mlock(buf, len) < 0) {
    int err = errno;
    fprintf(stderr, "keystore: cannot lock 4 MiB of key memory: %s\n", strerror(err));
    harmless_cleanup();
    return 1;
  }
  return 0;
}
