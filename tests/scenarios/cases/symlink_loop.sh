#!/bin/sh
# scenario: cat through two symlinks that point at each other
# expect-syscall: openat open
# expect-errno: ELOOP
# expect-keywords: current
T=$2
case "$1" in
setup) ln -s "$T/previous" "$T/current" && ln -s "$T/current" "$T/previous" ;;
run) exec cat "$T/current" ;;
esac
