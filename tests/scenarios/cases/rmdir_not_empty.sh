#!/bin/sh
# scenario: rmdir a directory that still holds a file
# expect-syscall: rmdir unlinkat
# expect-errno: ENOTEMPTY
# expect-keywords: leftover.txt
T=$2
case "$1" in
setup) mkdir -p "$T/build" && echo x > "$T/build/leftover.txt" ;;
run) exec rmdir "$T/build" ;;
esac
