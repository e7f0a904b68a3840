#!/usr/bin/env python3
"""CPU time per process between two snapshots, for the benchmark scripts (where the time goes on a shared machine).

  cpu-by-process.py snapshot FILE MARKER ROOT...              writes every process's CPU ticks to FILE
  cpu-by-process.py diff FILE COUNT TOP UNIT MARKER ROOT...   prints the CPU each process used since FILE, in ms and
                                                              in ms per COUNT (UNIT names what was counted)

A process's ticks are its user and system time and those of its children that ended (/proc/<pid>/stat), so a load
generator that ran and exited in between is counted with the script that waited for it. Only the benchmark's processes
are named (the others count their own time only): those whose environment holds MARKER (a variable the AppHost was started with, which DCP passes on to
everything it starts) or that descend from a ROOT pid; every other process on the machine is summed in one line.

A Postgres backend ("postgres: ...") is counted with its server (the process whose command line names the data folder),
so each server shows its own total. Processes are named by what their command line says they are (the MedicalHub
service's project, smtp4dev, the Aspire dashboard, dcp, hey...).
"""
import os
import re
import sys

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def processes():
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                environ = f.read().split(b"\0")
        except OSError:
            environ = []
        # Own user + system time, and with the children that ended (cutime + cstime).
        yield int(pid), int(fields[1]), (int(fields[11]) + int(fields[12]), sum(int(f) for f in fields[11:15])), cmdline, environ


def name(cmdline):
    if m := re.search(r"MedicalHub\.(\w+)\.Api", cmdline):
        return f"{m.group(1).lower()} service"
    if m := re.search(r"postgres -D \S*/([\w-]+)", cmdline):
        return f"{m.group(1)} (with its backends)"
    if m := re.search(r"redis-server \S*:(\d+)", cmdline):
        return f"redis :{m.group(1)}"
    for needle, label in (("benchmark-communication.sh", "benchmark script, with hey (children that ended)"), ("Rnwood.Smtp4dev", "smtp4dev"), ("smtp4dev", "smtp4dev"), ("Aspire.Dashboard", "aspire dashboard"),
                          ("MedicalHub.AppHost", "apphost"), ("dcpctrl", "dcpctrl"), ("dcpproc", "dcpproc"), ("/dcp ", "dcp"),
                          ("hey ", "hey (load generator)"), ("python3", "python3 (benchmark client)")):
        if needle in cmdline:
            return label
    return (cmdline[:60] or "?")


def snapshot(marker, roots):
    rows = list(processes())
    parents = {pid: ppid for pid, ppid, _, _, _ in rows}
    cmdlines = {pid: cmd for pid, _, _, cmd, _ in rows}
    marked = {pid for pid, _, _, _, environ in rows if marker in environ}

    def ours(pid):
        while pid > 1:
            if pid in roots or pid in marked:
                return True
            pid = parents.get(pid, 0)
        return False

    for pid, _, (own, with_children), cmd, _ in rows:
        if not ours(pid):
            # Their own time only: a build's ended compilers would otherwise count with their whole lifetime.
            yield pid, own, "other processes on the machine (other work)"
            continue
        ticks = with_children
        owner = pid
        # A Postgres backend or auxiliary process belongs to its server.
        while cmdlines.get(owner, "").startswith("postgres:") and parents.get(owner) in cmdlines:
            owner = parents[owner]
        yield pid, ticks, name(cmdlines.get(owner, cmd))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "snapshot":
        marker, roots = sys.argv[3].encode(), {int(r) for r in sys.argv[4:]}
        with open(path, "w") as f:
            for pid, ticks, label in snapshot(marker, roots):
                f.write(f"{pid}\t{ticks}\t{label}\n")
        return
    count, top, unit = float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    marker, roots = sys.argv[6].encode(), {int(r) for r in sys.argv[7:]}
    before = {}
    with open(path) as f:
        for line in f:
            pid, ticks, _ = line.rstrip("\n").split("\t")
            before[int(pid)] = int(ticks)
    used = {}
    for pid, ticks, label in snapshot(marker, roots):
        used[label] = used.get(label, 0) + ticks - before.get(pid, 0)
    others = used.pop("other processes on the machine (other work)", 0)
    total = sum(v for v in used.values() if v > 0)
    print(f"| process | CPU ms | CPU ms per {unit} |")
    print("|---|---|---|")
    for label, ticks in sorted(used.items(), key=lambda kv: -kv[1])[:top]:
        if ticks > 0:
            print(f"| {label} | {ticks * TICK_MS:.0f} | {ticks * TICK_MS / count:.2f} |")
    print(f"| **the benchmark's processes** | {total * TICK_MS:.0f} | {total * TICK_MS / count:.2f} |")
    print(f"| other processes on the machine (other work) | {others * TICK_MS:.0f} | — |")


if __name__ == "__main__":
    main()
