#!/bin/sh
# scenario: grep a path whose middle component is a file, not a directory
# expect-syscall: openat open newfstatat stat
# expect-errno: ENOTDIR
# expect-keywords: logs
T=$2
case "$1" in
setup) echo "not a dir" > "$T/logs" ;;
run) exec grep -n error "$T/logs/app.log" ;;
esac
