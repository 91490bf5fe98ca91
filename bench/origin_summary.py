#!/usr/bin/env python3
"""Summarizes origin_lab's BENCH attach / BENCH learned lines (stdin) for
bench/run-origin-bench.sh: the median per variant (fexit, kretprobe,
kretprobe-by-name), case and N, then the ratios measured side by side.

usage: origin_summary.py attach|learned < console
"""
import re
import statistics
import sys

FIELDS = ("attach", "detach", "per_function", "prepare", "link")


def parse(kind, lines):
    rows = {}
    for line in lines:
        if not line.startswith(f"BENCH {kind} "):
            continue
        f = dict(re.findall(r"(\w+)=([\w.]+)", line))
        variant = f["mechanism"] + ("-by-name" if f.get("by") == "name" else "")
        key = (f.get("case", ""), variant, int(f["n"]))
        rows.setdefault(key, []).append({k: float(re.sub(r"m?s$", "", f[k])) for k in FIELDS})
    return rows


def main():
    kind = sys.argv[1]
    rows = parse(kind, sys.stdin)
    med = {}
    for (case, variant, n), rs in sorted(rows.items()):
        m = {k: statistics.median(r[k] for r in rs) for k in FIELDS}
        med[(case, variant, n)] = m
        label = f"{case} {variant}" if case else variant
        print(f"{kind.upper()} {label} n={n}: attach {m['attach']:.2f}s, {m['per_function']:.2f} ms per "
              f"function (prepare {m['prepare']:.2f}, link {m['link']:.2f}), detach {m['detach']:.2f}s"
              f"{f'; median of {len(rs)}' if len(rs) > 1 else ''}")

    def ratio(text, a, b):
        if a and b:
            print(f"RATIO {text} = {a / b:.2f}")

    for case in sorted({k[0] for k in med}):
        tag = f"{case}: " if case else ""
        ns = sorted({k[2] for k in med if k[0] == case})
        for n in ns:
            f, k, kn = (med.get((case, v, n)) for v in ("fexit", "kretprobe", "kretprobe-by-name"))
            if f and k:
                ratio(f"{tag}per-function attach at n={n}, fexit/kretprobe", f["per_function"], k["per_function"])
                ratio(f"{tag}detach at n={n}, fexit/kretprobe", f["detach"], k["detach"])
            if k and kn:
                ratio(f"{tag}per-function attach at n={n}, kretprobe by name/by address", kn["per_function"],
                      k["per_function"])
        for v in ("fexit", "kretprobe"):
            lo, hi = med.get((case, v, 100)), med.get((case, v, 1000))
            if lo and hi:
                ratio(f"{v} attach(1000)/attach(100) (linear: 10)", hi["attach"], lo["attach"])
            for n in ns:
                m = med.get((case, v, n))
                if m:
                    ratio(f"{tag}{v} detach/attach at n={n}", m["detach"], m["attach"])


if __name__ == "__main__":
    main()
