#!/bin/sh
# scenario: importing a python module fails because the module reads a data file that is missing
# expect-syscall: openat open
# expect-errno: ENOENT
# expect-keywords: fixtures
T=$2
case "$1" in
setup)
  mkdir -p "$T/lib/units"
  cat > "$T/lib/units/__init__.py" <<PY
import os
_here = os.path.dirname(__file__)
with open(os.path.join(_here, "fixtures", "table.csv")) as f:
    TABLE = f.read().splitlines()
PY
  ;;
run) cd "$T" && export PYTHONPATH="$T/lib" && exec /usr/bin/python3 -c 'import units; print(len(units.TABLE))' ;;
esac
