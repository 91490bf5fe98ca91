// The same syscall (openat, through open()) from two functions of the
// program: load_config() then load_cache(), each on PATH (default: a path
// that does not exist, so both fail with ENOENT). Each prints its result;
// exit status 1 when either failed. Built with symbols (like every test
// program): -k must name both functions, :caller=/:site= must pick one.
//
// --direct: each function makes the syscall itself (inline `syscall`, as a
// static or Go binary does) instead of calling libc's open(). Debian's libc
// is built without frame pointers, so a frame-pointer walk (the bpf
// backend's bpf_get_stack) stops in open(); from the program's own code,
// built with frame pointers (tests/progs/CMakeLists.txt), it goes on.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int direct;

// openat(AT_FDCWD, path, O_RDONLY) in the caller's own code.
static inline __attribute__((always_inline)) int open_here(const char *path) {
  if (!direct) return open(path, O_RDONLY);
  long ret;
  register long r10 __asm__("r10") = 0;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"((long)SYS_openat), "D"((long)AT_FDCWD), "S"(path), "d"((long)O_RDONLY), "r"(r10)
                   : "rcx", "r11", "memory");
  if (ret < 0) {
    errno = (int)-ret;
    return -1;
  }
  return (int)ret;
}

// noipa: no inlining, cloning or tail call, so each call has its own frame
// under its own name (load_config, not load_config.constprop.0).
__attribute__((noipa)) int load_config(const char *path) {
  int fd = open_here(path);
  if (fd < 0) {
    printf("load_config: %s\n", strerror(errno));
    return -1;
  }
  printf("load_config: ok\n");
  close(fd);
  return 0;
}

__attribute__((noipa)) int load_cache(const char *path) {
  int fd = open_here(path);
  if (fd < 0) {
    printf("load_cache: %s\n", strerror(errno));
    return -1;
  }
  printf("load_cache: ok\n");
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  int arg = 1;
  if (argc > arg && strcmp(argv[arg], "--direct") == 0) {
    direct = 1;
    arg++;
  }
  const char *path = argc > arg ? argv[arg] : "/nonexistent/whyfail-two-sites";
  int config = load_config(path);
  int cache = load_cache(path);
  fflush(stdout);
  return config || cache ? 1 : 0;
}
