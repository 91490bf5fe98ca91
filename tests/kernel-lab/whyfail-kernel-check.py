#!/usr/bin/env python3
"""Checks the console of whyfail-kernel.sh's lab run (see there).

usage: whyfail-kernel-check.py CONSOLE_LOG
"""
import json
import re
import sys

# Called by the tracer's own programs (probe reads, maps, ring buffer): never
# part of a syscall's path, so never in a recorded graph.
# (bpf_lsm_* are LSM hooks of the syscall's own path, not ours.)
TRACER_OWN = re.compile(r"^(copy_from_kernel_nofault\w*|copy_from_user_nofault|strncpy_from_\w+_nofault|"
                        r"bpf_(probe|map|ringbuf|get|prog|trampoline|ktime)\w*|__bpf_\w+|htab_\w+|__htab_\w+|"
                        r"rcu_\w+|__rcu_\w+|migrate_\w+)$")


def sections(text):
    out, name, lines = {}, None, []
    for line in text.splitlines():
        line = line.rstrip("\r")
        m = re.match(r"^WHYFAIL-BEGIN (\S+)$", line)
        if m:
            name, lines = m.group(1), []
        elif name and line == f"WHYFAIL-END {name}":
            out[name] = "\n".join(lines)
            name = None
        elif name:
            lines.append(line)
    return out


def check_record(where, rec):
    errors = []
    k = rec.get("kernel")
    if not isinstance(k, dict):
        return [f"{where}: the mkdir record has no kernel object"]
    origin = k.get("origin") or {}
    for key in ("function", "offset", "file", "line"):
        if key not in origin:
            errors.append(f"{where}: kernel.origin has no {key}")
    if not k.get("found") or origin.get("function") != "filename_create":
        errors.append(f"{where}: origin {origin.get('function')!r} (found={k.get('found')}), expected "
                      f"filename_create; note: {k.get('note')!r}")
    chain = [f.get("function") for f in k.get("chain", [])]
    if not chain or chain[0] != origin.get("function") or not chain[-1].startswith("__x64_sys_mkdir"):
        errors.append(f"{where}: chain {chain} does not run from the origin to __x64_sys_mkdir")
    graph = k.get("graph", [])
    if not graph or not any(g.get("error_path") for g in graph):
        errors.append(f"{where}: graph is empty or marks no error path")
    own = sorted({g["function"] for g in graph if TRACER_OWN.match(g.get("function", ""))})
    if own:
        errors.append(f"{where}: the graph holds the tracer's own calls: {own}")
    if k.get("returns_dropped"):
        errors.append(f"{where}: {k['returns_dropped']} returns dropped")
    return errors


def main():
    text = open(sys.argv[1], errors="replace").read()
    status = dict(re.findall(r"^WHYFAIL-STATUS (\S+) (\d+)", text.replace("\r", ""), re.M))
    secs = sections(text)
    errors = []
    if set(status) != {"direct", "text", "bpf", "ptrace"}:
        errors.append(f"missing runs: statuses {status}")
    for run in ("text", "bpf", "ptrace"):
        if status.get(run) != status.get("direct"):
            errors.append(f"{run}: whyfail exited {status.get(run)}, mkdir alone {status.get('direct')}")
    for name in ("bpf.json", "ptrace.json"):
        if name not in secs:
            errors.append(f"{name}: not printed")
            continue
        records = [json.loads(l) for l in secs[name].splitlines() if l.strip()]  # must all parse
        mk = [r for r in records if r.get("type") == "syscall" and r.get("syscall") == "mkdir"]
        if len(mk) != 1:
            errors.append(f"{name}: {len(mk)} mkdir records")
            continue
        errors += check_record(name, mk[0])
        verdict = [r for r in records if r.get("type") == "verdict"]
        culprit = verdict[-1].get("culprit") if verdict else None
        if not culprit or culprit.get("syscall") != "mkdir":
            errors.append(f"{name}: the verdict's culprit is not the mkdir")
        else:
            errors += check_record(name + " verdict culprit", culprit)
        o = mk[0].get("kernel", {}).get("origin") or {}
        print(f"{name}: origin {o.get('function')}+{o.get('offset')} "
              f"chain {' <- '.join(f['function'] for f in mk[0]['kernel'].get('chain', []))} "
              f"({mk[0]['kernel'].get('mechanism')}, {len(mk[0]['kernel'].get('graph', []))} graph entries)")
    lines = secs.get("text.out", "").splitlines()
    at = [i for i, l in enumerate(lines) if l.startswith('mkdir("/tmp"')]
    if not at or at[0] + 1 >= len(lines) or not lines[at[0] + 1].lstrip().startswith("kernel: filename_create"):
        errors.append("text.out: no 'kernel: filename_create' line under the failing mkdir line")
    text = secs.get("text.out", "")
    verdict = text[text.find("=== whyfail verdict ==="):] if "=== whyfail verdict ===" in text else ""
    if "kernel: filename_create" not in verdict:
        errors.append("text.out: the verdict does not name the kernel origin")
    for e in errors:
        print("whyfail-kernel-check: FAIL: " + e)
    if not errors:
        print("whyfail-kernel-check: PASS")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
