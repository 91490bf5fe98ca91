#!/usr/bin/env python3
"""Runs the culprit scenarios: real failing programs under `whyfail --json`.

Each case is tests/scenarios/cases/<name>.sh, called as
  <name>.sh setup   DIR   (untraced: prepares DIR, may start helper processes)
  <name>.sh run     DIR   (traced: ends by exec'ing the failing command)
  <name>.sh cleanup DIR   (untraced, optional: unmounts, ...)
Its header says what a correct verdict contains:
  # expect-syscall: openat open        (any of these names)
  # expect-errno: ENOENT
  # expect-keywords: nodir {port}      (each must appear in the explanation or
                                        its causes; {x} is the text of DIR/x)
  # requires: mount | sysctl NAME != 0
Helpers started by setup write their pids to DIR/scenario.pids.

A case is right when the verdict's culprit has one of the expected syscalls,
the expected errno, and every keyword. From the same JSON (every failure is in
it) the script also scores the naive rule "the last failure before exit" and
prints both scores. Exit status: 0 when every case is right, 1 otherwise,
77 when the scenarios cannot run here (not root, no whyfail).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def parse_case(path):
    spec = {"name": os.path.basename(path)[:-3], "path": path, "syscalls": [], "errno": None,
            "keywords": [], "requires": [], "title": ""}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#\s*([a-z-]+):\s*(.*)$", line.strip())
            if not m:
                continue
            key, value = m.group(1), m.group(2).strip()
            if key == "scenario":
                spec["title"] = value
            elif key == "expect-syscall":
                spec["syscalls"] = value.split()
            elif key == "expect-errno":
                spec["errno"] = value
            elif key == "expect-keywords":
                spec["keywords"] = value.split()
            elif key == "requires":
                spec["requires"].append(value)
    return spec


def unmet_requirement(spec, scratch):
    for req in spec["requires"]:
        if req == "mount":
            probe = os.path.join(scratch, "mount-probe")
            os.makedirs(probe, exist_ok=True)
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "scen-probe", probe],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode != 0:
                return "cannot mount tmpfs here"
            subprocess.run(["umount", probe])
        m = re.match(r"sysctl\s+(\S+)\s*!=\s*(\S+)", req)
        if m:
            proc = "/proc/sys/" + m.group(1).replace(".", "/")
            try:
                with open(proc) as f:
                    if f.read().strip() == m.group(2):
                        return "%s is %s here" % (m.group(1), m.group(2))
            except OSError as e:
                return "cannot read %s: %s" % (proc, e.strerror)
    return None


def substitute(keyword, workdir):
    def var(m):
        try:
            with open(os.path.join(workdir, m.group(1))) as f:
                return f.read().strip()
        except OSError:
            return m.group(0)
    return re.sub(r"\{([A-Za-z0-9_.-]+)\}", var, keyword)


def record_text(rec):
    """Everything an explanation says: the sentence and each cause's parts."""
    if not rec:
        return ""
    parts = [str(rec.get("explanation") or "")]
    for cause in rec.get("causes") or []:
        parts.append(str(cause.get("text") or ""))
        parts.append(str(cause.get("fix") or ""))
        parts.extend(str(e) for e in cause.get("evidence") or [])
    return "\n".join(parts)


def judge(rec, spec, keywords):
    """(right?, why not) for one syscall record against the case's expectations."""
    if not rec:
        return False, "no culprit"
    problems = []
    if rec.get("syscall") not in spec["syscalls"]:
        problems.append("call %s, want %s" % (rec.get("syscall"), "|".join(spec["syscalls"])))
    if rec.get("errno") != spec["errno"]:
        problems.append("errno %s, want %s" % (rec.get("errno"), spec["errno"]))
    text = record_text(rec).lower()
    missing = [k for k in keywords if k.lower() not in text]
    if missing:
        problems.append("explanation lacks " + ", ".join(missing))
    return not problems, "; ".join(problems)


def describe(rec):
    if not rec:
        return "-"
    return "%s %s" % (rec.get("syscall"), rec.get("errno"))


def kill_helpers(workdir):
    try:
        with open(os.path.join(workdir, "scenario.pids")) as f:
            pids = [int(p) for p in f.read().split() if p.isdigit()]
    except OSError:
        return
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def run_case(spec, args, env):
    scratch = tempfile.mkdtemp(prefix="whyfail-scen-%s-" % spec["name"])
    workdir = os.path.join(scratch, "t")
    os.makedirs(workdir)
    # nobody must be able to reach the case's files (the cases decide what it may not do).
    os.chmod(scratch, 0o755)
    os.chmod(workdir, 0o755)
    result = {"name": spec["name"], "status": "FAIL", "detail": "", "naive_ok": False}
    try:
        why_not = unmet_requirement(spec, scratch)
        if why_not:
            result.update(status="SKIP", detail=why_not)
            return result
        setup = subprocess.run(["/bin/sh", spec["path"], "setup", workdir], env=env,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        if setup.returncode != 0:
            result["detail"] = "setup failed: " + setup.stderr.decode(errors="replace").strip()
            return result
        out = os.path.join(scratch, "whyfail.jsonl")
        cmd = [args.whyfail, "--json", "-o", out]
        if args.backend:
            cmd.append("--backend=" + args.backend)
        cmd += ["--", "/bin/sh", spec["path"], "run", workdir]
        try:
            proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=args.timeout)
        except subprocess.TimeoutExpired:
            result["detail"] = "whyfail timed out after %ss" % args.timeout
            return result
        records = []
        try:
            with open(out, encoding="utf-8", errors="replace") as f:
                for line in f:
                    line = line.strip()
                    if line:
                        try:
                            records.append(json.loads(line))
                        except ValueError:
                            pass
        except OSError as e:
            result["detail"] = "no JSON output (%s); whyfail exit %d: %s" % (
                e.strerror, proc.returncode, proc.stderr.decode(errors="replace").strip()[-300:])
            return result
        verdicts = [r for r in records if r.get("type") == "verdict"]
        failures = [r for r in records if r.get("type") == "syscall" and r.get("errno")]
        # --culprit-only: the explanation's facts are not required (the eBPF
        # backend explains after the process is gone, when a relative path or
        # the process's own state can no longer be read).
        keywords = [] if args.culprit_only else [substitute(k, workdir) for k in spec["keywords"]]
        naive = failures[-1] if failures else None
        result["naive_ok"], result["naive_detail"] = judge(naive, spec, keywords)
        result["naive"] = describe(naive)
        result["failures"] = len(failures)
        if not verdicts:
            result["detail"] = "no verdict line; whyfail exit %d: %s" % (
                proc.returncode, proc.stderr.decode(errors="replace").strip()[-300:])
            return result
        verdict = verdicts[-1]
        culprit = verdict.get("culprit")
        ok, detail = judge(culprit, spec, keywords)
        if not verdict.get("command_failed"):
            ok, detail = False, "verdict says the command succeeded"
        result["status"] = "OK" if ok else "FAIL"
        result["found"] = describe(culprit)
        result["confidence"] = verdict.get("confidence")
        result["explanation"] = (culprit or {}).get("explanation") or ""
        result["detail"] = detail
        if args.keep:
            result["kept"] = out
        return result
    except subprocess.TimeoutExpired:
        result["detail"] = "setup timed out"
        return result
    finally:
        subprocess.run(["/bin/sh", spec["path"], "cleanup", workdir], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        kill_helpers(workdir)
        if not args.keep:
            # Unmount anything a case left behind before deleting.
            subprocess.run(["sh", "-c", "grep -o ' %s[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount"
                            % re.escape(scratch)], capture_output=True)
            shutil.rmtree(scratch, ignore_errors=True)


def main():
    repo = os.path.dirname(os.path.dirname(HERE))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--whyfail", default=os.path.join(repo, "build", "whyfail"))
    p.add_argument("--progs", help="directory of the built tests/progs (default: next to whyfail)")
    p.add_argument("--cases", default=os.path.join(HERE, "cases"))
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--backend", help="pass --backend=NAME to whyfail (default: its own choice)")
    p.add_argument("--culprit-only", action="store_true",
                   help="judge the culprit call and errno only, not the explanation's keywords")
    p.add_argument("--keep", action="store_true", help="keep each case's directory and JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="print explanations")
    p.add_argument("only", nargs="*", help="case names to run (default: all)")
    args = p.parse_args()
    args.whyfail = os.path.abspath(args.whyfail)
    progs = os.path.abspath(args.progs or os.path.join(os.path.dirname(args.whyfail), "tests", "progs"))

    if os.geteuid() != 0:
        print("scenarios: skipped: they need root (mounts, setpriv to nobody)")
        return SKIP
    if not os.access(args.whyfail, os.X_OK):
        print("scenarios: skipped: no whyfail at %s" % args.whyfail)
        return SKIP

    env = dict(os.environ)
    env["SCEN_PROGS"] = progs
    env.setdefault("LC_ALL", "C.UTF-8")

    specs = [parse_case(os.path.join(args.cases, f)) for f in sorted(os.listdir(args.cases))
             if f.endswith(".sh")]
    if args.only:
        specs = [s for s in specs if s["name"] in args.only]

    results = []
    for spec in specs:
        r = run_case(spec, args, env)
        results.append(r)
        line = "%-4s %-28s" % (r["status"], r["name"])
        if r["status"] == "SKIP":
            line += " " + r["detail"]
        else:
            if "found" in r:
                line += " found %-24s conf %.2f" % (r["found"], r.get("confidence") or 0.0)
            line += " | naive: %s %s" % (r.get("naive", "-"), "right" if r["naive_ok"] else "wrong")
            if r["status"] != "OK" and r["detail"]:
                line += "\n       " + r["detail"]
        if args.verbose and r.get("explanation"):
            line += "\n       " + r["explanation"]
        if r.get("kept"):
            line += "\n       " + r["kept"]
        print(line, flush=True)

    ran = [r for r in results if r["status"] != "SKIP"]
    right = sum(r["status"] == "OK" for r in ran)
    naive = sum(bool(r["naive_ok"]) for r in ran)
    skipped = len(results) - len(ran)
    print("score: whyfail %d/%d, naive last-failure rule %d/%d%s" % (
        right, len(ran), naive, len(ran), (", %d skipped" % skipped) if skipped else ""))
    return 0 if right == len(ran) and ran else 1


if __name__ == "__main__":
    sys.exit(main())
