// bpf_marker_loop PATH SECONDS: a failing openat(PATH) every 20 ms for SECONDS.
// An unrelated process for the system-wide tests (found by its comm).
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int rounds = atoi(argv[2]) * 50;
  for (int i = 0; i < rounds; i++) {
    openat(AT_FDCWD, argv[1], O_RDONLY);
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return 0;
}
