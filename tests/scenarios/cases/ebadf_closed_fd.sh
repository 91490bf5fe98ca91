#!/bin/sh
# scenario: a program writes to a log descriptor it already closed
# expect-syscall: write
# expect-errno: EBADF
# expect-keywords: close
T=$2
case "$1" in
setup) : ;;
run) exec "$SCEN_PROGS/scen_ebadf_closed_fd" "$T/app.log" ;;
esac
