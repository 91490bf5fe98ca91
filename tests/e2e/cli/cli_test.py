#!/usr/bin/env python3
"""End-to-end tests of whyfail's command line, output and exit status on real commands.

Expectations come from what the programs really do: each command is also run without
whyfail (its exit status, the errno Python gets for the same path), never from text
whyfail is known to print.

usage: cli_test.py --whyfail PATH --backend ptrace|bpf
Exit 77 when the backend cannot run here (the reason is printed).
"""
import argparse
import errno
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

WHYFAIL = None
BACKEND = None
TIMEOUT = 60


def run(args, timeout=TIMEOUT, env=None):
    """Runs whyfail with the chosen backend; returns (status, stdout, stderr)."""
    cmd = [WHYFAIL, f"--backend={BACKEND}"] + list(args)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=env)
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "surrogateescape")


def run_traced(args, timeout=TIMEOUT):
    """Runs whyfail with -o FILE so the trace and the command's own output stay apart."""
    with tempfile.NamedTemporaryFile(prefix="whyfail-e2e-", suffix=".out", delete=False) as f:
        path = f.name
    try:
        status, out, err = run(["-o", path] + list(args), timeout=timeout)
        with open(path, "rb") as f:
            trace = f.read()
        return status, out, err, trace
    finally:
        os.unlink(path)


def direct_status(argv):
    """How the command ends untraced, as a shell reports it (128+N when killed by N)."""
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT)
    return 128 - p.returncode if p.returncode < 0 else p.returncode


def errno_of_open(path):
    """The errno name the kernel gives for opening `path` read-only, asked directly."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        return errno.errorcode[e.errno], os.strerror(e.errno)
    os.close(fd)
    return None, None


def json_records(data):
    records = []
    for line in data.decode("utf-8").splitlines():  # strict: the output must be UTF-8
        if line.strip():
            records.append(json.loads(line))
    return records


def unescape_non_utf8(text):
    """Inverse of whyfail's escape for non-UTF-8 byte strings (docs/json-schema.md)."""
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] == "\\":
            out += b"\\"
            i += 2
        elif text[i] == "\\" and i + 3 < len(text) and text[i + 1] == "x" and \
                re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += text[i].encode("utf-8")
            i += 1
    return bytes(out)


def json_bytes(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    return value["str"].encode("utf-8") if value["utf8"] else unescape_non_utf8(value["str"])


class LaunchMode(unittest.TestCase):
    def test_missing_file_exit_status_line_and_verdict(self):
        path = "/nonexistent/dir/file"
        want_errno, want_text = errno_of_open(path)
        self.assertIsNotNone(want_errno)
        status, _, _, trace = run_traced(["--", "cat", path])
        self.assertEqual(status, direct_status(["cat", path]))
        text = trace.decode()
        line = next((l for l in text.splitlines() if f'"{path}"' in l and "openat(" in l), None)
        self.assertIsNotNone(line, text)
        self.assertRegex(line, rf"^openat\(AT_FDCWD, \"{re.escape(path)}\", O_RDONLY.*\) = -1 "
                               rf"{want_errno} \({re.escape(want_text)}\)$")
        verdict = text[text.rindex("=== whyfail verdict ==="):]
        self.assertIn("openat", verdict)
        self.assertIn(path, verdict)
        self.assertIn(want_errno, verdict)

    def test_killed_by_signal_gives_128_plus_n(self):
        argv = ["sh", "-c", "kill -SEGV $$"]
        want = direct_status(argv)
        self.assertEqual(want, 128 + signal.SIGSEGV)
        status, _, _, trace = run_traced(["--"] + argv)
        self.assertEqual(status, want)
        self.assertIn("+++ killed by SIGSEGV", trace.decode())

    def test_exit_code_passes_through(self):
        for code in (0, 3, 7):
            argv = ["sh", "-c", f"exit {code}"]
            status, _, _, _ = run_traced(["--"] + argv)
            self.assertEqual(status, direct_status(argv))

    def test_success_says_so_and_hides_failures_unless_asked(self):
        missing = "/nonexistent/whyfail-e2e"
        argv = ["sh", "-c", f"cat {missing} 2>/dev/null; true"]
        status, _, _, trace = run_traced(["--"] + argv)
        self.assertEqual(status, 0)
        text = trace.decode()
        self.assertIn("succeeded", text)
        self.assertNotIn(f'"{missing}"', text)
        status, _, _, trace = run_traced(["--all-failures", "--"] + argv)
        self.assertEqual(status, 0)
        self.assertIn(f'"{missing}"', trace.decode())

    def test_repeated_failures_print_as_if_each_were_alone(self):
        # The line of an identical repeat is reused (session_line_memo); with -ttt it
        # never is. Timestamps stripped, both traces must read the same: repeats in one
        # process, forks in between (pid prefixes start), descriptor arguments (-y).
        missing = "/nonexistent/whyfail-e2e-repeat"
        script = (f"i=0; while [ $i -lt 40 ]; do cd {missing} 2>/dev/null; cd {missing} 2>/dev/null; "
                  f"[ $((i % 9)) = 0 ] && (exit 0); true 2>/dev/null >&9; true 2>/dev/null >&9; "
                  f"i=$((i+1)); done; cat {missing} 2>/dev/null; exit 3")

        def normalized(extra):
            status, _, _, trace = run_traced(["--all-failures"] + extra + ["--", "sh", "-c", script])
            self.assertEqual(status, 3)
            lines = []
            # The trace lines only: the verdict's evidence depends on whether the
            # process is still there to look at when it is written.
            for l in trace.decode().split("=== whyfail verdict ===")[0].splitlines():
                l = re.sub(r"^(\[pid +\d+\] )?\d+\.\d{6} ", r"\1", l)   # -ttt stamp after the prefix
                l = re.sub(r"0x[0-9a-f]+", "ADDR", l)
                if BACKEND == "bpf":
                    # bpf reads /proc after the fact: whether a descriptor is still
                    # there to describe depends on timing, in either run.
                    l = re.sub(r"(\d)<[^>]*>", r"\1", l)
                lines.append(re.sub(r"\d{3,}", "N", l))
            return lines

        plain, stamped = normalized([]), normalized(["-ttt"])
        chdirs = [l for l in plain if re.match(rf'^(\[pid +N\] )?chdir\("{missing}"\)', l)]
        self.assertEqual(len(chdirs), 80, plain)
        self.assertEqual(plain, stamped)

    def test_restricted_display_all_calls_with_fd_paths(self):
        path = "/etc/hostname" if os.path.exists("/etc/hostname") else "/etc/passwd"
        real = os.path.realpath(path)
        status, _, _, trace = run_traced(["--all", "-e", "trace=openat", "--", "cat", path])
        self.assertEqual(status, 0)
        calls = [l for l in trace.decode().splitlines() if re.match(r"^(\[pid +\d+\] )?\w+\(", l)]
        self.assertTrue(calls)
        for l in calls:
            self.assertRegex(l, r"^(\[pid +\d+\] )?openat\(")
        opened = [l for l in calls if f'"{path}"' in l]
        self.assertTrue(opened, calls)
        if BACKEND == "ptrace":
            # Stopped at the exit, the descriptor is still open: its path is known.
            self.assertRegex(opened[-1], rf"= \d+<{re.escape(real)}>$")
        else:
            # bpf reads /proc after the fact: the file may be closed by then.
            self.assertRegex(opened[-1], rf"= \d+(<{re.escape(real)}>)?$")

    def test_summary_counts_the_failure(self):
        path = "/nonexistent/dir/file"
        want_errno, _ = errno_of_open(path)
        status, _, _, trace = run_traced(["-c", "--", "cat", path])
        self.assertEqual(status, direct_status(["cat", path]))
        text = trace.decode()
        self.assertRegex(text, r"\n\s*100\.00 .* total\n")
        self.assertRegex(text, rf"openat\s+.*{want_errno} \d+")

    def test_control_characters_never_reach_the_output(self):
        path = "/nonexistent/\x1b[31mred\x07\nline"
        status, _, _, trace = run_traced(["--all-failures", "--color=always", "--", "cat", path])
        self.assertEqual(status, direct_status(["cat", path]))
        # Only whyfail's own colour sequences (ESC [ digits ; m) may appear.
        cleaned = re.sub(rb"\x1b\[[0-9;]*m", b"", trace)
        for b in cleaned:
            self.assertTrue(b >= 0x20 or b == 0x0a, f"control byte {b:#x} in output")
        self.assertIn(b"\\x1b[31mred\\x07\\nline", cleaned)

    def test_no_colour_when_not_a_terminal_or_no_color(self):
        status, _, _, trace = run_traced(["--", "cat", "/nonexistent/dir/file"])
        self.assertNotIn(b"\x1b[", trace)
        env = dict(os.environ, NO_COLOR="1")
        p = subprocess.run([WHYFAIL, f"--backend={BACKEND}", "--", "cat", "/nonexistent/x"],
                           stderr=subprocess.PIPE, env=env, timeout=TIMEOUT)
        self.assertNotIn(b"\x1b[", p.stderr)

    def test_sigterm_is_forwarded_to_the_command(self):
        with tempfile.NamedTemporaryFile(delete=False) as f:
            out = f.name
        try:
            p = subprocess.Popen([WHYFAIL, f"--backend={BACKEND}", "-o", out, "--", "sleep", "30"],
                                 stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            p.send_signal(signal.SIGTERM)
            status = p.wait(timeout=20)
            self.assertEqual(status, 128 + signal.SIGTERM)
            with open(out, "rb") as f:
                self.assertIn(b"killed by SIGTERM", f.read())
        finally:
            os.unlink(out)


class Json(unittest.TestCase):
    def test_every_line_parses_and_the_verdict_is_last(self):
        path = "/nonexistent/dir/file"
        want_errno, _ = errno_of_open(path)
        status, _, _, data = run_traced(["--json", "--", "cat", path])
        self.assertEqual(status, direct_status(["cat", path]))
        records = json_records(data)
        self.assertTrue(records)
        self.assertEqual(records[-1]["type"], "verdict")
        failed = [r for r in records if r["type"] == "syscall" and r["syscall"] == "openat"
                  and json_bytes(r["args"][1]) == path.encode()]
        self.assertTrue(failed)
        rec = failed[-1]
        self.assertEqual(rec["errno"], want_errno)
        self.assertEqual(rec["ret"], -getattr(errno, want_errno))
        self.assertEqual(rec["duration_ns"], rec["exit_ns"] - rec["enter_ns"])
        exits = [r for r in records if r["type"] == "exit" and not r["thread_only"]]
        self.assertTrue(any(r["code"] == status for r in exits))
        v = records[-1]
        self.assertTrue(v["command_failed"])
        self.assertEqual(v["exit_status"], status)
        if v["culprit"] is not None:
            self.assertEqual(v["culprit"]["syscall"], "openat")
            self.assertEqual(v["culprit"]["errno"], want_errno)
            self.assertTrue(0.0 <= v["confidence"] <= 1.0)
            for cause in v["culprit"].get("causes", []):
                self.assertIn("code", cause)
                self.assertIn("text", cause)

    def test_non_utf8_path_round_trips(self):
        raw = b"/nonexistent/\xff\xfeabc\\x"
        status, _, _, data = run_traced(["--json", "--all-failures", "--", "cat", os.fsdecode(raw)])
        records = json_records(data)
        paths = [json_bytes(r["args"][1]) for r in records
                 if r["type"] == "syscall" and r["syscall"] == "openat" and len(r["args"]) > 1]
        self.assertIn(raw, paths)

    def test_all_and_summary_records_parse(self):
        status, _, _, data = run_traced(["--json", "--all", "--", "true"])
        self.assertEqual(status, 0)
        records = json_records(data)
        self.assertTrue(any(r["type"] == "syscall" and r["errno"] is None for r in records))
        status, _, _, data = run_traced(["--json", "-c", "--", "true"])
        records = json_records(data)
        self.assertTrue(any(r["type"] == "summary" and r["calls"] > 0 for r in records))


class BadInput(unittest.TestCase):
    CASES = [
        ["-s", "abc", "--", "true"],
        ["-p", "0"],
        ["-p", "1073741823"],
        ["--no-such-option", "--", "true"],
        ["-e", "trace=opnat", "--", "true"],
        ["-e", "trace=%nosuchclass", "--", "true"],
        ["--", "whyfail-no-such-command-e2e"],
        ["--", "/nonexistent/whyfail/bin"],
        [],
        ["--comm", "x", "--", "true"],
        ["-o", "/nonexistent/dir/out", "--", "true"],
    ]

    def test_one_line_and_exit_2_without_hanging(self):
        for args in self.CASES:
            with self.subTest(args=args):
                status, out, err = run(args, timeout=20)
                self.assertEqual(status, 2, err)
                lines = err.splitlines()
                self.assertEqual(len(lines), 1, err)
                self.assertTrue(lines[0].startswith("whyfail: "), err)
                self.assertEqual(out, "")

    def test_unknown_syscall_names_close_matches(self):
        _, _, err = run(["-e", "trace=opnat", "--", "true"], timeout=20)
        self.assertIn("openat", err)


class AttachMode(unittest.TestCase):
    def test_sigint_detaches_and_leaves_the_process_running(self):
        target = subprocess.Popen(["sh", "-c", "while :; do cat /nonexistent/whyfail-attach 2>/dev/null; sleep 0.2; done"])
        try:
            time.sleep(0.3)
            with tempfile.NamedTemporaryFile(delete=False) as f:
                out = f.name
            p = subprocess.Popen([WHYFAIL, f"--backend={BACKEND}", "-o", out, "-p", str(target.pid)],
                                 stderr=subprocess.PIPE)
            time.sleep(2.0)
            p.send_signal(signal.SIGINT)
            status = p.wait(timeout=20)
            err = p.stderr.read().decode()
            p.stderr.close()
            self.assertEqual(status, 0, err)
            self.assertIsNone(target.poll(), "the traced process must keep running")
            with open(out, "rb") as f:
                text = f.read().decode()
            os.unlink(out)
            self.assertIn(f"whyfail verdict for process {target.pid}", text)
        finally:
            target.kill()
            target.wait()


class Help(unittest.TestCase):
    def test_help_mentions_every_documented_option(self):
        p = subprocess.run([WHYFAIL, "--help"], stdout=subprocess.PIPE, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0)
        text = p.stdout.decode()
        docs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "docs", "cli.md")
        with open(docs) as f:
            documented = set(re.findall(r"^\| `(--?[a-zA-Z][-a-zA-Z]*)", f.read(), re.M))
        self.assertTrue(documented)
        for option in sorted(documented):
            self.assertIn(option, text, f"{option} is in docs/cli.md but not in --help")

    def test_version(self):
        p = subprocess.run([WHYFAIL, "--version"], stdout=subprocess.PIPE, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout.decode(), r"^whyfail \d+\.\d+")


class Doctor(unittest.TestCase):
    def test_doctor_text_and_json(self):
        p = subprocess.run([WHYFAIL, "doctor"], stdout=subprocess.PIPE, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0)
        p = subprocess.run([WHYFAIL, "doctor", "--json"], stdout=subprocess.PIPE, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0)
        for r in json_records(p.stdout):
            self.assertEqual(r["type"], "feature")
            self.assertIn(r["available"], ("yes", "no", "unknown"))


class FilesView(unittest.TestCase):
    """`whyfail files -- CMD`: text lines carry a time only with -t/-tt/-ttt, as strace's."""

    def lines(self, *flags):
        with tempfile.TemporaryDirectory(prefix="whyfail-files-t-") as d:
            path = os.path.join(d, "target")
            with open(path, "w") as f:
                f.write("x\n")
            before = time.time()
            p = subprocess.run([WHYFAIL, "files", *flags, "--", "cat", path], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=TIMEOUT)
            after = time.time()
            # Refused by policy (lockdown, no privileges): nothing to test; any other error fails.
            if p.returncode != 0 and (b"Operation not permitted" in p.stderr or b"Permission denied" in p.stderr):
                self.skipTest(p.stderr.decode(errors="replace").strip())
            self.assertEqual(p.returncode, 0, p.stderr)
            text = p.stdout.decode("utf-8", "surrogateescape")
            mine = [l for l in text.splitlines() if f'"{path}"' in l and " openat " in l]
            self.assertEqual(len(mine), 1, text)
            return mine[0], before, after

    def test_no_time_by_default(self):
        if BACKEND != "bpf":
            self.skipTest("views run once, with the bpf backend's tests")
        line, _, _ = self.lines()
        self.assertTrue(line.startswith("cat("), line)

    def test_t_tt_ttt_show_the_completion_time(self):
        if BACKEND != "bpf":
            self.skipTest("views run once, with the bpf backend's tests")
        line, before, after = self.lines("-ttt")
        stamp = float(line.split(" ", 1)[0])
        self.assertLessEqual(before - 0.001, stamp, line)
        self.assertLessEqual(stamp, after + 0.001, line)
        for flags, pattern in ((["-t"], r"\d\d:\d\d:\d\d cat\("), (["-tt"], r"\d\d:\d\d:\d\d\.\d{6} cat\("),
                               (["-t", "-t"], r"\d\d:\d\d:\d\d\.\d{6} cat\(")):
            line, before, after = self.lines(*flags)
            self.assertRegex(line, "^" + pattern)
            hms = line.split(" ", 1)[0]
            # The local time of day, within the run (a run across midnight is not expected here).
            lo = time.strftime("%H:%M:%S", time.localtime(before))
            hi = time.strftime("%H:%M:%S", time.localtime(after + 1))
            self.assertTrue(lo <= hms[:8] <= hi, (lo, hms, hi))


class SchedView(unittest.TestCase):
    """`whyfail sched --json -- CMD`: the command's exit status, its tree's waits, and which
    way they were measured (the kernel's sched_info where /proc/PID/schedstat exists)."""

    def test_command_tree_waits_and_status(self):
        if BACKEND != "bpf":
            self.skipTest("views run once, with the bpf backend's tests")
        p = subprocess.run([WHYFAIL, "sched", "--json", "--", "sh", "-c",
                            "for i in 1 2 3 4 5; do sleep 0.01; done; exit 3"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        if p.returncode != 3 and (b"Operation not permitted" in p.stderr or b"Permission denied" in p.stderr):
            self.skipTest(p.stderr.decode(errors="replace").strip())
        self.assertEqual(p.returncode, 3, p.stderr)
        records = json_records(p.stdout)
        summary = [r for r in records if r["type"] == "summary"]
        self.assertEqual(len(summary), 1, records)
        want = "sched_info" if os.path.exists("/proc/self/schedstat") else "wakeup_stamps"
        self.assertEqual(summary[0]["waits_from"], want)
        shells = {}
        for r in records:
            if r["type"] != "runq_latency":
                continue
            self.assertEqual(sum(b["count"] for b in r["log2_us"]), r["count"], r)
            if r["comm"] == "sh":
                shells[r["pid"]] = shells.get(r["pid"], 0) + r["count"]
        # The command's shell waits again after each of its five children exits (the
        # children, forked shells until they exec sleep, wait once or twice).
        self.assertTrue(shells, records)
        self.assertGreaterEqual(max(shells.values()), 5, shells)


class KernelOrigin(unittest.TestCase):
    def test_refused_kernel_says_why_once_and_the_run_is_unchanged(self):
        """--kernel where the kernel refuses both fexit and kprobes (doctor says so): one
        warning line naming both, the command runs once, status, trace and verdict as without it."""
        p = subprocess.run([WHYFAIL, "doctor", "--json"], stdout=subprocess.PIPE, timeout=TIMEOUT)
        rows = {r["name"]: r["available"] for r in json_records(p.stdout)}
        if rows.get("fexit") != "no" or rows.get("kprobes") != "no":
            self.skipTest(f"this kernel may allow --kernel (fexit {rows.get('fexit')}, kprobes "
                          f"{rows.get('kprobes')}): the lab (tests/kernel-lab) tests that side")
        missing = "/nonexistent/whyfail-e2e-kernel"
        with tempfile.TemporaryDirectory(prefix="whyfail-e2e-") as d:
            runs = os.path.join(d, "runs")
            argv = ["sh", "-c", f"echo run >> {runs}; cat {missing} 2>/dev/null; exit 3"]
            status, _, err, trace = run_traced(["--kernel", "--"] + argv)
            with open(runs) as f:
                self.assertEqual(f.read().count("run"), 1, "the command ran more than once")
            os.unlink(runs)
            plain_status, _, plain_err, plain_trace = run_traced(["--"] + argv)
        self.assertEqual(status, direct_status(["sh", "-c", "exit 3"]))
        self.assertEqual(status, plain_status)
        warnings = [l for l in err.splitlines() if "--kernel" in l]
        self.assertEqual(len(warnings), 1, err)
        self.assertIn("fexit", warnings[0])
        self.assertIn("kretprobe", warnings[0])
        self.assertTrue(warnings[0].endswith("tracing without it"), warnings[0])
        self.assertEqual([l for l in err.splitlines() if "--kernel" not in l], plain_err.splitlines())
        for t in (trace.decode(), plain_trace.decode()):
            self.assertTrue(any(f'"{missing}"' in l and "ENOENT" in l for l in t.splitlines()), t)
            self.assertIn(missing, t[t.rindex("=== whyfail verdict ==="):])
        self.assertNotIn("kernel:", trace.decode())


def backend_usable():
    p = subprocess.run([WHYFAIL, f"--backend={BACKEND}", "--", "true"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=TIMEOUT)
    return p.returncode == 0, p.stderr.decode(errors="replace").strip()


def main():
    global WHYFAIL, BACKEND
    ap = argparse.ArgumentParser()
    ap.add_argument("--whyfail", required=True)
    ap.add_argument("--backend", default="ptrace", choices=["ptrace", "bpf"])
    args, rest = ap.parse_known_args()
    WHYFAIL, BACKEND = os.path.abspath(args.whyfail), args.backend
    if not os.access(WHYFAIL, os.X_OK):
        print(f"skip: {WHYFAIL} is not built")
        return 77
    ok, why = backend_usable()
    if not ok:
        print(f"skip: the {BACKEND} backend cannot run here: {why}")
        return 77
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
