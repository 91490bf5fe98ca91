// whyfail: why did this system call fail?
#include <cstdio>

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "whyfail: not implemented yet\n");
  return 2;
}
