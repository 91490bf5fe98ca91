#!/bin/sh
# scenario: perf_event_open with sample_freq above kernel.perf_event_max_sample_rate
# expect-syscall: perf_event_open
# expect-errno: EINVAL
# expect-keywords: sample_freq perf_event_max_sample_rate
T=$2
case "$1" in
setup) : ;;
run) exec "$SCEN_PROGS/scen_perf_sample_freq" ;;
esac
