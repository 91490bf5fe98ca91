#!/bin/sh
# file-line.sh ORIGIN_LAB: file:line of a kernel origin, checked. Runs the
# perf_branch_bits case in the lab (fexit), takes the function+offset frames
# the guest found, and symbolizes them on the host with the lab kernel's debug
# vmlinux (whyfail's libdw code); each file:line must equal what binutils'
# addr2line says for the same address (an independent DWARF reader), the
# origin must be in kernel/events/core.c, and the guest's running kernel must
# have the vmlinux's build-id (read from /sys/kernel/notes in the guest).
# With WHYFAIL_KERNEL_SOURCE (a kernel source tree, e.g. Debian's linux-source-6.1
# unpacked) the source line of perf_copy_attr's call site must call it.
#
# Exit 77 (ctest SKIP) without the debug vmlinux: get it with
# tests/kernel-lab/get-debug-vmlinux.sh (858 MB download).
set -eu
. "$(dirname "$0")/lab-capture.sh"
origin_lab=$1
k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$k" ] || { echo "file-line.sh: SKIP: no /boot/vmlinuz-*" >&2; exit 77; }
release=${k#/boot/vmlinuz-}
vmlinux=/usr/lib/debug/boot/vmlinux-$release
[ -r "$vmlinux" ] || {
  echo "file-line.sh: SKIP: no $vmlinux (run tests/kernel-lab/get-debug-vmlinux.sh to check file:line)" >&2
  exit 77
}
command -v addr2line >/dev/null || { echo "file-line.sh: SKIP: addr2line (binutils) not installed" >&2; exit 77; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
lab_capture file-line.sh "$out" --timeout 600 --bin "$origin_lab" -- "origin_lab --mechanism fexit case perf_branch_bits"
frames=$(sed -n 's/^WHYFAIL-FRAME //p' "$out" | tr -d '\r')
guest_id=$(sed -n 's/^WHYFAIL-BUILD-ID //p' "$out" | tr -d '\r')
[ -n "$frames" ] || { echo "file-line.sh: the guest printed no frames" >&2; exit 1; }

sym=$("$origin_lab" symbolize "$vmlinux" $frames)
echo "$sym"
host_id=$(echo "$sym" | sed -n 's/^build-id //p')
if [ "$guest_id" != "$host_id" ]; then
  echo "file-line.sh: FAIL: guest kernel build-id $guest_id, $vmlinux has $host_id" >&2
  exit 1
fi
fail=0
first=1
echo "$sym" | grep -v -e '^build-id ' -e '^source ' | while read -r frame addr fileline; do
  want=$(addr2line -e "$vmlinux" "$addr" | head -n 1)
  # Both name the file the way the DWARF does; compare the last components.
  ours=$(echo "$fileline" | sed 's|.*/\([^/]*/[^/]*:[0-9]*\)$|\1|')
  theirs=$(echo "$want" | sed 's| (discriminator.*||; s|.*/\([^/]*/[^/]*:[0-9]*\)$|\1|')
  echo "file-line.sh: $frame: whyfail $fileline, addr2line $want"
  if [ "$ours" != "$theirs" ]; then
    echo "file-line.sh: FAIL: $frame: $ours vs addr2line $theirs" >&2
    exit 1
  fi
  if [ "$first" = 1 ]; then
    case "$fileline" in
      *kernel/events/core.c:[0-9]*) ;;
      *) echo "file-line.sh: FAIL: origin $frame at $fileline, expected kernel/events/core.c" >&2; exit 1 ;;
    esac
    first=0
  fi
done || fail=1
[ "$fail" = 0 ] || exit 1
# With the kernel's source (WHYFAIL_KERNEL_SOURCE=/usr/src/linux-source-6.1...),
# the line perf_copy_attr returned into must be the line that calls it.
if [ -n "${WHYFAIL_KERNEL_SOURCE:-}" ]; then
  line=$(echo "$sym" | sed -n 's/^source __do_sys_perf_event_open+0x[0-9a-f]* //p' | head -n 1)
  echo "file-line.sh: source at the call site: $line"
  case "$line" in
    *perf_copy_attr*) ;;
    *) echo "file-line.sh: FAIL: the call site's source line does not call perf_copy_attr" >&2; exit 1 ;;
  esac
fi
echo "file-line.sh: PASS: every frame's file:line agrees with addr2line; build-id $host_id"
