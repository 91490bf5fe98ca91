// A non-leader thread execs /proc/self/exe while the main thread waits in
// pthread_join; the new image (argv[1] == "after-exec") exits 5.
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static void *exec_self(void *arg) {
  (void)arg;
  char *argv[] = {"thread_execs", "after-exec", NULL};
  execv("/proc/self/exe", argv);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "after-exec") == 0) return 5;
  pthread_t t;
  pthread_create(&t, NULL, exec_self, NULL);
  pthread_join(t, NULL);
  return 1;  // only reached if the exec failed
}
