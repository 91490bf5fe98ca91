#!/usr/bin/env python3
"""End-to-end tests of `whyfail sweep` on programs whose reaction to failures is known
from their source (tests/progs/sweep_*.c): each site's classification is asserted.

usage: sweep_test.py --whyfail PATH --progs DIR
"""
import argparse
import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import unittest

WHYFAIL = None
PROGS = None
# Generous: the machine running the tests may be busy; only the hang waits this long.
HANG_TIMEOUT = "3"
TIMEOUT = "20"


def sweep(args, cwd=None):
    """Runs whyfail sweep in a fresh empty directory (or cwd); returns (status, stdout, stderr)."""
    with tempfile.TemporaryDirectory(prefix="whyfail-sweep-test-") as tmp:
        p = subprocess.run([WHYFAIL, "sweep"] + list(args), cwd=cwd or tmp, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600)
        return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "surrogateescape")


def sweep_json(prog, *extra):
    status, out, err = sweep(["--json", "-j", "2"] + list(extra) + ["--", os.path.join(PROGS, prog)])
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    trials = [r for r in records if r["type"] == "sweep_trial"]
    summaries = [r for r in records if r["type"] == "sweep_summary"]
    return status, trials, summaries, err


def target(trial):
    t = trial["target"]
    return t if isinstance(t, str) or t is None else t["str"]


def own_site(trial, prog):
    """The site is in the program's own code (not only in ld.so or libc): a frame in its
    executable; without symbolized frames, a return address where x86_64 Linux maps PIE
    executables (0x55..., 0x56...; libraries and ld.so are at 0x7f..., and an unwinder's
    last junk frames are small numbers)."""
    if trial["user_frames"]:
        return any((f["module"] if isinstance(f["module"], str) else f["module"]["str"]).endswith("/" + prog)
                   for f in trial["user_frames"])
    return any(0x550000000000 <= int(a, 16) < 0x570000000000 for a in trial["user_stack"])


def describe(trials):
    return "\n".join(f'{t["syscall"]}({target(t)}) {t["errno"]} -> {t["outcome"]}: {t["reason"]}' for t in trials)


class SweepPrograms(unittest.TestCase):
    def test_ignored_write_errors_are_silently_ignored(self):
        status, trials, summaries, err = sweep_json("sweep_ignores_write_errors", "--timeout", TIMEOUT)
        self.assertEqual(len(summaries), 1, err)
        self.assertEqual(status, 3, err)  # findings
        writes = [t for t in trials if t["syscall"] == "write" and target(t) == "out.txt"]
        self.assertTrue(writes, describe(trials))
        self.assertEqual({t["errno"] for t in writes}, {"ENOSPC", "EIO", "EINTR"})
        for t in writes:
            self.assertTrue(t["fired"], describe([t]))
            self.assertEqual(t["outcome"], "silently-ignored", describe([t]))
            self.assertIn("out.txt", [f if isinstance(f, str) else f["str"] for f in t["files_changed"]])
        closes = [t for t in trials if t["syscall"] == "close" and target(t) == "out.txt"]
        self.assertTrue(closes, describe(trials))
        for t in closes:
            self.assertEqual(t["outcome"], "silently-ignored", describe([t]))
        opens = [t for t in trials if t["syscall"] in ("open", "openat") and target(t) == "out.txt"]
        self.assertEqual({t["errno"] for t in opens}, {"EACCES", "ENOSPC", "EMFILE"}, describe(trials))
        for t in opens:
            self.assertEqual(t["outcome"], "handled", describe([t]))
            self.assertEqual(t["exit"]["code"], 1)
            self.assertIn("cannot create out.txt", t["message"])

    def test_null_deref_after_failed_malloc_crashes(self):
        status, trials, summaries, err = sweep_json("sweep_null_after_malloc", "--timeout", TIMEOUT)
        self.assertEqual(len(summaries), 1, err)
        mib = [t for t in trials if t["syscall"] == "mmap" and t["raw_args"][1] == 1 << 20]
        self.assertEqual(len(mib), 1, describe(trials))
        self.assertEqual(mib[0]["outcome"], "crashed", describe(mib))
        self.assertEqual(mib[0]["exit"]["signal"], "SIGSEGV")
        # The mapping that blocks the heap is checked: reported, exit 1.
        fixed = [t for t in trials if t["syscall"] == "mmap" and t["raw_args"][3] & 0x100000]  # MAP_FIXED_NOREPLACE
        self.assertEqual(len(fixed), 1, describe(trials))
        self.assertEqual(fixed[0]["outcome"], "handled", describe(fixed))
        self.assertIn("cannot map above the heap", fixed[0]["message"])
        self.assertEqual([t for t in trials if t["outcome"] == "crashed" and own_site(t, "sweep_null_after_malloc")],
                         mib, describe(trials))
        self.assertEqual(status, 3)

    def test_eintr_loop_hangs(self):
        status, trials, summaries, err = sweep_json("sweep_loops_on_eintr", "--timeout", HANG_TIMEOUT)
        self.assertEqual(len(summaries), 1, err)
        reads = [t for t in trials if t["syscall"] == "read" and target(t) == "pipe"]
        self.assertEqual([t["errno"] for t in reads], ["EINTR"], describe(trials))
        self.assertEqual(reads[0]["outcome"], "hung", describe(reads))
        self.assertTrue(reads[0]["fired"])
        self.assertEqual([t for t in trials if t["outcome"] == "hung"], reads, describe(trials))
        self.assertTrue(own_site(reads[0], "sweep_loops_on_eintr"))
        pipe_writes = [t for t in trials if t["syscall"] == "write" and target(t) == "pipe"]
        self.assertTrue(pipe_writes, describe(trials))
        for t in pipe_writes:
            self.assertEqual(t["outcome"], "handled", describe([t]))
            self.assertIn("write to pipe", t["message"])
        self.assertEqual(status, 3)

    def test_careful_program_handles_everything(self):
        status, trials, summaries, err = sweep_json("sweep_handles_everything", "--timeout", TIMEOUT)
        self.assertEqual(len(summaries), 1, err)
        own = [t for t in trials if own_site(t, "sweep_handles_everything")]
        self.assertTrue(own, describe(trials))
        # The dynamic loader's own calls are not the program's to handle (the loader
        # crashes when its first mmap fails), so only the program's sites are judged.
        bad = [t for t in own if t["outcome"] not in ("handled", "not-reached")]
        self.assertEqual(bad, [], describe(bad))
        writes = {t["errno"]: t for t in trials if t["syscall"] == "write" and target(t) == "out.txt"}
        self.assertEqual(set(writes), {"ENOSPC", "EIO", "EINTR"}, describe(trials))
        self.assertTrue(writes["EINTR"]["retried"], describe([writes["EINTR"]]))
        self.assertEqual(writes["EINTR"]["exit"]["code"], 0)
        self.assertEqual(writes["ENOSPC"]["exit"]["code"], 1)
        self.assertIn("No space left on device", writes["ENOSPC"]["message"])
        syncs = [t for t in trials if t["syscall"] == "fsync"]
        self.assertEqual({t["errno"] for t in syncs}, {"EIO", "ENOSPC"}, describe(trials))
        self.assertEqual(sum(summaries[0]["outcomes"].values()), len(trials))

    def test_sites_are_call_sites_with_program_stacks(self):
        # fails_open_two_sites opens the same file from load_config() and from load_cache():
        # one syscall, two call sites, each with its own key, aimed at by the site injector.
        status, out, err = sweep(["--json", "-j", "2", "--timeout", TIMEOUT, "--",
                                  os.path.join(PROGS, "fails_open_two_sites"), "/dev/null"])
        records = [json.loads(line) for line in out.splitlines() if line.strip()]
        summary = [r for r in records if r["type"] == "sweep_summary"]
        self.assertEqual(len(summary), 1, err)
        self.assertEqual(summary[0]["injector"], "site", err)
        opens = [r for r in records if r["type"] == "sweep_trial" and r["syscall"] == "openat"
                 and target(r) == "/dev/null"]
        by_caller = {}
        for t in opens:
            names = [f["function"] for f in t["user_frames"]]
            caller = next((n for n in names if n in ("load_config", "load_cache")), None)
            by_caller.setdefault(caller, set()).add(t["call_site"])
            self.assertTrue(t["fired"], describe([t]))
            self.assertEqual(t["outcome"], "handled", describe([t]))
            self.assertEqual(t["exit"]["code"], 1, describe([t]))
        self.assertEqual(set(by_caller), {"load_config", "load_cache"}, describe(opens))
        self.assertTrue(all(len(keys) == 1 for keys in by_caller.values()), by_caller)
        self.assertNotEqual(by_caller["load_config"], by_caller["load_cache"])
        status, out, err = sweep(["-j", "2", "--timeout", TIMEOUT, "--", os.path.join(PROGS, "fails_open_two_sites"),
                                  "/dev/null"])
        self.assertRegex(out, r"openat +EACCES +/dev/null +load_config\+0x[0-9a-f]+ \(fails_open_two_sites\.c:\d+\)")
        self.assertRegex(out, r"openat +EACCES +/dev/null +load_cache\+0x[0-9a-f]+ \(fails_open_two_sites\.c:\d+\)")

    def test_same_sweep_twice_gives_the_same_trials(self):
        def run():
            _, trials, _, _ = sweep_json("sweep_ignores_write_errors", "--timeout", TIMEOUT)
            return [(t["trial"], t["syscall"], t["errno"], t["when"], target(t), t["outcome"]) for t in trials]
        first = run()
        self.assertTrue(first)
        self.assertEqual(first, run())

    def test_text_table_is_sorted_by_severity(self):
        status, out, err = sweep(["-j", "2", "--timeout", TIMEOUT, "--", os.path.join(PROGS, "sweep_null_after_malloc")])
        self.assertEqual(status, 3, err)
        lines = out.splitlines()
        header = next(i for i, l in enumerate(lines) if l.startswith("OUTCOME"))
        rows = []
        for l in lines[header + 1:]:
            if not l.strip():
                break
            rows.append(l.split()[0])
        self.assertEqual(rows[0], "crashed", out)
        order = ["crashed", "hung", "silently-ignored", "handled", "not-reached", "error"]
        self.assertEqual(rows, sorted(rows, key=order.index), out)
        self.assertRegex(lines[-1], r"^summary: [1-9][0-9]* crashed, 0 hung, ")

    def test_progress_bar_only_on_a_terminal(self):
        prog = os.path.join(PROGS, "sweep_ignores_write_errors")
        status, out, err = sweep(["--max-runs", "3", "--timeout", TIMEOUT, "--", prog])
        self.assertEqual(err, "")  # stderr is a pipe: nothing drawn
        master, slave = pty.openpty()
        with tempfile.TemporaryDirectory(prefix="whyfail-sweep-test-") as tmp:
            p = subprocess.Popen([WHYFAIL, "sweep", "--max-runs", "3", "--timeout", TIMEOUT, "--", prog], cwd=tmp,
                                 stdout=subprocess.PIPE, stderr=slave)
            os.close(slave)
            drawn = b""
            while True:
                ready, _, _ = select.select([master], [], [], 60)
                if not ready:
                    break
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the terminal's last writer is gone
                    break
                if not chunk:
                    break
                drawn += chunk
            p.communicate(timeout=60)
            os.close(master)
        self.assertIn(b"3/3 trials", drawn)
        self.assertTrue(drawn.endswith(b"\r\x1b[K"), drawn)  # the bar is erased before the report

    def test_max_runs_bounds_the_trials_and_says_so(self):
        status, trials, summaries, err = sweep_json("sweep_handles_everything", "--max-runs", "2", "--timeout", TIMEOUT)
        self.assertEqual(len(trials), 2, err)
        self.assertEqual(summaries[0]["trials_not_run"], summaries[0]["trials_planned"] - 2)
        self.assertEqual([t["trial"] for t in trials], [0, 1])


class SweepUsage(unittest.TestCase):
    def assert_one_line_error(self, status, err, expected_status):
        self.assertEqual(status, expected_status, err)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertRegex(lines[0], r"^whyfail: .+; .+")

    def test_no_command(self):
        status, _, err = sweep([])
        self.assert_one_line_error(status, err, 2)

    def test_bad_option_value(self):
        status, _, err = sweep(["--max-runs=0", "--", "true"])
        self.assert_one_line_error(status, err, 2)

    def test_command_not_found(self):
        status, _, err = sweep(["--", "no-such-command-whyfail-sweep"])
        self.assert_one_line_error(status, err, 2)

    def test_refuses_a_working_directory_above_the_copy_limit(self):
        with tempfile.TemporaryDirectory(prefix="whyfail-sweep-big-") as tmp:
            with open(os.path.join(tmp, "big"), "wb") as f:
                f.truncate(2 << 20)  # sparse, but 2 MiB of file size to copy
            status, _, err = sweep(["--max-copy=1", "--", "true"], cwd=tmp)
            self.assert_one_line_error(status, err, 2)
            self.assertIn("--in-place", err)


def main():
    global WHYFAIL, PROGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--whyfail", required=True)
    ap.add_argument("--progs", required=True)
    args, rest = ap.parse_known_args()
    WHYFAIL = os.path.abspath(args.whyfail)
    PROGS = os.path.abspath(args.progs)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
