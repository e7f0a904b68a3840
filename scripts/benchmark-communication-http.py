"""The HTTP step of scripts/benchmark-communication.sh: the demo practice's e-mail routed to the local HTTP provider fake
(scripts/communication-http-fake.sh), then
  a. accepted/s: ACCEPT_REQUESTS POSTs with `hey`, ACCEPT_CONCURRENCY at once (as step 1, now toward the HTTP provider);
  b. delivered/s to the fake: the number of calls over the span from the first call's arrival to the last's, and the
     rate once every notification had been accepted (the engine alone, no intake competing for the CPU);
  c. p50/p99 acceptance -> provider call: LATENCY_REQUESTS notifications at LATENCY_RATE/s, from each notification's
     createdAt to the arrival of its call at the fake (one clock: the same machine).
Also, while the engine works alone (after the last acceptance), the CPU time the Communication service and its Postgres
spend per delivered notification: a figure that depends much less on what else the machine is doing than a rate.
Environment: BASE (the service), TOKEN, FAKE_URL, DATA (the stack's data folder), and the sizes above."""
import json, os, subprocess, time, urllib.request, concurrent.futures as cf
from datetime import datetime

base, token, fake = os.environ["BASE"], os.environ["TOKEN"], os.environ["FAKE_URL"]
accept_requests, accept_concurrency = os.environ["ACCEPT_REQUESTS"], os.environ["ACCEPT_CONCURRENCY"]
latency_requests, latency_rate = int(os.environ["LATENCY_REQUESTS"]), float(os.environ["LATENCY_RATE"])

def call(method, path, body=None, root=None):
    headers = {"Content-Type": "application/json"}
    if root is None:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request((root or base) + path, method=method, headers=headers,
                                 data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return json.loads(raw) if raw else None

def ts(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
def count(status): return call("GET", f"/api/notifications?status={status}&pageSize=1")["total"]
def arrivals(): return call("GET", "/arrivals", root=fake)
def pick(values, q): return values[min(len(values) - 1, int(q * len(values)))] * 1000

def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / os.sysconf("SC_CLK_TCK")

def processes():
    """(pid, ppid, command line) of every process."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            yield int(pid), ppid, cmdline
        except (FileNotFoundError, ProcessLookupError):
            pass

def service_and_postgres_pids():
    """This checkout's Communication service, and its Postgres server with every backend."""
    everything = list(processes())
    service = [pid for pid, _, cmd in everything if os.getcwd() + "/services/Communication/" in cmd and "MedicalHub.Communication.Api" in cmd]
    postmaster = [pid for pid, _, cmd in everything if "postgres" in cmd and os.environ.get("DATA", "//") + "/communication-postgres" in cmd]
    backends = [pid for pid, ppid, _ in everything if ppid in postmaster]
    return service, postmaster + backends

def drain():
    start = time.time()
    while count("queued") + count("sending") > 0:
        time.sleep(0.5)
    return time.time() - start

call("PUT", "/api/notification-routing/email", {"providers": ["httpfake"]})
call("DELETE", "/arrivals", root=fake)

print(f"== 6a. accepted/s toward the HTTP provider: {accept_requests} requests, {accept_concurrency} concurrent")
hey = subprocess.run(["hey", "-n", accept_requests, "-c", accept_concurrency, "-m", "POST", "-T", "application/json",
                      "-H", "Authorization: Bearer " + token,
                      "-d", json.dumps({"recipient": {"email": "bench-http@example.org"}, "category": "benchmark",
                                        "subject": "Benchmark", "body": "A benchmark message."}),
                      base + "/api/notifications"], capture_output=True, text=True, check=True).stdout
hey_ended = time.time()
service_pids, postgres_pids = service_and_postgres_pids()
cpu_at_hey_end = (cpu_seconds(service_pids), cpu_seconds(postgres_pids))
print("\n".join(line for line in hey.splitlines() if "Requests/sec" in line))
print("\n".join(line for line in hey.split("Status code distribution:")[-1].splitlines() if line.strip()))

print("== 6b. delivered/s to the HTTP provider fake (the backlog above)")
print(f"backlog delivered after {drain():.1f} s of waiting")
service_pids_now, postgres_pids_now = service_and_postgres_pids()
cpu_drained = (cpu_seconds(service_pids), cpu_seconds(postgres_pids_now))
seen = arrivals()
first, last = min(a["at"] for a in seen), max(a["at"] for a in seen)
distinct = len({a["notificationId"] for a in seen})
print(f"the fake received {len(seen)} calls for {distinct} notifications in {last - first:.1f} s: {len(seen) / (last - first):.0f} delivered/s")
# The engine alone: the calls that arrived once every notification had been accepted (no intake competing for the CPU).
after = [a["at"] for a in seen if a["at"] > hey_ended]
if len(after) > 1:
    print(f"after the last acceptance: {len(after)} calls in {max(after) - hey_ended:.1f} s: {len(after) / (max(after) - hey_ended):.0f} delivered/s (the engine alone)")
    if service_pids and postgres_pids:
        # Backends that started during the drain count from zero: a small overestimate for Postgres.
        print(f"CPU per notification delivered after the last acceptance: service {(cpu_drained[0] - cpu_at_hey_end[0]) * 1000 / len(after):.2f} ms, "
              f"its Postgres {(cpu_drained[1] - cpu_at_hey_end[1]) * 1000 / len(after):.2f} ms")
    else:
        print("CPU per notification: the service's or its Postgres' processes were not found")

print(f"== 6c. acceptance -> arrival of the provider call at the fake, {latency_requests} notifications at {latency_rate:.0f}/s")
call("DELETE", "/arrivals", root=fake)
body = {"recipient": {"email": "latency-http@example.org"}, "category": "benchmark-latency", "subject": "Latency", "body": "x"}
t0 = time.time()
with cf.ThreadPoolExecutor(8) as pool:
    futures = []
    for k in range(latency_requests):
        delay = t0 + k / latency_rate - time.time()
        if delay > 0:
            time.sleep(delay)
        futures.append(pool.submit(call, "POST", "/api/notifications", body))
    ids = [f.result()["id"] for f in futures]
time.sleep(1)
drain()
arrived = {}
for a in arrivals():
    arrived.setdefault(a["notificationId"], a["at"])
with cf.ThreadPoolExecutor(8) as pool:
    views = list(pool.map(lambda i: call("GET", f"/api/notifications/{i}"), ids))
lat = sorted(arrived[v["id"]] - ts(v["createdAt"]) for v in views if v["id"] in arrived)
print(f"{len(lat)} measured: p50 {pick(lat, 0.50):.0f} ms, p99 {pick(lat, 0.99):.0f} ms, max {lat[-1] * 1000:.0f} ms")
