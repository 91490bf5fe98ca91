/* views_sched_load: CPU hogs pinned to CPU 0 next to a periodic sleeper
 * pinned there too. The sleeper wakes every PERIOD_US and must then wait
 * for the hogs to give it the CPU.
 * Usage: views_sched_load HOGS SECONDS PERIOD_US
 * Prints "<sleeper tid> <wakeups>" on stdout when done. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void pin0(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  sched_setaffinity(0, sizeof set, &set);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  int hogs = atoi(argv[1]);
  double secs = atof(argv[2]);
  long period = atol(argv[3]);
  pin0();
  pid_t kids[64];
  for (int i = 0; i < hogs && i < 64; ++i) {
    kids[i] = fork();
    if (kids[i] == 0) {
      volatile unsigned long x = 0;
      double end = now() + secs;
      while (now() < end) x++;
      _exit(0);
    }
  }
  long wakeups = 0;
  double end = now() + secs;
  while (now() < end) {
    usleep((useconds_t)period);
    ++wakeups;
  }
  for (int i = 0; i < hogs && i < 64; ++i) waitpid(kids[i], NULL, 0);
  printf("%d %ld\n", (int)syscall(SYS_gettid), wakeups);
  return 0;
}
