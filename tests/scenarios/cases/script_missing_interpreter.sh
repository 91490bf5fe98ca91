#!/bin/sh
# scenario: run a script whose #! interpreter does not exist
# expect-syscall: execve execveat
# expect-errno: ENOENT
# expect-keywords: /opt/nowhere/bin/python
T=$2
case "$1" in
setup) printf '#!/opt/nowhere/bin/python\nprint("hi")\n' > "$T/tool.py" && chmod 755 "$T/tool.py" ;;
run) exec sh -c "'$T/tool.py' --version" ;;
esac
