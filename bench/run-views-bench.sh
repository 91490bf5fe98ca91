#!/usr/bin/env bash
# What the system-wide views cost the rest of the machine, in one run with
# rounds interleaved (a noisy neighbour hits every variant alike), medians:
#   mixed    untraced | floor mode 6 | whyfail files | opensnoop-bpfcc | bpftrace fatrace.bt (seed)
#   pingpong untraced | whyfail sched | runqlat-bpfcc | bpftrace slowprocs.bt (seed)
#   forky    untraced | whyfail execs | execsnoop-bpfcc | bpftrace exec one-liner (seed)
# and the start-up of each view: launch to the first event read through a pipe.
# Usage:
#   bench/run-views-bench.sh [ROUNDS]     (default 5; about 3 min without BCC)
# Environment:
#   WHYFAIL=path/to/whyfail   (default: build/whyfail of this checkout)
#   FLOOR_DIR=dir             the floor program (default: ../shared/floor next to the checkout)
#   BENCH_SCALE=F             multiply every workload's iteration count by F
#   BENCH_PIN=0               do not pin (default: workload on CPU 1, tracer on CPU 0, as the floor does)
#   BENCH_ONLY=mixed,forky     only these workloads; BENCH_STARTUP=0 skips the start-up figures
#   WHYFAIL_ALT=path[,path]   the whyfail rows (and start-up) again for other builds: A/B in one run
# BCC's tools (`apt-get install bpfcc-tools`, see scripts/install-bench-deps.sh)
# compile at run time against the running kernel's headers; when they cannot,
# their rows say why.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-5}"
whyfail="${WHYFAIL:-$root/build/whyfail}"
floor_dir="${FLOOR_DIR:-$root/../shared/floor}"

# bpftrace finds tracepoints through tracefs, which a fresh boot may not have
# mounted (its rows then fail with "tracepoint not found"); the tests mount it too.
if [[ ! -d /sys/kernel/tracing/events ]]; then
  mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi

bin="$(mktemp -d /tmp/whyfail-views-bench.XXXXXX)"
trap 'rm -rf "$bin"' EXIT
for w in mixed forky pingpong; do
  cc -O2 -Wall -Wextra -o "$bin/$w" "$here/workloads/$w.c"
done
floor=""
# Built in a copy: the floor's directory is shared reference material, not ours to write into.
if [[ -f "$floor_dir/Makefile" ]] && cp -r "$floor_dir" "$bin/floor-src" &&
   make -s -C "$bin/floor-src" >/dev/null 2>&1 && [[ -x "$bin/floor-src/floor" ]]; then
  floor="$bin/floor-src/floor"
fi

exec python3 "$here/views_bench.py" --rounds "$rounds" --bin "$bin" --whyfail "$whyfail" --floor "$floor"
