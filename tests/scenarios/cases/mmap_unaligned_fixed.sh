#!/bin/sh
# scenario: mmap MAP_FIXED at an address that is not page aligned (the verdict must name the address and the page size rule)
# expect-syscall: mmap
# expect-errno: EINVAL
# expect-keywords: 0x7f0000000123 page
T=$2
case "$1" in
setup) : ;;
run) exec "$SCEN_PROGS/scen_mmap_unaligned_fixed" ;;
esac
