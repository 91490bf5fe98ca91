#!/bin/sh
# scenario: chmod, as nobody, a file owned by root
# expect-syscall: chmod fchmodat fchmodat2
# expect-errno: EPERM
# expect-keywords: owner
T=$2
case "$1" in
setup) echo secret > "$T/settings.ini" && chmod 644 "$T/settings.ini" ;;
run) exec setpriv --reuid=65534 --regid=65534 --clear-groups chmod 666 "$T/settings.ini" ;;
esac
