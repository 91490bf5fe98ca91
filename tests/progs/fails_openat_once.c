// One openat that fails with ENOENT on a known path, then exit 0.
#include <fcntl.h>

int main(void) {
  openat(AT_FDCWD, "/nonexistent/whyfail/openat-capture", O_RDONLY | O_CLOEXEC);
  return 0;
}
