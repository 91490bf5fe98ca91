#!/usr/bin/env python3
"""whyfail --system against real, unrelated processes (tests/progs/bpf_marker_loop:
a failing openat(PATH) every 20 ms), none of them started by whyfail.

Two markers run at once: one as root whose path does not exist (ENOENT), one as
uid 65534 whose path is inside a root-only directory (EACCES). Each filter must
keep exactly the marker it names, and the errno whyfail reports must be the one
the kernel gives for the same open, asked directly. The start-up bound (launch
to the first event) and the Ctrl-C bound (SIGINT to exit) are behavioural
bounds of the issue (< 1 s each), measured on this shared machine: the best of
three attempts is taken, and every attempt is printed.

usage: system_wide_test.py --whyfail PATH --progs DIR
Exit 77 when the bpf backend cannot run here (the reason is printed).
"""
import argparse
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

WHYFAIL = None
PROGS = None
NOBODY = 65534
BOUND_S = 1.0


def errno_for(path, uid):
    """The errno name the kernel gives `uid` for opening `path`, asked directly."""
    r = subprocess.run([sys.executable, "-c",
                        "import errno, os, sys\n"
                        "os.setgid(%d); os.setuid(%d)\n"
                        "try:\n    os.close(os.open(sys.argv[1], os.O_RDONLY))\n"
                        "except OSError as e:\n    print(errno.errorcode[e.errno])\n" % (uid, uid),
                        path], capture_output=True, text=True, timeout=30)
    return r.stdout.strip()


class Markers:
    """The two unrelated failing processes, for as long as a test needs them."""

    def __init__(self, seconds=30):
        self.dir = tempfile.mkdtemp(prefix="whyfail-system-")
        os.chmod(self.dir, 0o755)
        private = os.path.join(self.dir, "private")
        os.mkdir(private, 0o700)
        self.root_path = os.path.join(self.dir, "missing", "root-%d" % os.getpid())
        self.nobody_path = os.path.join(private, "nobody-%d" % os.getpid())
        self.root = self._start(self.root_path, seconds, None)
        self.nobody = self._start(self.nobody_path, seconds, NOBODY)

    @staticmethod
    def _start(path, seconds, uid):
        def drop():
            if uid is not None:
                os.setgid(uid)
                os.setuid(uid)
        return subprocess.Popen([os.path.join(PROGS, "bpf_marker_loop"), path, str(seconds)],
                                preexec_fn=drop)

    def close(self):
        for p in (self.root, self.nobody):
            p.kill()
            p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_system(args, duration=1.5):
    """whyfail --system --json for `duration` seconds; its syscall records and summaries."""
    with tempfile.NamedTemporaryFile(prefix="whyfail-system-", suffix=".jsonl") as out:
        p = subprocess.run([WHYFAIL, "--system", "--json", "--duration", str(duration), "-o", out.name]
                           + list(args), capture_output=True, timeout=60)
        with open(out.name, encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
    return p, records


def marker_pids(records, markers):
    """{marker name: errnos seen} for syscall records of the two markers' paths."""
    seen = {}
    for r in records:
        if r.get("type") != "syscall":
            continue
        text = json.dumps(r.get("args"))
        for name, path, proc in (("root", markers.root_path, markers.root),
                                 ("nobody", markers.nobody_path, markers.nobody)):
            if path in text:
                if r["pid"] != proc.pid:
                    raise AssertionError(f"{name} marker's path reported for pid {r['pid']}, "
                                         f"not {proc.pid}")
                seen.setdefault(name, set()).add(r.get("errno"))
    return seen


class Filters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = Markers()
        cls.root_errno = errno_for(cls.m.root_path, 0)
        cls.nobody_errno = errno_for(cls.m.nobody_path, NOBODY)
        assert cls.root_errno == "ENOENT" and cls.nobody_errno == "EACCES", \
            (cls.root_errno, cls.nobody_errno)

    @classmethod
    def tearDownClass(cls):
        cls.m.close()

    def check(self, args, want):
        p, records = run_system(args)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        seen = marker_pids(records, self.m)
        expected = {"root": {self.root_errno}, "nobody": {self.nobody_errno}}
        self.assertEqual(seen, {k: expected[k] for k in want}, f"whyfail --system {' '.join(args)}")

    def test_comm_keeps_both_markers_with_the_kernels_errnos(self):
        self.check(["--comm", "bpf_marker_loop"], {"root", "nobody"})

    def test_uid_keeps_only_that_users_process(self):
        self.check(["--comm", "bpf_marker_loop", "--uid", str(NOBODY)], {"nobody"})

    def test_pid_keeps_only_that_process(self):
        self.check(["--pid", str(self.m.root.pid)], {"root"})

    def test_errno_keeps_only_that_errno(self):
        self.check(["--comm", "bpf_marker_loop", "--errno", "EACCES"], {"nobody"})

    def test_trace_set_drops_other_syscalls(self):
        self.check(["--comm", "bpf_marker_loop", "-e", "trace=openat"], {"root", "nobody"})
        self.check(["--comm", "bpf_marker_loop", "-e", "trace=close"], set())

    def test_summary_has_a_row_per_process_syscall_and_errno(self):
        p, records = run_system(["--comm", "bpf_marker_loop", "-c"])
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        summaries = [r for r in records if r.get("type") == "summary"]
        self.assertEqual(len(summaries), 1)
        rows = {(r.get("pid"), r["syscall"]): r for r in summaries[0]["rows"]}
        for proc, err in ((self.m.root, self.root_errno), (self.m.nobody, self.nobody_errno)):
            row = rows.get((proc.pid, "openat"))
            self.assertIsNotNone(row, f"no openat row for pid {proc.pid}: {sorted(rows)}")
            self.assertIn("bpf_marker_loop", json.dumps(row.get("process")))
            # 1.5 s at one failure per 20 ms; at least a few even on a loaded machine.
            self.assertGreaterEqual(row["errors_by_errno"].get(err, 0), 5, row)
            self.assertEqual(set(row["errors_by_errno"]), {err})

    def test_duration_ends_the_run_on_its_own(self):
        t0 = time.monotonic()
        p, _ = run_system(["--comm", "bpf_marker_loop"], duration=1.0)
        took = time.monotonic() - t0
        self.assertEqual(p.returncode, 0)
        self.assertGreaterEqual(took, 1.0)
        self.assertLess(took, 1.0 + 5.0, "--duration 1 did not end the run")


def first_event_and_sigint():
    """(seconds from launch to the first marker event, seconds from SIGINT to exit, status)."""
    m = Markers(seconds=20)
    try:
        t0 = time.monotonic()
        p = subprocess.Popen([WHYFAIL, "--system", "--json", "--pid", str(m.root.pid), "-o", "/dev/stdout"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        first = None
        buf = b""
        while first is None and time.monotonic() - t0 < 20:
            r, _, _ = select.select([p.stdout], [], [], 0.5)
            if not r:
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            if m.root_path.encode() in buf:
                first = time.monotonic() - t0
        t1 = time.monotonic()
        p.send_signal(signal.SIGINT)
        try:
            status = p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            status = p.wait()
        stop = time.monotonic() - t1
        p.stdout.close()
        return first, stop, status
    finally:
        m.close()


class StartAndStop(unittest.TestCase):
    def test_first_event_and_ctrl_c_within_a_second(self):
        attempts = []
        for _ in range(3):
            first, stop, status = first_event_and_sigint()
            attempts.append((first, stop))
            self.assertEqual(status, 0, "Ctrl-C must end --system with status 0")
            self.assertIsNotNone(first, "no event of the marker within 20 s")
            if first < BOUND_S and stop < BOUND_S:
                break
        load = os.getloadavg()[0]
        print("\n--system start-to-first-event / SIGINT-to-exit (s): " +
              ", ".join(f"{a:.3f}/{b:.3f}" for a, b in attempts) + f"  (load {load:.1f})")
        self.assertLess(min(a for a, _ in attempts), BOUND_S)
        self.assertLess(min(b for _, b in attempts), BOUND_S)


def bpf_usable():
    p = subprocess.run([WHYFAIL, "--backend=bpf", "--", "true"], capture_output=True, timeout=60)
    return p.returncode == 0, p.stderr.decode(errors="replace").strip()


def main():
    global WHYFAIL, PROGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--whyfail", required=True)
    ap.add_argument("--progs", required=True)
    args, rest = ap.parse_known_args()
    WHYFAIL, PROGS = os.path.abspath(args.whyfail), os.path.abspath(args.progs)
    if os.geteuid() != 0:
        print("skip: --system needs root")
        return 77
    ok, why = bpf_usable()
    if not ok:
        print(f"skip: the bpf backend cannot run here: {why}")
        return 77
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
