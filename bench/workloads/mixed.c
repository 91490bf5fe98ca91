/* mixed N: N rounds of a typical program's syscalls, one of six failing:
 * getpid (raw, so libc cannot cache it); open + read + close of
 * /etc/hostname; stat of a missing file (ENOENT); a 64-byte write to
 * /dev/null. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "timing.h"

int main(int argc, char **argv) {
    long n = iterations(argc, argv, 50000);
    int sink = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (sink < 0) { perror("mixed: /dev/null"); return 1; }
    char buf[128], payload[64];
    memset(payload, 'w', sizeof payload);
    struct stat st;
    long unexpected = 0;
    struct loop_timer t;
    loop_timer_start(&t, "mixed");
    for (long i = 0; i < n; i++) {
        syscall(SYS_getpid);
        int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
        if (fd < 0) { unexpected++; continue; }
        if (read(fd, buf, sizeof buf) < 0) unexpected++;
        close(fd);
        if (stat("/nonexistent-whyfail-bench/stat", &st) == 0) unexpected++;
        if (write(sink, payload, sizeof payload) != (ssize_t)sizeof payload) unexpected++;
    }
    loop_timer_report(&t, n);
    close(sink);
    if (unexpected) { fprintf(stderr, "mixed: %ld unexpected results\n", unexpected); return 1; }
    return 0;
}
