#!/usr/bin/env bash
# --kernel in the kernel lab (qemu TCG, Debian's 6.1: fexit and kretprobes
# work there, not on this project's CI kernel). Prints ratios only: TCG on a
# shared host inflates every absolute time.
#
#   bench/run-origin-bench.sh [attach|learned|slowdown|all-attach]...
#                                                   (default: attach learned slowdown)
#
#   attach      one guest per mechanism: attach and detach the first N usable
#               candidates for N = 100 and 1000; prints per-function times
#               (split: prepare = program load or perf_event_open, link =
#               the attach), the 1000/100 ratio (linear = 10) and
#               fexit/kretprobe; kretprobes also by name (as libbpf opens
#               them) in the same guest, interleaved: by-name/by-address.
#   learned     one guest per mechanism: each lab case's learned candidate
#               set (what --kernel arms for that syscall, N = its size: the
#               "all candidates" of a real run), attach and detach.
#   slowdown    a syscall loop (open+read+close, getppid) in a process whyfail
#               does not trace, while fexit (then, in another guest,
#               kretprobes) is armed on N functions for another
#               process; rounds alternate armed-other / traced-self, baseline
#               before arming and after detaching; medians, ratio to baseline.
#   all-attach  attach every usable candidate (23,150 on 6.1) with fexit,
#               printing the time per 1000 as it goes (long: ftrace updates
#               cost more as more functions are attached). Capped by
#               ORIGIN_BENCH_ALL_TIMEOUT seconds (default 3000);
#               ORIGIN_BENCH_ALL_MECHANISM=kretprobe for kretprobes.
# Environment: ORIGIN_LAB=path/to/origin_lab (default build/tests/kernel-lab/origin_lab),
#              ORIGIN_BENCH_ROUNDS (slowdown rounds, default 5), ORIGIN_BENCH_N (slowdown N, default 1000).
set -euo pipefail
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
  echo "$out" | grep -E '^(BENCH|candidates:|arm failed|learned |== |FAIL|  failed:)' || true
  [ "$rc" = 0 ] || echo "run-origin-bench.sh: lab exited $rc for: $2" >&2
}
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" | head -n 1; }

echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
for w in "${what[@]}"; do
  case "$w" in
    attach)
      declare -A per
      for m in fexit kretprobe; do
        # A warm-up round first, not reported: the guest's first attach pays
        # one-time costs (page cache, first trampolines) the next ones do not.
        cmd="origin_lab --mechanism $m bench-attach 100 >/dev/null;"
        if [ "$m" = kretprobe ]; then
          cmd+=" origin_lab --mechanism $m bench-attach 100; origin_lab --mechanism $m --by-name bench-attach 100;"
          cmd+=" origin_lab --mechanism $m bench-attach 1000; origin_lab --mechanism $m --by-name bench-attach 1000"
        else
          cmd+=" origin_lab --mechanism $m bench-attach 100; origin_lab --mechanism $m bench-attach 1000"
        fi
        res=$(in_lab 3600 "$cmd")
        echo "$res"
        by_addr=$(echo "$res" | grep -v 'by=name')
        per[$m.100]=$(echo "$by_addr" | grep 'n=100 ' | field per_function)
        per[$m.1000]=$(echo "$by_addr" | grep 'n=1000 ' | field per_function)
        a100=$(echo "$by_addr" | grep 'n=100 ' | field attach)
        a1000=$(echo "$by_addr" | grep 'n=1000 ' | field attach)
        d100=$(echo "$by_addr" | grep 'n=100 ' | field detach)
        d1000=$(echo "$by_addr" | grep 'n=1000 ' | field detach)
        if [ "$m" = kretprobe ]; then
          for n in 100 1000; do
            byname=$(echo "$res" | grep 'by=name' | grep "n=$n " | field per_function)
            awk -v n="$n" -v a="${per[$m.$n]}" -v b="$byname" 'BEGIN {
              if (a > 0 && b > 0) printf "RATIO kretprobe per-function attach at %d, by name/by address = %.2f\n", n, b / a }'
          done
        fi
        awk -v m="$m" -v a="$a100" -v b="$a1000" -v c="$d100" -v d="$d1000" 'BEGIN {
          if (a > 0 && b > 0) printf "RATIO %s attach(1000)/attach(100) = %.2f (linear: 10)\n", m, b / a;
          if (a > 0 && c > 0) printf "RATIO %s detach(100)/attach(100) = %.2f\n", m, c / a;
          if (b > 0 && d > 0) printf "RATIO %s detach(1000)/attach(1000) = %.2f\n", m, d / b }'
      done
      awk -v f="${per[fexit.1000]}" -v k="${per[kretprobe.1000]}" 'BEGIN {
        if (f > 0 && k > 0) printf "RATIO per-function attach at 1000, fexit/kretprobe = %.2f\n", f / k }'
      ;;
    learned)
      for m in fexit kretprobe; do
        in_lab 3600 "origin_lab --mechanism $m bench-learned all" |
          awk '{ print }
               /^BENCH learned/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                                  printf "LEARNED %s %s: n=%s attached=%s attach=%s (%s per function) detach=%s\n",
                                         v["mechanism"], v["case"], v["n"], v["attached"], v["attach"],
                                         v["per_function"], v["detach"] }'
      done
      ;;
    slowdown)
      for m in fexit kretprobe; do
        in_lab 2400 "origin_lab --mechanism $m bench-slowdown $slow_n $rounds" |
          tee /dev/stderr | sed -n 's/.*mechanism=\([a-z]*\) n=\([0-9]*\).*attached=\([0-9]*\).*armed_other=[0-9.]*s ratio=\([0-9.]*\) traced_self=[0-9.]*s ratio=\([0-9.]*\).*/RATIO slowdown of an untraced syscall loop, \1 armed on \3 functions for another process = \4; loop traced itself = \5/p'
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
