// Resilience-sweep subject: writes a file and a line on stdout, checking every call:
// EINTR is retried, any other error is reported on stderr and ends the program with
// status 1 (after removing the partial file). A sweep must class every site handled.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char* data, size_t len, const char* what) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "sweep_handles_everything: write to %s: %s\n", what, strerror(errno));
      return -1;
    }
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static int fail(const char* what) {
  fprintf(stderr, "sweep_handles_everything: %s: %s\n", what, strerror(errno));
  unlink("out.txt");
  return 1;
}

int main(void) {
  int fd = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return fail("create out.txt");
  static const char* const lines[] = {"first line\n", "second line\n", "third line\n"};
  for (int i = 0; i < 3; i++) {
    if (write_all(fd, lines[i], strlen(lines[i]), "out.txt") != 0) return fail("out.txt");
  }
  if (fsync(fd) != 0) return fail("fsync out.txt");
  if (close(fd) != 0) return fail("close out.txt");
  if (write_all(1, "done\n", 5, "stdout") != 0) return fail("stdout");
  return 0;
}
