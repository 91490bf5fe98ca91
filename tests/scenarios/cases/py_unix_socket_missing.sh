#!/bin/sh
# scenario: a python client connects to a unix socket path that does not exist
# expect-syscall: connect
# expect-errno: ENOENT
# expect-keywords: agent.sock
T=$2
case "$1" in
setup) mkdir -p "$T/run" ;;
run) exec /usr/bin/python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"ping")' "$T/run/agent.sock" ;;
esac
