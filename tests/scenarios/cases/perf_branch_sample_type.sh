#!/bin/sh
# scenario: perf_event_open with a branch_sample_type bit outside the defined mask
# expect-syscall: perf_event_open
# expect-errno: EINVAL
# expect-keywords: branch_sample_type
T=$2
case "$1" in
setup) : ;;
run) exec "$SCEN_PROGS/scen_perf_branch_sample_type" ;;
esac
