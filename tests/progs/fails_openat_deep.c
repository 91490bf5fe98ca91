// Fails an openat from inside a call chain main -> outer_caller -> inner_caller,
// and names inner_caller's address in the path ("/nonexistent/whyfail/0x..."),
// so a test can check that a captured user stack passes through it.
#include <fcntl.h>
#include <stdio.h>

__attribute__((noinline)) static int inner_caller(void) {
  char path[128];
  snprintf(path, sizeof path, "/nonexistent/whyfail/%p", (void *)inner_caller);
  int fd = openat(AT_FDCWD, path, O_RDONLY);
  return fd < 0 ? 1 : 0;  // uses the result: no tail call
}

__attribute__((noinline)) static int outer_caller(void) { return inner_caller() + 1; }

int main(void) { return outer_caller() == 2 ? 0 : 1; }
