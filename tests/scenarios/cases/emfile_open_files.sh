#!/bin/sh
# scenario: a program leaks descriptors until RLIMIT_NOFILE (ulimit -n 16) stops it
# expect-syscall: openat open
# expect-errno: EMFILE
# expect-keywords: NOFILE 16
T=$2
case "$1" in
setup) echo "doc" > "$T/doc.txt" ;;
run) ulimit -n 16 && exec "$SCEN_PROGS/scen_emfile" "$T/doc.txt" ;;
esac
