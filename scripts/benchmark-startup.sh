#!/usr/bin/env bash
# Startup and idle-memory figures for docs/benchmarks.md. Builds first (not timed), then twice starts
# the AppHost exactly as scripts/start.sh does: once on an empty data folder (cold: initdb included),
# once on the folder the first run left (warm). Each time it reports the seconds from the run command
# to all four services answering /health (each waits for its own Postgres and Redis), then, after
# IDLE_SECONDS, the memory of every process of the stack. Uses the run-mode ports 8001-8004, so stop a
# running stack first.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
IDLE_SECONDS="${IDLE_SECONDS:-30}"

dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-bench-XXXXXX)"
chmod 755 "$data"
apphost_pid=""
cleanup() {
  [ -n "$apphost_pid" ] && kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

elapsed() { awk -v s="$1" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'; }

run_once() {
  local label="$1" start ok
  start=$(date +%s.%N)
  MedicalHub__DataDirectory="$data" dotnet run --project MedicalHub.AppHost --launch-profile http --no-build >"$data/apphost-$label.log" 2>&1 &
  apphost_pid=$!
  while :; do
    ok=0
    for port in 8001 8002 8003 8004; do
      [ "$(curl -s -m 1 "http://localhost:$port/health")" = Healthy ] && ok=$((ok + 1))
    done
    [ "$ok" = 4 ] && break
    if awk -v e="$(elapsed "$start")" 'BEGIN { exit !(e > 180) }'; then echo "not healthy after 180 s" >&2; tail -30 "$data/apphost-$label.log" >&2; exit 1; fi
    sleep 0.2
  done
  echo "$label start: all resources healthy $(elapsed "$start") s after the run command"
  sleep "$IDLE_SECONDS"
  python3 - "$apphost_pid" "$label" <<'PY'
import os, sys, re
root, label = int(sys.argv[1]), sys.argv[2]
def read(path):
    try:
        with open(path, "rb") as f: return f.read().decode(errors="replace")
    except OSError: return ""
procs = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    stat = read(f"/proc/{pid}/stat")
    if not stat: continue
    ppid = int(stat.rsplit(")", 1)[1].split()[1])
    cmd = read(f"/proc/{pid}/cmdline").replace("\0", " ").strip()
    procs[int(pid)] = (ppid, cmd)
def kb(pid, field, source):
    m = re.search(rf"^{field}:\s+(\d+) kB", read(f"/proc/{pid}/{source}"), re.M)
    return int(m.group(1)) if m else 0
# The stack: the AppHost's process tree, plus DCP (which re-parents itself) and everything under it.
members = set()
def add_tree(pid):
    members.add(pid)
    for child, (ppid, _) in procs.items():
        if ppid == pid and child not in members: add_tree(child)
add_tree(root)
for pid, (_, cmd) in procs.items():
    if "/dcp " in cmd and f"--monitor" in cmd: add_tree(pid)
groups = {}
def group(cmd):
    if cmd.startswith("dotnet run --project") and ".Api.csproj" in cmd: return "dotnet run launchers (DCP)"
    for svc in ("Identity", "Content", "Communication", "Workflow"):
        if f"MedicalHub.{svc}.Api" in cmd: return f"service {svc.lower()}"
    m = re.search(r"-D \S*/(\w+)-postgres", cmd)
    if m: return f"postgres {m.group(1)}"
    m = re.search(r"redis-server \S+:(\d+)", cmd)
    if m: return f"redis :{m.group(1)}"
    if "postgres" in cmd: return "postgres (backends)"
    if "Aspire.Dashboard" in cmd: return "dashboard"
    if "smtp4dev" in cmd: return "mail (smtp4dev)"
    if "/dcp " in cmd: return "dcp (orchestrator)"
    if "MedicalHub.AppHost" in cmd: return "apphost"
    return "other (dotnet run, shells)"
for pid in members:
    g = group(procs[pid][1])
    rss, pss = kb(pid, "VmRSS", "status"), kb(pid, "Pss", "smaps_rollup")
    a = groups.setdefault(g, [0, 0, 0]); a[0] += 1; a[1] += rss; a[2] += pss
print(f"{label} idle memory after the stack settled (RSS counts shared pages in every process; PSS shares them out):")
print(f"  {'process group':28} {'procs':>5} {'RSS MB':>8} {'PSS MB':>8}")
for g in sorted(groups):
    n, rss, pss = groups[g]
    print(f"  {g:28} {n:>5} {rss/1024:>8.1f} {pss/1024:>8.1f}")
print(f"  {'whole stack':28} {sum(v[0] for v in groups.values()):>5} {sum(v[1] for v in groups.values())/1024:>8.1f} {sum(v[2] for v in groups.values())/1024:>8.1f}")
PY
  kill -TERM "$apphost_pid"; wait "$apphost_pid" 2>/dev/null || true; apphost_pid=""
  # DCP stops the infrastructure after the AppHost: wait until none of it is left before the next run.
  for _ in $(seq 1 60); do pgrep -f "$data" >/dev/null || break; sleep 0.5; done
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(dotnet --version) SDK, $(date -u +%F)"
run_once cold
run_once warm
