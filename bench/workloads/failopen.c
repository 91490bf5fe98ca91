/* failopen N: N openat calls on a path whose directory does not exist.
 * Every call fails with ENOENT: the worst case for a tracer that reports
 * failures, and the case whyfail exists for. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include "timing.h"

int main(int argc, char **argv) {
    long n = iterations(argc, argv, 200000);
    long unexpected = 0;
    struct loop_timer t;
    loop_timer_start(&t, "failopen");
    for (long i = 0; i < n; i++) {
        int fd = openat(AT_FDCWD, "/nonexistent-whyfail-bench/dir/file", O_RDONLY);
        if (fd >= 0 || errno != ENOENT) unexpected++;
    }
    loop_timer_report(&t, n);
    if (unexpected) {
        fprintf(stderr, "failopen: %ld calls did not fail with ENOENT\n", unexpected);
        return 1;
    }
    return 0;
}
