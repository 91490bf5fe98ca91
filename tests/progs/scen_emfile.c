// scen_emfile: opens files until RLIMIT_NOFILE (set low by the case) runs out (EMFILE).
// Run by tests/scenarios/cases/emfile.sh under whyfail.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


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


int main(int argc, char** argv) {
  harmless_start();
  const char* path = argc > 1 ? argv[1] : "/etc/hostname";
  for (int i = 0; i < 100000; ++i) {
    int fd = open(path, O_RDONLY);   // a leak: never closed
    if (fd < 0) {
      int err = errno;
      fprintf(stderr, "indexer: open %s after %d files: %s\n", path, i, strerror(err));
      harmless_cleanup();
      return 1;
    }
  }
  return 0;
}
