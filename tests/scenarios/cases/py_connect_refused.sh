#!/bin/sh
# scenario: a python client connects to a port nothing listens on
# expect-syscall: connect
# expect-errno: ECONNREFUSED
# expect-keywords: {port}
T=$2
case "$1" in
setup)
  # A port that was free a moment ago: bound, then released.
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' > "$T/port"
  cat > "$T/client.py" <<PY
import sys, urllib.request
with urllib.request.urlopen("http://127.0.0.1:%s/health" % sys.argv[1]) as r:
    print(r.status)
PY
  ;;
run) exec /usr/bin/python3 "$T/client.py" "$(cat "$T/port")" ;;
esac
