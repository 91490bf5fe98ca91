#!/bin/sh
# scenario: a python server binds a port another process already listens on
# expect-syscall: bind
# expect-errno: EADDRINUSE
# expect-keywords: {port}
T=$2
case "$1" in
setup)
  cat > "$T/holder.py" <<PY
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(300)
PY
  /usr/bin/python3 "$T/holder.py" "$T/port.tmp" >/dev/null 2>&1 &
  echo $! >> "$T/scenario.pids"
  i=0; while [ ! -s "$T/port.tmp" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
  mv "$T/port.tmp" "$T/port"
  cat > "$T/server.py" <<PY
import http.server, sys
port = int(sys.argv[1])
httpd = http.server.HTTPServer(("127.0.0.1", port), http.server.SimpleHTTPRequestHandler)
httpd.serve_forever()
PY
  ;;
run) exec /usr/bin/python3 "$T/server.py" "$(cat "$T/port")" ;;
esac
