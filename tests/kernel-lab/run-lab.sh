#!/bin/sh
# run-lab.sh: boot a real kernel that allows kprobes, function_graph and BPF
# fexit (Debian's linux-image-amd64 under qemu TCG) with an initramfs built
# right now, run one command in it as root, and exit with that command's status.
#
#   run-lab.sh [--kernel VMLINUZ] [--timeout SECONDS] [--bin PATH]... \
#              [--file SRC=DST]... [--keep] -- COMMAND [ARGS...]
#
# --bin copies an executable to /bin/<basename> in the guest, with every shared
#   library ldd lists (so build outputs linked against libbpf, libdw... run).
# --file copies any file to DST (absolute path) in the guest.
# COMMAND runs under /bin/sh -c in the guest, cwd /, PATH=/bin:/sbin.
# WHYFAIL_LAB_APPEND adds to the kernel command line, WHYFAIL_LAB_QEMU to
# qemu's (e.g. "-icount shift=0,sleep=off": the guest's clocks then count
# instructions, 1 ns each, not host time, for benchmarks on a loaded host).
#
# Exit status: the guest command's status; 124 when the guest did not finish
# within --timeout (or printed no result marker); 77 when the lab cannot run
# here (no qemu, no /boot/vmlinuz-*): ctest maps 77 to SKIP, and the reason is
# printed on stderr.
#
# Why TCG: KVM does not boot in this project's CI VM; TCG boots Debian's 6.1 in
# about 8 s. Why a fresh initramfs each time: the guest must run the binaries
# just built, with exactly the libraries they were linked against.
set -eu

kernel=""
timeout_s=${WHYFAIL_LAB_TIMEOUT:-180}
keep=0
bins=""
files=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) kernel=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --bin) bins="$bins $2"; shift 2 ;;
    --file) files="$files $2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --) shift; break ;;
    *) echo "run-lab.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "run-lab.sh: no command given (after --)" >&2; exit 2; }

skip() { echo "run-lab.sh: SKIP: $*" >&2; exit 77; }

qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || skip "busybox not installed (apt-get install busybox-static)"
# The guest has no libc of its own: busybox must be the static build.
if ldd "$busybox" >/dev/null 2>&1; then
  skip "$busybox is dynamically linked; install busybox-static"
fi
if [ -z "$kernel" ]; then
  # Newest Debian kernel image in /boot.
  kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
fi
[ -n "$kernel" ] && [ -r "$kernel" ] || skip "no readable /boot/vmlinuz-* (apt-get install linux-image-amd64)"
command -v cpio >/dev/null || skip "cpio not installed"

work=$(mktemp -d "${TMPDIR:-/tmp}/whyfail-lab.XXXXXX")
cleanup() { [ "$keep" = 1 ] && echo "run-lab.sh: kept $work" >&2 || rm -rf "$work"; }
trap cleanup EXIT INT TERM
root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
         "$root/etc" "$root/root" "$root/lib" "$root/lib64" "$root/usr/lib" "$root/mnt"
cp "$busybox" "$root/bin/busybox"

# copy_with_libs FILE DEST: the file plus every library ldd resolves, at the
# same absolute paths (the dynamic loader included).
copy_libs() {
  ldd "$1" 2>/dev/null | while read -r a b c _; do
    lib=""
    case "$a" in /*) lib=$a ;; esac
    [ "$b" = "=>" ] && case "$c" in /*) lib=$c ;; esac
    [ -n "$lib" ] || continue
    d=$root$(dirname "$lib")
    mkdir -p "$d"
    [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
  done
}
for b in $bins; do
  [ -x "$b" ] || { echo "run-lab.sh: --bin $b is not an executable" >&2; exit 2; }
  cp -L "$b" "$root/bin/$(basename "$b")"
  copy_libs "$b"
done
for f in $files; do
  src=${f%%=*}; dst=${f#*=}
  mkdir -p "$root$(dirname "$dst")"
  cp -L "$src" "$root$dst"
done
# An unprivileged user for the cases that need one (bpf() refused by sysctl).
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

printf '%s\n' "$*" >"$root/lab-command"
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
ip link set lo up 2>/dev/null
ulimit -l unlimited
echo "WHYFAIL-LAB-START $(cut -d' ' -f1 /proc/uptime)"
cd /
/bin/sh -c "$(cat /lab-command)"
rc=$?
echo "WHYFAIL-LAB-RESULT $rc uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
EOF
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"

start=$(date +%s.%N)
# -no-reboot + panic=-1: a guest panic ends qemu instead of rebooting forever.
set +e
nice -n 10 timeout --kill-after=5 "$timeout_s" "$qemu" \
  -accel tcg -m 1G -smp 1 -nographic -no-reboot -nodefaults -serial stdio \
  -kernel "$kernel" -initrd "$work/initramfs.gz" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init ${WHYFAIL_LAB_APPEND:-}" \
  ${WHYFAIL_LAB_QEMU:-} </dev/null >"$work/console.log" 2>&1
qemu_rc=$?
set -e
end=$(date +%s.%N)
tr -d '\r' <"$work/console.log"
elapsed=$(echo "$start $end" | awk '{printf "%.1f", $2 - $1}')
rc=$(tr -d '\r' <"$work/console.log" | sed -n 's/^WHYFAIL-LAB-RESULT \([0-9]*\).*/\1/p' | tail -n 1)
if [ -z "$rc" ]; then
  echo "run-lab.sh: no result marker from the guest after ${elapsed}s (qemu status $qemu_rc; timeout ${timeout_s}s)" >&2
  exit 124
fi
echo "run-lab.sh: guest command exited $rc; boot to power-off ${elapsed}s (kernel $kernel)" >&2
exit "$rc"
