// Resilience-sweep subject: reads back what it wrote into a pipe. When read()
// fails with EINTR it assumes its SIGALRM handler ran and waits for the handler's
// flag, which never comes: the program hangs (a sweep must class it "hung"). Every
// other failure is reported and ends the program with status 1.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig) {
  (void)sig;
  alarm_fired = 1;
}

int main(void) {
  signal(SIGALRM, on_alarm);
  int fds[2];
  if (pipe(fds) != 0) {
    perror("sweep_loops_on_eintr: pipe");
    return 1;
  }
  if (write(fds[1], "hello\n", 6) != 6) {
    perror("sweep_loops_on_eintr: write to pipe");
    return 1;
  }
  char buf[16];
  ssize_t n;
  for (;;) {
    n = read(fds[0], buf, sizeof buf);
    if (n >= 0) break;
    if (errno != EINTR) {
      perror("sweep_loops_on_eintr: read from pipe");
      return 1;
    }
    while (!alarm_fired) pause();  // the bug: no alarm was ever set
  }
  if (write(1, buf, (size_t)n) != n) {
    perror("sweep_loops_on_eintr: write to stdout");
    return 1;
  }
  return 0;
}
