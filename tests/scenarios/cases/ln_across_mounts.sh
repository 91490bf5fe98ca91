#!/bin/sh
# scenario: hard-link a file into another mount
# expect-syscall: link linkat
# expect-errno: EXDEV
# expect-keywords: mount
# requires: mount
T=$2
case "$1" in
setup) mkdir -p "$T/other" && echo v1 > "$T/release.tar" && mount -t tmpfs -o size=1m scen-other "$T/other" ;;
run) exec ln "$T/release.tar" "$T/other/release.tar" ;;
cleanup) umount "$T/other" 2>/dev/null ;;
esac
