#!/bin/sh
# scenario: cp into a directory on a read-only mount
# expect-syscall: openat open
# expect-errno: EROFS
# expect-keywords: ro-media
# requires: mount
T=$2
case "$1" in
setup) mkdir -p "$T/ro-media" && echo data > "$T/src.txt" && mount -t tmpfs -o ro,size=1m scen-ro "$T/ro-media" ;;
run) exec cp "$T/src.txt" "$T/ro-media/copy.txt" ;;
cleanup) umount "$T/ro-media" 2>/dev/null ;;
esac
