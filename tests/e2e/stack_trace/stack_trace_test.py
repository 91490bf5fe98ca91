#!/usr/bin/env python3
"""-k on real stacks: tests/progs/fails_open_two_sites.c, where openat fails
from load_config() and then from load_cache().

strace -k is the oracle: for the program's own frames, whyfail -k must print
the same function+offset as strace, frame for frame (ptrace backend); the bpf
backend walks frame pointers, which Debian's libc lacks, so its program
frames must be the innermost ones of strace's (checked with --direct, where
the program makes the syscall itself) and, through libc, its one frame must
be libc's open, found by build-id. Then what strace cannot check: JSON
frames and call-site keys (two sites, two keys, the same in a second run at
other load addresses), the verdict's "called from:", a stripped copy named
through its debug file found by build-id in WHYFAIL_DEBUG_DIRS, and a module
path with control bytes escaped.

Usage: stack_trace_test.py --whyfail PATH --prog PATH [-v]
Exit status 0 on success, 1 on a failure, 77 when strace is missing.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILURES = []
ARGS = None
MARK = "/nonexistent/whyfail-two-sites"
FRAME = re.compile(r"^ > (?P<module>.*)\((?P<function>[^()]*)\+0x(?P<offset>[0-9a-f]+)\) \[0x[0-9a-f]+\]$")


def run(cmd, env=None, timeout=120):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                          errors="surrogateescape")


def check(cond, what, detail=""):
    if not cond:
        FAILURES.append(f"{what}\n{detail}".rstrip())
        print(f"FAIL {what}")
    elif ARGS.verbose:
        print(f"ok   {what}")
    return cond


def stacks(text):
    """The stacks under each failing openat of MARK: lists of (module, function, offset)."""
    out, current = [], None
    for line in text.splitlines():
        line = re.sub(r"^(\[pid\s+\d+\] |\d+\s+)", "", line)
        if line.startswith("openat(") and MARK in line and "= -1" in line:
            current = []
            out.append(current)
        elif line.startswith(" > ") and current is not None:
            m = FRAME.match(line)
            current.append((m["module"], m["function"], int(m["offset"], 16)) if m else (None, None, line))
        else:
            current = None
    return out


def own(stack, prog):
    """The program's own frames (function, offset)."""
    return [(f, o) for (m, f, o) in stack if m == prog]


def strace_stacks(prog, args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "strace.txt")
        run(["strace", "-f", "-qq", "-k", "-e", "trace=openat", "-o", out, prog] + args)
        return stacks(open(out, errors="surrogateescape").read())


def whyfail(backend, prog, args, extra=(), env=None):
    return run([ARGS.whyfail, f"--backend={backend}", "-k"] + list(extra) + ["--", prog] + args, env=env)


def json_calls(text):
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    calls = [r for r in records if r.get("type") == "syscall" and r.get("syscall") == "openat"
             and MARK in json.dumps(r.get("args"))]
    verdicts = [r for r in records if r.get("type") == "verdict"]
    return calls, verdicts


def backend_usable(backend):
    r = run([ARGS.whyfail, f"--backend={backend}", "--", "true"], timeout=60)
    if r.returncode != 0:
        print(f"note: the {backend} backend cannot run here, its checks are skipped: {r.stderr.strip()[:200]}")
    return r.returncode == 0


def against_strace(prog, bpf):
    for args in ([], ["--direct"]):
        mode = "direct syscall" if args else "through libc"
        want = strace_stacks(prog, args)
        if not check(len(want) == 2 and all(own(s, prog) for s in want),
                     f"{mode}: strace -k shows two failing openat with the program's frames", repr(want)):
            continue
        check(own(want[0], prog)[0][0] == "load_config" and own(want[1], prog)[0][0] == "load_cache",
              f"{mode}: strace names load_config then load_cache", repr(want))
        r = whyfail("ptrace", prog, args)
        got = stacks(r.stderr)
        check(len(got) == 2 and [own(s, prog) for s in got] == [own(s, prog) for s in want],
              f"{mode}: ptrace -k gives strace's function+offset for the program's frames",
              f"strace: {[own(s, prog) for s in want]}\nwhyfail: {[own(s, prog) for s in got]}\n{r.stderr}")
        if not bpf:
            continue
        r = whyfail("bpf", prog, args)
        got = stacks(r.stderr)
        if not check(len(got) == 2, f"{mode}: bpf -k shows both failures", r.stderr):
            continue
        for g, w in zip(got, want):
            mine, theirs = own(g, prog), own(w, prog)
            if args:
                # The frame-pointer walk from the program's own code: its innermost frames.
                check(len(mine) >= 2 and mine == theirs[:len(mine)],
                      f"{mode}: bpf -k gives strace's innermost program frames",
                      f"strace: {theirs}\nwhyfail: {mine}\n{r.stderr}")
            else:
                # Through libc (no frame pointers): libc's open, then nothing reliable.
                check(g and g[0][0] and "libc.so" in g[0][0] and "open" in (g[0][1] or ""),
                      f"{mode}: bpf -k names libc's open as the innermost frame", r.stderr)
                check(all(f in theirs for f in mine), f"{mode}: bpf's program frames are strace's",
                      f"strace: {theirs}\nwhyfail: {mine}")


def keys_and_verdict(prog, bpf):
    runs = []
    for _ in range(2):
        r = whyfail("ptrace", prog, [], ["--json"])
        calls, verdicts = json_calls(r.stderr)
        runs.append(calls)
        if not check(len(calls) == 2 and len(verdicts) == 1, "--json -k: two failing openat and a verdict", r.stderr):
            return
        for c in calls:
            frames = c.get("user_frames") or []
            names = [f.get("function") for f in frames]
            check(re.fullmatch(r"[0-9a-f]{16}", c.get("call_site") or "") is not None,
                  "--json -k: call_site is 16 hex digits", json.dumps(c))
            check(len(frames) == len(c.get("user_stack", [])) and all(f.get("resolved_by") == "maps" for f in frames),
                  "--json -k: one resolved frame per address", json.dumps(frames))
            check(any(f.get("module") == prog and f.get("build_id") and f.get("file", "").endswith(
                "fails_open_two_sites.c") and f.get("line") for f in frames),
                "--json -k: the program's frames have build-id and file:line", json.dumps(frames))
            check("main" in names, "--json -k: main is on the stack", repr(names))
        culprit = verdicts[0].get("culprit") or {}
        check(culprit.get("call_site") in [c["call_site"] for c in calls] and culprit.get("user_frames"),
              "--json -k: the verdict's culprit has its frames and call site", json.dumps(culprit)[:500])
    first, second = runs
    check(first[0]["call_site"] != first[1]["call_site"], "two call sites, two keys",
          f"{first[0]['call_site']} {first[1]['call_site']}")
    aslr = open("/proc/sys/kernel/randomize_va_space").read().strip() != "0"
    if aslr:
        check(first[0]["user_stack"][1] != second[0]["user_stack"][1], "the second run was loaded elsewhere (ASLR)")
    check([c["call_site"] for c in first] == [c["call_site"] for c in second],
          "the same keys in a second run", f"{[c['call_site'] for c in first]} {[c['call_site'] for c in second]}")

    r = whyfail("ptrace", prog, [])
    check(re.search(r"^called from: load_c(onfig|ache)\+0x[0-9a-f]+ in " + re.escape(prog) +
                    r" at .*fails_open_two_sites\.c:\d+$", r.stderr, re.M) is not None,
          "the verdict says where the culprit was called from", r.stderr)
    r = run([ARGS.whyfail, "--backend=ptrace", "--", prog])
    check("called from:" not in r.stderr, "no stack, no called from: (without -k)", r.stderr)
    if bpf:
        r = whyfail("bpf", prog, ["--direct"], ["--json"])
        calls, _ = json_calls(r.stderr)
        frames = [f for c in calls for f in c.get("user_frames", [])]
        check(len(calls) == 2 and frames and all(f.get("resolved_by") == "build_id" for f in frames
                                                  if f.get("module") == prog),
              "bpf --json -k: the program's frames resolved by build-id", r.stderr[:2000])


def build_id(path):
    r = run(["readelf", "-n", path])
    m = re.search(r"Build ID: ([0-9a-f]+)", r.stdout)
    return m.group(1) if m else None


def stripped(prog, bpf):
    if not (shutil.which("strip") and shutil.which("objcopy") and shutil.which("readelf")):
        print("note: binutils missing, the stripped-copy checks are skipped")
        return
    bid = build_id(prog)
    if not check(bid is not None, "the test program has a build-id"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "stripped_two_sites")
        run(["strip", "-o", copy, prog])
        dbg = os.path.join(tmp, "dbg", ".build-id", bid[:2])
        os.makedirs(dbg)
        run(["objcopy", "--only-keep-debug", prog, os.path.join(dbg, bid[2:] + ".debug")])
        env = dict(os.environ, WHYFAIL_DEBUG_DIRS=os.path.join(tmp, "nothing") + ":" + os.path.join(tmp, "dbg"))
        plain = dict(os.environ)
        plain.pop("WHYFAIL_DEBUG_DIRS", None)
        for backend, args in [("ptrace", []), ("bpf", ["--direct"])]:
            if backend == "bpf" and not bpf:
                continue
            r = whyfail(backend, copy, args, env=plain)
            names = [f for s in stacks(r.stderr) for (f, o) in own(s, copy)]
            check("load_config" not in names, f"{backend}: a stripped copy has no local names by itself", r.stderr)
            r = whyfail(backend, copy, args, env=env)
            got = [own(s, copy) for s in stacks(r.stderr)]
            check(len(got) == 2 and got[0] and got[0][0][0] == "load_config" and got[1][0][0] == "load_cache",
                  f"{backend}: the stripped copy is named through its debug file (WHYFAIL_DEBUG_DIRS)", r.stderr)


def escaped(prog):
    with tempfile.TemporaryDirectory() as tmp:
        # A newline, a control byte and a byte that is not UTF-8.
        odd = os.fsencode(tmp) + b"/two\nsites\x01\xe9"
        shutil.copy(prog, odd)
        r = subprocess.run([ARGS.whyfail, "--backend=ptrace", "-k", "--", odd], capture_output=True, timeout=120)
        err = r.stderr.decode("utf-8", "replace")
        lines = [l for l in err.splitlines() if l.startswith(" > ") and "two" in l]
        check(len(lines) >= 2 and all("two\\nsites\\x01\\xe9(" in l for l in lines),
              "a module path's control and non-UTF-8 bytes are escaped in text", err)
        r = subprocess.run([ARGS.whyfail, "--backend=ptrace", "-k", "--json", "--", odd], capture_output=True,
                           timeout=120)
        calls, _ = json_calls(r.stderr.decode("utf-8"))
        modules = [f.get("module") for c in calls for f in c.get("user_frames", [])]
        check(len(calls) == 2 and any(isinstance(m, dict) and m.get("utf8") is False and "\n" in m.get("str", "")
                                      for m in modules),
              "a module path that is not UTF-8 is a byte string in JSON", repr(modules))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--whyfail", required=True)
    ap.add_argument("--prog", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    ARGS = ap.parse_args()
    ARGS.whyfail = os.path.abspath(ARGS.whyfail)
    prog = os.path.realpath(ARGS.prog)
    if not shutil.which("strace"):
        print("strace is not installed: cannot compare")
        return 77
    os.chdir(tempfile.gettempdir())
    bpf = backend_usable("bpf")
    against_strace(prog, bpf)
    keys_and_verdict(prog, bpf)
    stripped(prog, bpf)
    escaped(prog)
    if FAILURES:
        print("\n".join(FAILURES))
        return 1
    print("stack traces: all checks passed" + ("" if bpf else " (bpf backend skipped)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
