#!/bin/sh
# scenario: os.makedirs where one component of the path is a regular file
# expect-syscall: mkdir mkdirat
# expect-errno: ENOTDIR
# expect-keywords: cache
T=$2
case "$1" in
setup) echo "stale" > "$T/cache" ;;
run) exec /usr/bin/python3 -c 'import os, sys; os.makedirs(os.path.join(sys.argv[1], "cache", "v2", "objects"))' "$T" ;;
esac
