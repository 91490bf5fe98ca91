#!/bin/sh
# scenario: a shell script cds into something that is a regular file
# expect-syscall: chdir
# expect-errno: ENOTDIR
# expect-keywords: config
T=$2
case "$1" in
setup) echo "key=value" > "$T/config" ;;
run) exec sh -c "cd '$T/config' && ls" ;;
esac
