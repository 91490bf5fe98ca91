#!/bin/sh
# scenario: a python program, as nobody, lists a directory only root may read
# expect-syscall: openat open
# expect-errno: EACCES
# expect-keywords: private
T=$2
case "$1" in
setup) mkdir -p "$T/private" && chmod 700 "$T/private" ;;
run) exec setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c 'import os, sys; print(os.listdir(sys.argv[1]))' "$T/private" ;;
esac
