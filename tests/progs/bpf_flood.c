// bpf_flood N: N failing close(-1) (EBADF) as fast as possible, then exit 0.
// Used to overflow a tiny BPF ring buffer on purpose.
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  for (long i = 0; i < n; i++) syscall(SYS_close, -1);
  return 0;
}
