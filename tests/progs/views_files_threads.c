/* views_files_threads: two threads, pinned to CPU 0 and CPU 1 when there are
 * two, each opening, reading and closing its own file N times, concurrently.
 * The files have different sizes, so a read paired with the other thread's
 * entry would show the wrong path or byte count.
 * Usage: views_files_threads FILE0 FILE1 N
 * Prints "tid0 tid1" on stdout. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *g_files[2];
static int g_n;
static int g_ncpu = 1;  /* read before the threads start: sysconf opens a file */
static pid_t g_tids[2];
static pthread_barrier_t g_start;

static void *worker(void *arg) {
  int i = (int)(long)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(i % g_ncpu, &set);
  sched_setaffinity(0, sizeof set, &set);
  g_tids[i] = (pid_t)syscall(SYS_gettid);
  pthread_barrier_wait(&g_start);
  char buf[65536];
  for (int k = 0; k < g_n; ++k) {
    int fd = open(g_files[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) exit(3);
    if (read(fd, buf, sizeof buf) < 0) exit(4);
    close(fd);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  g_files[0] = argv[1];
  g_files[1] = argv[2];
  g_n = atoi(argv[3]);
  g_ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (g_ncpu < 1) g_ncpu = 1;
  pthread_barrier_init(&g_start, NULL, 2);
  pthread_t t[2];
  for (long i = 0; i < 2; ++i) pthread_create(&t[i], NULL, worker, (void *)i);
  for (int i = 0; i < 2; ++i) pthread_join(t[i], NULL);
  printf("%d %d\n", (int)g_tids[0], (int)g_tids[1]);
  return 0;
}
