#!/bin/sh
# scenario: a daemon drops to nobody, then binds port 80
# expect-syscall: bind
# expect-errno: EACCES
# expect-keywords: CAP_NET_BIND_SERVICE 80
T=$2
case "$1" in
setup) : ;;
run) exec "$SCEN_PROGS/scen_bind_privileged_port" ;;
esac
