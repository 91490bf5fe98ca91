// Resilience-sweep subject: malloc() returns NULL when its mmap() fails, and this
// program writes through the pointer without checking it (SIGSEGV). The heap cannot
// grow with brk() here (a page is mapped right above the break, as a library mapping
// can be), so glibc's malloc falls back to exactly one mmap() of 1 MiB, and a single
// injected ENOMEM at that call makes malloc return NULL in this single-threaded program.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

// volatile: the compiler must not drop allocations whose contents nobody reads.
static char* volatile kept[4];

int main(void) {
  char* volatile first = malloc(16);  // the main arena now exists, carved from brk
  free(first);
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t end = ((uintptr_t)sbrk(0) + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  void* block = mmap((void*)end, (size_t)page, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (block == MAP_FAILED) {
    perror("sweep_null_after_malloc: cannot map above the heap");
    return 1;
  }
  // Below the mmap threshold, so malloc tries brk (blocked), then its mmap fallback.
  for (int i = 0; i < 4; i++) {
    char* p = malloc(100 * 1024);
    kept[i] = p;
    p[0] = 1;  // the bug: no NULL check
    p[100 * 1024 - 1] = 2;
  }
  return 0;
}
