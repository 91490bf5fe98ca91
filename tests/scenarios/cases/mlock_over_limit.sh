#!/bin/sh
# scenario: nobody mlock()s 4 MiB with RLIMIT_MEMLOCK at 64 KiB
# expect-syscall: mlock mlock2
# expect-errno: ENOMEM
# expect-keywords: RLIMIT_MEMLOCK
T=$2
case "$1" in
setup) : ;;
run) exec "$SCEN_PROGS/scen_mlock_over_limit" ;;
esac
