/* forky N: N times fork, exec /bin/true in the child, wait for it. Measures
 * what a tracer pays to follow new processes and execs (attach, options,
 * the exec's own dynamic loading under tracing). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "timing.h"

int main(int argc, char **argv) {
    long n = iterations(argc, argv, 300);
    long unexpected = 0;
    struct loop_timer t;
    loop_timer_start(&t, "forky");
    for (long i = 0; i < n; i++) {
        pid_t child = fork();
        if (child < 0) { perror("forky: fork"); return 1; }
        if (child == 0) {
            execl("/bin/true", "true", (char *)NULL);
            _exit(127);
        }
        int status = 0;
        if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            unexpected++;
    }
    loop_timer_report(&t, n);
    if (unexpected) { fprintf(stderr, "forky: %ld children failed\n", unexpected); return 1; }
    return 0;
}
