// Two threads and a forked child each fail an openat with ENOENT on their own
// path; exits 0. Exercises following of clone (threads) and fork.
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_main(void *arg) {
  (void)arg;
  openat(AT_FDCWD, "/nonexistent/whyfail/thread", O_RDONLY);
  return NULL;
}

int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, thread_main, NULL);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  pid_t child = fork();
  if (child == 0) {
    openat(AT_FDCWD, "/nonexistent/whyfail/child", O_RDONLY);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
