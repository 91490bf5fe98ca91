// usage: threads_fail_slowly COUNT
// Three threads (and main) each fail an openat with ENOENT every 20 ms,
// COUNT times; exits 0. A multi-threaded target for -p attach tests.
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static int count = 10;

static void *fail_slowly(void *arg) {
  (void)arg;
  for (int i = 0; i < count; i++) {
    openat(AT_FDCWD, "/nonexistent/whyfail/threads-slowly", O_RDONLY);
    usleep(20000);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1) count = atoi(argv[1]);
  pthread_t t[3];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, fail_slowly, NULL);
  fail_slowly(NULL);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  return 0;
}
