#!/bin/sh
# whyfail-kernel.sh WHYFAIL: `whyfail --kernel -- mkdir /tmp` end to end in
# the lab, as a user runs it: learning run, attach, the real run under each
# backend (bpf, ptrace), the origin in the text and in --json. The checks
# (whyfail-kernel-check.py, on the host) read the JSON: the mkdir record's
# kernel.origin is filename_create (where EEXIST is made on 6.1, as
# origin_lab's mkdir_exists case also finds), the chain ends at the syscall
# entry, the graph holds none of the tracer's own calls, and the text run
# prints the origin under the failing line.
#
# Exit 77 (ctest SKIP) when the lab cannot run here (run-lab.sh says why).
set -eu
here=$(dirname "$0")
. "$here/lab-capture.sh"
whyfail=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Each run's output between markers: the console also carries the kernel's
# and the shell's lines.
lab_capture whyfail-kernel.sh "$out" --timeout 1200 --bin "$whyfail" -- '
  mkdir /tmp 2>/dev/null; echo "WHYFAIL-STATUS direct $?"
  whyfail --kernel -o /tmp/text.out -- mkdir /tmp; echo "WHYFAIL-STATUS text $?"
  whyfail --kernel --json -o /tmp/bpf.json -- mkdir /tmp; echo "WHYFAIL-STATUS bpf $?"
  whyfail --backend=ptrace --kernel --json -o /tmp/ptrace.json -- mkdir /tmp; echo "WHYFAIL-STATUS ptrace $?"
  for f in text.out bpf.json ptrace.json; do echo "WHYFAIL-BEGIN $f"; cat /tmp/$f; echo "WHYFAIL-END $f"; done
'
exec python3 "$here/whyfail-kernel-check.py" "$out"
