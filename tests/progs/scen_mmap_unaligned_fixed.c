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

// What real programs do around their work, and shrug off: an optional
// dotfile and config, a translation catalogue, terminal checks; at the end a
// stale lock file removed if present and a reap of children that never were.
static void harmless_start(void) {
  char path[512];
  const char* home = getenv("HOME");
  snprintf(path, sizeof path, "%s/.scenrc", home ? home : "/root");
  (void)access(path, R_OK);
  int fd = open("/etc/scenario/defaults.conf", O_RDONLY);
  if (fd >= 0) close(fd);
  fd = open("/usr/share/locale/C.UTF-8/LC_MESSAGES/scenario.mo", O_RDONLY);
  if (fd >= 0) close(fd);
  (void)isatty(0);
  (void)isatty(1);
}

static void harmless_cleanup(void) {
  (void)unlink("/tmp/.scenario.lock");
  (void)isatty(2);
  (void)waitpid(-1, NULL, WNOHANG);
}


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
