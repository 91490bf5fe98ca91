// Dies by the signal named in argv[1]: "segv" (NULL write) or "kill" (SIGKILL to itself).
#include <signal.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "kill") == 0) kill(getpid(), SIGKILL);
  volatile int *p = (volatile int *)0;
  *p = 1;
  return 0;
}
