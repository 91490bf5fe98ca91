// scen_ebadf_closed_fd: writes to a descriptor an earlier close() released (EBADF).
// Run by tests/scenarios/cases/ebadf_closed_fd.sh under whyfail.
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
  const char* path = argc > 1 ? argv[1] : "/tmp/scen_ebadf.log";
  int log = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (log < 0) return 2;
  if (write(log, "start\n", 6) != 6) return 2;
  close(log);                       // closed too early...
  if (write(log, "done\n", 5) < 0) {  // ...and written to afterwards
    int err = errno;
    fprintf(stderr, "logger: write to log fd %d: %s\n", log, strerror(err));
    harmless_cleanup();
    return 1;
  }
  return 0;
}
