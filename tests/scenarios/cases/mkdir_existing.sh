#!/bin/sh
# scenario: mkdir a directory that already exists
# expect-syscall: mkdir mkdirat
# expect-errno: EEXIST
# expect-keywords: reports
T=$2
case "$1" in
setup) mkdir -p "$T/reports" ;;
run) exec mkdir "$T/reports" ;;
esac
