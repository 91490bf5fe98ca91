#!/bin/sh
# scenario: touch, as nobody, a new file in a directory owned by root (mode 755)
# expect-syscall: openat open utimensat
# expect-errno: EACCES
# expect-keywords: shared
T=$2
case "$1" in
setup) mkdir -p "$T/shared" && chmod 755 "$T/shared" ;;
run) exec setpriv --reuid=65534 --regid=65534 --clear-groups touch "$T/shared/new.txt" ;;
esac
