// Resilience-sweep subject: checks that its output file opens, then ignores every
// write() and close() error on it, and on stdout. A sweep must class the failing
// writes and the close as "silently ignored" (exit 0, no message, data lost) and the
// failing open as handled (message and exit 1).
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  int fd = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror("sweep_ignores_write_errors: cannot create out.txt");
    return 1;
  }
  static const char* const lines[] = {"first line\n", "second line\n", "third line\n"};
  for (int i = 0; i < 3; i++) {
    (void)!write(fd, lines[i], strlen(lines[i]));  // the bug: result ignored
  }
  close(fd);  // the bug: a deferred write error reported here is ignored too
  (void)!write(1, "done\n", 5);
  return 0;
}
