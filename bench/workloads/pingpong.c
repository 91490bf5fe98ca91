/* pingpong N: two processes pass one byte back and forth N times over two
 * pipes. Every round trip is two context switches: a tracer that adds
 * latency to each stop (or wakes a CPU per event) shows up here, not in
 * raw syscall throughput. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "timing.h"

int main(int argc, char **argv) {
    long n = iterations(argc, argv, 20000);
    int ping[2], pong[2];
    if (pipe(ping) != 0 || pipe(pong) != 0) { perror("pingpong: pipe"); return 1; }
    pid_t child = fork();
    if (child < 0) { perror("pingpong: fork"); return 1; }
    char c = 'x';
    if (child == 0) {
        close(ping[1]);
        close(pong[0]);
        while (read(ping[0], &c, 1) == 1)
            if (write(pong[1], &c, 1) != 1) _exit(1);
        _exit(0);
    }
    close(ping[0]);
    close(pong[1]);
    long unexpected = 0;
    struct loop_timer t;
    loop_timer_start(&t, "pingpong");
    for (long i = 0; i < n; i++) {
        if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1) { unexpected++; break; }
    }
    loop_timer_report(&t, n);
    close(ping[1]);
    int status = 0;
    waitpid(child, &status, 0);
    if (unexpected || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pingpong: broken exchange\n");
        return 1;
    }
    return 0;
}
