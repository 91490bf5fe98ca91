// Makes one kind of system call and prints what it saw, for the injection
// tests (tests/e2e/inject): run under `strace -e inject=...` and
// `whyfail -e inject=...`, the output and exit status must be the same.
//   inject_probe open PATH | read | write | connect | mmap | brk | getpid |
//                signal | delay | threads DELAY_MS
// Exit status: 0 when the call succeeded, 1 when it failed.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int report(const char* what, long ret) {
  if (ret < 0) {
    printf("%s: failed: %s\n", what, strerror(errno));
    return 1;
  }
  printf("%s: %ld\n", what, ret);
  return 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1 = 1; }

// threads: the main thread's getppid is delayed; a second thread keeps
// calling getuid meanwhile and records its longest gap between calls.
static volatile int held_done;
static double worker_max_gap_ms;
static long worker_calls;
static void* worker(void* arg) {
  (void)arg;
  double last = now_ms();
  while (!held_done) {
    syscall(SYS_getuid);
    double t = now_ms();
    if (t - last > worker_max_gap_ms) worker_max_gap_ms = t - last;
    last = t;
    ++worker_calls;
  }
  return NULL;
}

// counts: two getuid calls in the main thread, then two in a new thread, printed.
static void* two_getuids(void* name) {
  long x = syscall(SYS_getuid), y = syscall(SYS_getuid);
  printf("%s thread: getuid %ld, %ld\n", (const char*)name, x, y);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: inject_probe open PATH|read|write|connect|mmap|brk|getpid|signal|delay|threads MS\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IONBF, 0);  // no buffered write left to the exit
  const char* mode = argv[1];
  if (!strcmp(mode, "open") && argc > 2) return report("open", open(argv[2], O_RDONLY));
  if (!strcmp(mode, "read")) {
    int fd = open("/dev/zero", O_RDONLY);
    char buf[16];
    if (fd < 0) return report("open /dev/zero", fd);
    return report("read", read(fd, buf, sizeof buf));
  }
  if (!strcmp(mode, "write")) {
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0) return report("open /dev/null", fd);
    return report("write", write(fd, "hello", 5));
  }
  if (!strcmp(mode, "connect")) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0) return report("socket", s);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    strcpy(sun.sun_path, "/nonexistent/whyfail-inject.sock");
    return report("connect", connect(s, (struct sockaddr*)&sun, sizeof sun));
  }
  if (!strcmp(mode, "mmap")) {
    void* p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return report("mmap", p == MAP_FAILED ? -1 : 0);
  }
  if (!strcmp(mode, "brk")) {
    void* p = sbrk(1 << 20);
    return report("sbrk", p == (void*)-1 ? -1 : 0);
  }
  if (!strcmp(mode, "getpid")) {
    // The real pid from /proc/self, which makes no getpid call.
    char self[32] = "";
    if (readlink("/proc/self", self, sizeof self - 1) < 0) return report("readlink /proc/self", -1);
    long real = atol(self);
    long a = syscall(SYS_getpid);
    long b = syscall(SYS_getpid);
    if (a != real) printf("getpid 1: %ld\n", a);
    else printf("getpid 1: the pid\n");
    if (b != real) printf("getpid 2: %ld\n", b);
    else printf("getpid 2: the pid\n");
    return 0;
  }
  if (!strcmp(mode, "signal")) {
    signal(SIGUSR1, on_usr1);
    long r = syscall(SYS_getppid);
    printf("SIGUSR1 %s\n", got_usr1 ? "delivered" : "not delivered");
    return r < 0 ? 1 : 0;
  }
  if (!strcmp(mode, "delay")) {
    double t0 = now_ms();
    syscall(SYS_getppid);
    printf("getppid took %.1f ms\n", now_ms() - t0);
    return 0;
  }
  if (!strcmp(mode, "counts")) {
    pthread_t th;
    two_getuids("main");
    pthread_create(&th, NULL, two_getuids, "second");
    pthread_join(th, NULL);
    return 0;
  }
  if (!strcmp(mode, "threads")) {
    pthread_t th;
    pthread_create(&th, NULL, worker, NULL);
    usleep(50000);  // the worker is running
    double t0 = now_ms();
    syscall(SYS_getppid);
    double held = now_ms() - t0;
    held_done = 1;
    pthread_join(th, NULL);
    printf("getppid took %.1f ms; the other thread made %ld calls, longest gap %.1f ms\n", held,
           worker_calls, worker_max_gap_ms);
    return 0;
  }
  fprintf(stderr, "inject_probe: unknown mode %s\n", mode);
  return 2;
}
