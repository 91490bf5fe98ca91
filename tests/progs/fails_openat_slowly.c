// usage: fails_openat_slowly COUNT [PIDFILE|""] [MARKER]
// Writes its pid to PIDFILE, then COUNT times fails an openat with ENOENT and
// sleeps 20 ms, then creates MARKER and exits 0. A long-running tracee for
// attach (-p), detach and tracer-death tests: MARKER proves it ran to the end.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 10;
  if (argc > 2 && argv[2][0]) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE *f = fopen(tmp, "w");
    if (!f) return 2;
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    rename(tmp, argv[2]);  // readers never see a half-written pid
  }
  for (int i = 0; i < count; i++) {
    openat(AT_FDCWD, "/nonexistent/whyfail/slowly", O_RDONLY);
    usleep(20000);
  }
  if (argc > 3) {
    int fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 3;
    close(fd);
  }
  return 0;
}
