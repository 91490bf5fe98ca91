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


#include "scen_harmless.h"


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
