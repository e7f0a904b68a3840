#!/usr/bin/env bash
# Communication figures for docs/benchmarks.md. Builds, starts the stack as scripts/start.sh does (run-mode
# ports: stop a running stack first) on a throw-away data folder, logs in as the demo practice's admin, then, for each
# provider of MODE (smtp, http or all, the default):
#   smtp: the demo practice's e-mail goes to the development mailbox (smtp4dev, the default routing);
#   http: to a local SendGrid-type fake (benchmarks/MedicalHub.Communication.Benchmark, on HTTP_FAKE_PORT, which
#         answers 202 at once and records when each notification's call arrived), routed with PUT /api/notification-routing/email;
#   1. accepted/s: ACCEPT_REQUESTS POSTs to /api/notifications (e-mail, ad-hoc body) with `hey`, ACCEPT_CONCURRENCY at once;
#   2. delivered/s: waits until the engine has delivered that backlog and reports the rate from the first provider call
#      to the last (for http, as the fake saw them arrive);
#   3. p50/p99 acceptance -> provider call: LATENCY_REQUESTS notifications sent at LATENCY_RATE/s (not throttled)
#      (smtp: to the start of the provider call in the attempt log; http: to the call's arrival at the fake).
# Needs: hey, curl, python3.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
MODE="${MODE:-all}"
ACCEPT_REQUESTS="${ACCEPT_REQUESTS:-5000}"
ACCEPT_CONCURRENCY="${ACCEPT_CONCURRENCY:-32}"
LATENCY_REQUESTS="${LATENCY_REQUESTS:-300}"
LATENCY_RATE="${LATENCY_RATE:-50}"
HTTP_FAKE_PORT="${HTTP_FAKE_PORT:-8099}"
case "$MODE" in smtp) modes="smtp" ;; http) modes="http" ;; all) modes="smtp http" ;; *) die "MODE is smtp, http or all" ;; esac
command -v hey >/dev/null || { echo "hey is required (apt-get install hey)" >&2; exit 1; }

dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -nologo -v quiet -clp:ErrorsOnly
dotnet build benchmarks/MedicalHub.Communication.Benchmark/MedicalHub.Communication.Benchmark.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-bench-XXXXXX)"
chmod 755 "$data"
apphost_pid=""
fake_pid=""
cleanup() {
  [ -n "$apphost_pid" ] && kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null
  [ -n "$fake_pid" ] && kill -TERM "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

# The HTTP provider fake, and the provider that points at it (named `httpfake`; the AppHost's environment reaches the
# services it starts). Configured in every mode; only the http mode routes e-mail to it.
fake_url="http://127.0.0.1:$HTTP_FAKE_PORT"
dotnet benchmarks/MedicalHub.Communication.Benchmark/bin/Release/net10.0/MedicalHub.Communication.Benchmark.dll --urls "$fake_url" >"$data/fake.log" 2>&1 &
fake_pid=$!
export MedicalHub__Communication__Providers__httpfake__Type=sendgrid \
  MedicalHub__Communication__Providers__httpfake__BaseUrl="$fake_url" \
  MedicalHub__Communication__Providers__httpfake__ApiKey=benchmark-key \
  MedicalHub__Communication__Providers__httpfake__FromEmail=no-reply@medicalhub.local

MedicalHub__DataDirectory="$data" dotnet run --project MedicalHub.AppHost --launch-profile http --no-build >"$data/apphost.log" 2>&1 &
apphost_pid=$!
for _ in $(seq 1 900); do
  ok=0
  for port in 8001 8003; do [ "$(curl -s -m 1 "http://localhost:$port/health")" = Healthy ] && ok=$((ok + 1)); done
  [ "$ok" = 2 ] && break
  sleep 0.2
done
[ "$ok" = 2 ] || { echo "the stack did not become healthy" >&2; tail -30 "$data/apphost.log" >&2; exit 1; }
curl -s -m 2 -o /dev/null -X DELETE "$fake_url/arrivals" || { echo "the HTTP provider fake did not start" >&2; cat "$data/fake.log" >&2; exit 1; }

password="$(dotnet user-secrets list --project MedicalHub.AppHost | sed -n 's/^Parameters:identity-demo-password = //p')"
token=""
for _ in $(seq 1 50); do   # the demo practice is seeded just after Identity starts
  token="$(curl -s http://localhost:8001/connect/token -d grant_type=password -d client_id=medicalhub-web \
    --data-urlencode username=admin@demo.medicalhub.local --data-urlencode "password=$password" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("access_token",""))' 2>/dev/null || true)"
  [ -n "$token" ] && break
  sleep 0.2
done
[ -n "$token" ] || { echo "could not log in as the demo admin" >&2; exit 1; }

cat > "$data/bench.py" <<'PY'
import json, os, sys, time, urllib.request, concurrent.futures as cf
from datetime import datetime
base, token, fake = "http://localhost:8003", os.environ["TOKEN"], os.environ["FAKE_URL"]
def call(method, path, body=None, root=base, auth=True):
    headers = {"Content-Type": "application/json"}
    if auth: headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(root + path, method=method, data=None if body is None else json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return json.loads(raw) if raw else None
def ts(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
def count(status): return call("GET", f"/api/notifications?status={status}&pageSize=1")["total"]
def arrivals(): return call("GET", "/arrivals", root=fake, auth=False)
def pct(values, q): return values[min(len(values) - 1, int(q * len(values)))] * 1000
def drain():
    start = time.time()
    while count("queued") + count("sending") > 0:
        time.sleep(0.5)
    print(f"backlog delivered after {time.time() - start:.1f} s of waiting")

def route(mode):
    providers = ["httpfake"] if mode == "http" else ["smtp"]
    call("PUT", "/api/notification-routing/email", {"providers": providers})
    call("DELETE", "/arrivals", root=fake, auth=False)

def delivered(mode):
    print(f"== 2. delivered/s to the {'HTTP provider fake' if mode == 'http' else 'SMTP sink'} (the backlog above)")
    drain()
    if mode == "http":
        seen = arrivals()
        first, last = min(a["at"] for a in seen), max(a["at"] for a in seen)
        calls, distinct = len(seen), len({a["notificationId"] for a in seen})
        print(f"the fake received {calls} calls for {distinct} notifications in {last - first:.1f} s: {calls / (last - first):.0f} delivered/s")
        return
    page = call("GET", "/api/notifications?status=sent&pageSize=200")
    sent = page["total"]
    # From the oldest notification's provider call to the last call among the newest 200 (the tail of the backlog).
    oldest = call("GET", f"/api/notifications?status=sent&pageSize=1&page={sent}")["items"][0]["id"]
    first_start = ts(call("GET", f"/api/notifications/{oldest}")["channels"][0]["attemptLog"][0]["startedAt"])
    with cf.ThreadPoolExecutor(8) as pool:
        tail = list(pool.map(lambda n: call("GET", f"/api/notifications/{n['id']}"), page["items"]))
    last_end = max(ts(v["channels"][0]["attemptLog"][-1]["finishedAt"]) for v in tail)
    print(f"delivered {sent} e-mails in {last_end - first_start:.1f} s: {sent / (last_end - first_start):.0f} delivered/s")

def latency(mode):
    n, rate = int(os.environ["LATENCY_REQUESTS"]), float(os.environ["LATENCY_RATE"])
    print(f"== 3. acceptance -> provider call, {n} notifications at {rate:.0f}/s")
    call("DELETE", "/arrivals", root=fake, auth=False)
    body = {"recipient": {"email": "latency@example.org"}, "category": "benchmark-latency", "subject": "Latency", "body": "x"}
    t0 = time.time()
    with cf.ThreadPoolExecutor(8) as pool:
        futures = []
        for k in range(n):
            delay = t0 + k / rate - time.time()
            if delay > 0: time.sleep(delay)
            futures.append(pool.submit(call, "POST", "/api/notifications", body))
        ids = [f.result()["id"] for f in futures]
    time.sleep(2)
    drain()
    with cf.ThreadPoolExecutor(8) as pool:
        views = list(pool.map(lambda i: call("GET", f"/api/notifications/{i}"), ids))
    if mode == "http":
        arrived = {}
        for a in arrivals():
            arrived.setdefault(a["notificationId"], a["at"])
        lat = sorted(arrived[v["id"]] - ts(v["createdAt"]) for v in views if v["id"] in arrived)
        what = "acceptance -> arrival at the fake"
    else:
        lat = sorted(ts(v["channels"][0]["attemptLog"][0]["startedAt"]) - ts(v["createdAt"]) for v in views if v["channels"][0]["attemptLog"])
        what = "acceptance -> start of the provider call"
    print(f"{len(lat)} measured ({what}): p50 {pct(lat, 0.50):.0f} ms, p99 {pct(lat, 0.99):.0f} ms, max {lat[-1]*1000:.0f} ms")

globals()[sys.argv[1]](sys.argv[2])
PY
bench() { TOKEN="$token" FAKE_URL="$fake_url" LATENCY_REQUESTS="$LATENCY_REQUESTS" LATENCY_RATE="$LATENCY_RATE" python3 "$data/bench.py" "$@"; }

for mode in $modes; do
  echo "######## provider: $mode"
  bench route "$mode"
  echo "== 1. accepted/s: $ACCEPT_REQUESTS requests, $ACCEPT_CONCURRENCY concurrent"
  hey -n "$ACCEPT_REQUESTS" -c "$ACCEPT_CONCURRENCY" -m POST -T application/json -H "Authorization: Bearer $token" \
    -d '{"recipient":{"email":"bench@example.org"},"category":"benchmark","subject":"Benchmark","body":"A benchmark message."}' \
    http://localhost:8003/api/notifications > "$data/hey.txt"
  grep -E "Requests/sec" "$data/hey.txt"
  # Every answer's status, and hey's own errors (timeouts, refused connections) when there were any.
  sed -n '/Status code distribution/,$p' "$data/hey.txt" | grep -vE "^\s*$"
  bench delivered "$mode"
  bench latency "$mode"
done
