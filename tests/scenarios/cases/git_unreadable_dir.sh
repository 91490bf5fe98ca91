#!/bin/sh
# scenario: git, as nobody, told to work in a directory it may not enter
# expect-syscall: chdir
# expect-errno: EACCES
# expect-keywords: locked
T=$2
case "$1" in
setup) mkdir -p "$T/locked/repo" && git init -q "$T/locked/repo" && chmod 700 "$T/locked" ;;
run) export HOME="$T"; exec setpriv --reuid=65534 --regid=65534 --clear-groups git -C "$T/locked/repo" status ;;
esac
