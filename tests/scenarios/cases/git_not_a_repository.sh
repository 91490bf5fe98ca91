#!/bin/sh
# scenario: git status in a directory that is not inside any repository
# expect-syscall: newfstatat stat lstat statx access openat
# expect-errno: ENOENT
# expect-keywords: .git
T=$2
case "$1" in
setup) mkdir -p "$T/plain/src" ;;
run) exec git -C "$T/plain/src" status ;;
esac
