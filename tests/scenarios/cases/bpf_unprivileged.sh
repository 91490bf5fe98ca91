#!/bin/sh
# scenario: nobody creates a BPF map while kernel.unprivileged_bpf_disabled is set
# expect-syscall: bpf
# expect-errno: EPERM
# expect-keywords: unprivileged_bpf_disabled
# requires: sysctl kernel.unprivileged_bpf_disabled != 0
T=$2
case "$1" in
setup) : ;;
run) exec "$SCEN_PROGS/scen_bpf_unprivileged" ;;
esac
