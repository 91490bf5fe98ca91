// Stops itself with SIGSTOP (job control); once continued with SIGCONT, exits 7.
#include <signal.h>
#include <unistd.h>

int main(void) {
  kill(getpid(), SIGSTOP);
  return 7;
}
