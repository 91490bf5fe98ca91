#!/bin/sh
# scenario: kill, as nobody, a process that root runs
# expect-syscall: kill
# expect-errno: EPERM
# expect-keywords: {victim}
T=$2
case "$1" in
setup) sleep 300 >/dev/null 2>&1 & echo $! > "$T/victim"; echo $! >> "$T/scenario.pids" ;;
run) exec setpriv --reuid=65534 --regid=65534 --clear-groups kill -TERM "$(cat "$T/victim")" ;;
esac
