#!/bin/sh
# get-debug-vmlinux.sh: install the debug vmlinux (DWARF) of the kernel lab's
# kernel, for file:line of kernel origins (tests/kernel-lab/file-line.sh).
#
#   get-debug-vmlinux.sh [RELEASE]      default: the newest /boot/vmlinuz-*
#
# Debian ships it in linux-image-RELEASE-dbg: 858 MB to download, 5.6 GB
# installed (every module's debug info too). Only vmlinux is needed, so the
# package is downloaded and just that file extracted (633 MB) to
# /usr/lib/debug/boot/vmlinux-RELEASE, where whyfail looks for it. Measured
# here: download 15 s, extraction 2.5 min (xz, on a loaded 2-CPU machine).
set -eu
release=${1:-}
if [ -z "$release" ]; then
  k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$k" ] || { echo "get-debug-vmlinux.sh: no /boot/vmlinuz-*; give a RELEASE" >&2; exit 2; }
  release=${k#/boot/vmlinuz-}
fi
dest=/usr/lib/debug/boot/vmlinux-$release
if [ -r "$dest" ]; then
  echo "get-debug-vmlinux.sh: $dest is already there"
  exit 0
fi
pkg=linux-image-$release-dbg
if ! apt-cache show "$pkg" >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-cache show "$pkg" >/dev/null 2>&1 ||
    { echo "get-debug-vmlinux.sh: no package $pkg in the apt sources; add the matching Debian (security) suite" >&2; exit 2; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/debug-vmlinux.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
# apt-get download writes as _apt when it can: let it.
chmod 777 "$work"
start=$(date +%s)
(cd "$work" && apt-get download "$pkg" >/dev/null)
deb=$(ls "$work"/*.deb)
echo "get-debug-vmlinux.sh: downloaded $(du -h "$deb" | cut -f1) in $(( $(date +%s) - start )) s; extracting vmlinux"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" "./usr/lib/debug/boot/vmlinux-$release"
mkdir -p /usr/lib/debug/boot
mv "$work/usr/lib/debug/boot/vmlinux-$release" "$dest"
echo "get-debug-vmlinux.sh: $dest ($(du -h "$dest" | cut -f1)) in $(( $(date +%s) - start )) s"
