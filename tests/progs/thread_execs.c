// A non-leader thread execs /proc/self/exe once the main thread is blocked in
// read(2) (so the leader is inside a syscall when the exec replaces it); the
// new image (argv[1] == "after-exec") exits 5.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char leader_stat[64];

static int leader_blocked(void) {
  char buf[512];
  FILE *f = fopen(leader_stat, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *close = strrchr(buf, ')');
  return close && close[1] == ' ' && close[2] == 'S';
}

static void *exec_self(void *arg) {
  (void)arg;
  while (!leader_blocked()) usleep(1000);
  char *argv[] = {"thread_execs", "after-exec", NULL};
  execv("/proc/self/exe", argv);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "after-exec") == 0) return 5;
  snprintf(leader_stat, sizeof leader_stat, "/proc/self/task/%d/stat", (int)getpid());
  int fds[2];
  if (pipe(fds) != 0) return 2;
  pthread_t t;
  pthread_create(&t, NULL, exec_self, NULL);
  char c;
  read(fds[0], &c, 1);  // never returns: the exec replaces this thread
  return 1;
}
