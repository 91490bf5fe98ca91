#!/bin/sh
# views-sched.sh WHYFAIL: `whyfail sched` on a second kernel (the lab's Debian
# 6.1, before EEVDF, other struct layouts through CO-RE): the view must load
# the kernel's sched_info way there too (--json summary "waits_from"), and the
# command's shell, woken by each of its five children's exits, must show at
# least five waits.
#
# Exit 77 (ctest SKIP) when the lab cannot run here (run-lab.sh says why).
set -eu
. "$(dirname "$0")/lab-capture.sh"
whyfail=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
lab_capture views-sched.sh "$out" --timeout 600 --bin "$whyfail" -- '
  echo WHYFAIL-BEGIN
  whyfail sched --json -- sh -c "for i in 1 2 3 4 5; do sleep 0.01; done"; echo "WHYFAIL-STATUS $?"
  echo WHYFAIL-END
'
exec python3 - "$out" <<'PY'
import json, sys
text = open(sys.argv[1], errors="replace").read()
body = text.split("WHYFAIL-BEGIN", 1)[1].split("WHYFAIL-END", 1)[0]
records = [json.loads(l) for l in body.splitlines() if l.startswith("{")]
assert "WHYFAIL-STATUS 0" in body, "whyfail sched did not exit 0"
summary = [r for r in records if r["type"] == "summary"]
assert len(summary) == 1, summary
assert summary[0]["waits_from"] == "sched_info", summary[0]
assert summary[0]["unmeasured_no_histogram"] == 0, summary[0]
hists = [r for r in records if r["type"] == "runq_latency"]
shells = {}
for h in hists:
    assert sum(b["count"] for b in h["log2_us"]) == h["count"], h
    if h["comm"] == "sh":
        shells[h["pid"]] = shells.get(h["pid"], 0) + h["count"]
top = min(shells) if shells else None  # the command's shell is forked first
assert top is not None and shells[top] >= 5, shells
print(f"views-sched.sh: sched_info on the lab kernel; the shell waited {shells[top]} times")
PY
