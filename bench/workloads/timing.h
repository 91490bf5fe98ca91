/* Loop timing for the bench workloads. With BENCH_TIMING set in the
 * environment a workload reports, on stderr at the end:
 *   bench: name=<workload> n=<iterations> loop_s=<seconds in the loop>
 * The clock is read through the vDSO: no syscall is added to the loop. */
#ifndef WHYFAIL_BENCH_TIMING_H
#define WHYFAIL_BENCH_TIMING_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct loop_timer {
    const char *name;
    struct timespec begin;
};

static inline void loop_timer_start(struct loop_timer *t, const char *name) {
    t->name = name;
    clock_gettime(CLOCK_MONOTONIC, &t->begin);
}

static inline void loop_timer_report(const struct loop_timer *t, long n) {
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (!getenv("BENCH_TIMING")) return;
    double s = (double)(end.tv_sec - t->begin.tv_sec) + (end.tv_nsec - t->begin.tv_nsec) / 1e9;
    fprintf(stderr, "bench: name=%s n=%ld loop_s=%.6f\n", t->name, n, s);
}

static inline long iterations(int argc, char **argv, long fallback) {
    return argc > 1 ? strtol(argv[1], NULL, 10) : fallback;
}

#endif
