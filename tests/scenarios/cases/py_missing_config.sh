#!/bin/sh
# scenario: a python program opens its config in a directory that does not exist
# expect-syscall: openat open
# expect-errno: ENOENT
# expect-keywords: conf.d
T=$2
case "$1" in
setup) mkdir -p "$T/etc" && cat > "$T/app.py" <<PY
import configparser, sys
path = sys.argv[1]
with open(path) as f:
    cfg = configparser.ConfigParser()
    cfg.read_file(f)
print(cfg.sections())
PY
;;
run) exec /usr/bin/python3 "$T/app.py" "$T/etc/conf.d/app.ini" ;;
esac
