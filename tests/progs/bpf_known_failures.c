// bpf_known_failures [long]: known failures for the BPF backend tests.
// Default: three failing openat of distinct paths, a failing stat, a
// successful write to stderr, a forked child whose own openat fails, exit 3.
// "long": one failing openat of a path longer than any capture limit, exit 0.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "long") == 0) {
    char path[2048];
    memset(path, 'x', sizeof path);
    memcpy(path, "/nonexistent-whyfail/", 21);
    path[sizeof path - 1] = 0;
    return openat(AT_FDCWD, path, O_RDONLY) < 0 && errno == ENOENT ? 0 : 1;
  }
  openat(AT_FDCWD, "/nonexistent-whyfail/a", O_RDONLY);
  openat(AT_FDCWD, "/nonexistent-whyfail/b", O_RDONLY);
  openat(AT_FDCWD, "/nonexistent-whyfail/c", O_WRONLY | O_CREAT, 0644);
  struct stat st;
  stat("/nonexistent-whyfail/stat", &st);
  static const char msg[] = "bpf_known_failures: cannot open config\n";
  write(2, msg, sizeof msg - 1);
  pid_t child = fork();
  if (child == 0) {
    openat(AT_FDCWD, "/nonexistent-whyfail/child", O_RDONLY);
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  return 3;
}
