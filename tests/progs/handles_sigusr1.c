// Sends itself SIGUSR1; exits 42 if its handler ran, 1 if not (a tracer that
// swallows the signal turns 42 into 1).
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig) { handled = sig == SIGUSR1; }

int main(void) {
  signal(SIGUSR1, on_usr1);
  kill(getpid(), SIGUSR1);
  return handled ? 42 : 1;
}
