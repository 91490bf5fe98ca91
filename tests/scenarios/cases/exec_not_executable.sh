#!/bin/sh
# scenario: run a script that lacks the execute bit
# expect-syscall: execve execveat
# expect-errno: EACCES
# expect-keywords: deploy.sh
T=$2
case "$1" in
setup) printf '#!/bin/sh\necho deploying\n' > "$T/deploy.sh" && chmod 644 "$T/deploy.sh" ;;
run) exec sh -c "'$T/deploy.sh'" ;;
esac
