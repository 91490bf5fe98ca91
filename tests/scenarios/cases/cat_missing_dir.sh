#!/bin/sh
# scenario: cat a file whose directory does not exist
# expect-syscall: openat open
# expect-errno: ENOENT
# expect-keywords: nodir
T=$2
case "$1" in
setup) mkdir -p "$T/logs" ;;
run) exec cat "$T/logs/nodir/file.txt" ;;
esac
