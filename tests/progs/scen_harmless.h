// scen_harmless.h: the harmless failures every scenario program makes around
// its real one, as real programs do, so that the culprit finder has to tell
// them apart (included by tests/progs/scen_*.c; needs <fcntl.h>, <stdio.h>,
// <stdlib.h>, <sys/wait.h>, <unistd.h>).
#pragma once

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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
