#!/bin/sh
# scenario: mmap MAP_FIXED at an address that is not page aligned
# expect-syscall: mmap
# expect-errno: EINVAL
# expect-keywords: align
T=$2
case "$1" in
setup) : ;;
run) exec "$SCEN_PROGS/scen_mmap_unaligned_fixed" ;;
esac
