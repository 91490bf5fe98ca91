#!/bin/sh
# scenario: ls, as nobody, a directory only its owner (root) may read
# expect-syscall: openat open getdents64
# expect-errno: EACCES
# expect-keywords: secret
T=$2
case "$1" in
setup) mkdir -p "$T/secret" && touch "$T/secret/plans.txt" && chmod 700 "$T/secret" ;;
run) exec setpriv --reuid=65534 --regid=65534 --clear-groups ls "$T/secret" ;;
esac
