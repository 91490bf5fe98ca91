#!/usr/bin/env bash
# --kernel in the kernel lab (qemu TCG, Debian's 6.1: fexit and kretprobes
# work there, not on this project's CI kernel). Prints ratios: absolute times
# are TCG's, in guest time counted by instructions (see WHYFAIL_LAB_QEMU).
#
#   bench/run-origin-bench.sh [attach|learned|slowdown|slowdown-n|all-attach]...
#                                                   (default: attach learned slowdown)
#
#   attach      one guest: attach and detach the first N usable candidates
#               (address order) for N = 100 (ORIGIN_BENCH_ATTACH_ROUNDS
#               times, default 3, medians) and 1000 (once), with fexit,
#               kretprobes by address and kretprobes by name (as libbpf opens
#               them), interleaved; per-function times split into prepare
#               (program load / perf_event_open) and link (the attach);
#               ratios fexit/kretprobe, by name/by address, 1000/100
#               (linear: 10), detach/attach.
#   learned     one guest: each lab case's learned candidate set (what
#               --kernel arms for that syscall, N = its size: the "all
#               candidates" of a real run), armed with fexit then kretprobes.
#   slowdown    a syscall loop (open+read+close, getppid) in a process whyfail
#               does not trace, while --kernel is armed for another process
#               on the loop's own learned set (what --kernel arms when the
#               traced command makes the same syscalls: the costly case);
#               each round: not armed, armed for the other process, the loop
#               traced itself, detached; fexit and kretprobes alternate;
#               medians of per-round ratios (ORIGIN_BENCH_ROUNDS, default 5).
#   slowdown-n  the same on the first N candidates (ORIGIN_BENCH_N, default
#               1000), one guest per mechanism; baseline before arming and
#               after detaching only (detaching 1000 takes minutes), so host
#               drift shows as pre != post.
#   all-attach  attach every usable candidate (23,138 on 6.1.0-57) with fexit,
#               printing the time per 1000 as it goes (long: ftrace updates
#               cost more as more functions are attached). Capped by
#               ORIGIN_BENCH_ALL_TIMEOUT seconds (default 3000);
#               ORIGIN_BENCH_ALL_MECHANISM=kretprobe for kretprobes.
# Environment: ORIGIN_LAB=path/to/origin_lab (default build/tests/kernel-lab/origin_lab).
set -euo pipefail
# The guest's clock counts instructions, 1 ns each (shift=0: the order of a
# real CPU, so that timer waits such as RCU grace periods weigh about as on
# hardware), not host time: other builds on the host then change no figure
# (wall-clock rounds of the same loop varied 2.5-18x under load;
# instruction-counted ones agree to 1%). WHYFAIL_LAB_QEMU= (empty) measures
# host time instead.
export WHYFAIL_LAB_QEMU="${WHYFAIL_LAB_QEMU--icount shift=0,sleep=off}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
lab="$root/tests/kernel-lab/run-lab.sh"
origin_lab="${ORIGIN_LAB:-$root/build/tests/kernel-lab/origin_lab}"
[ -x "$origin_lab" ] || { echo "run-origin-bench.sh: no $origin_lab; build it (cmake --build build --target origin_lab)" >&2; exit 2; }
rounds="${ORIGIN_BENCH_ROUNDS:-5}"
slow_n="${ORIGIN_BENCH_N:-1000}"
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(attach learned slowdown)

in_lab() {  # in_lab TIMEOUT COMMAND: the guest's console, BENCH lines only
  local out rc=0
  out=$("$lab" --timeout "$1" --bin "$origin_lab" -- "$2" 2>&1) || rc=$?
  echo "$out" | grep -E '^(BENCH|candidates:|arm failed|learned |the loop|== |FAIL|  failed:)' || true
  [ "$rc" = 0 ] || echo "run-origin-bench.sh: lab exited $rc for: $2" >&2
}
attach_rounds="${ORIGIN_BENCH_ATTACH_ROUNDS:-3}"

slowdown_ratios() {
  sed -n -e p -e 's/.*mechanism=\([a-z]*\) n=\([0-9]*\).*attached=\([0-9]*\).*armed_other=[0-9.]*s ratio=\([0-9.]*\) traced_self=[0-9.]*s ratio=\([0-9.]*\).*/RATIO slowdown of an untraced syscall loop, \1 armed on \3 functions for another process = \4; loop traced itself = \5/p'
}

# BENCH attach|learned lines -> medians per variant and N, and the ratios.
summarize_attach() { python3 "$here/origin_summary.py" "$1"; }

echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs); qemu: ${WHYFAIL_LAB_QEMU:-host time}"
for w in "${what[@]}"; do
  case "$w" in
    attach)
      # One guest, the variants interleaved so that a slower or faster
      # stretch of the host hits them alike: fexit, kretprobe by address,
      # kretprobe by name (as libbpf opens them). A warm-up of each first,
      # not reported (the guest's first attach pays one-time costs). N=100
      # $attach_rounds times (medians), N=1000 once (its detach takes minutes).
      cmd="origin_lab --mechanism fexit bench-attach 100 >/dev/null; origin_lab --mechanism kretprobe bench-attach 100 >/dev/null;"
      for _ in $(seq "$attach_rounds"); do
        cmd+=" origin_lab --mechanism fexit bench-attach 100; origin_lab --mechanism kretprobe bench-attach 100;"
        cmd+=" origin_lab --mechanism kretprobe --by-name bench-attach 100;"
      done
      cmd+=" origin_lab --mechanism fexit bench-attach 1000; origin_lab --mechanism kretprobe bench-attach 1000;"
      cmd+=" origin_lab --mechanism kretprobe --by-name bench-attach 1000"
      out=$(in_lab 5400 "$cmd"); echo "$out"; echo "$out" | summarize_attach attach
      ;;
    learned)
      # One guest: each case learned once, then its set armed with fexit and
      # with kretprobes in turn (same functions, side by side).
      out=$(in_lab 3600 "origin_lab bench-learned all"); echo "$out"; echo "$out" | summarize_attach learned
      ;;
    slowdown)
      # The loop's own learned set, armed and detached each round, fexit and
      # kretprobes alternating: per-round ratios, medians.
      in_lab 3600 "origin_lab bench-slowdown learned $rounds" | slowdown_ratios
      ;;
    slowdown-n)
      for m in fexit kretprobe; do
        in_lab 2400 "origin_lab --mechanism $m bench-slowdown $slow_n $rounds" | slowdown_ratios
      done
      ;;
    all-attach)
      in_lab "${ORIGIN_BENCH_ALL_TIMEOUT:-3000}" \
        "origin_lab --mechanism ${ORIGIN_BENCH_ALL_MECHANISM:-fexit} bench-attach-keep all" |
        awk '/progress/ { split($3, t, "="); split($4, e, "="); s = e[2] + 0;
                          chunk = s - prev; prev = s; if (first == 0) first = chunk;
                          printf "%s  (this 1000: %.1fs, %.2fx the first 1000)\n", $0, chunk, chunk / first; next }
             { print }'
      ;;
    *) echo "run-origin-bench.sh: unknown part $w (attach, learned, slowdown, all-attach)" >&2; exit 2 ;;
  esac
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
