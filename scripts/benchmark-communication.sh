#!/usr/bin/env bash
# Communication figures for docs/benchmarks.md. Builds, starts the stack as scripts/start.sh does (run-mode
# ports: stop a running stack first) on a throw-away data folder, logs in as the demo practice's admin, then:
#   1. accepted/s: ACCEPT_REQUESTS POSTs to /api/notifications (e-mail, ad-hoc body) with `hey`, ACCEPT_CONCURRENCY at once;
#   2. waits until the engine has delivered that backlog to the SMTP sink (smtp4dev) and reports delivered/s for it;
#   3. p50/p99 acceptance -> provider call: LATENCY_REQUESTS notifications sent at LATENCY_RATE/s (not throttled), each
#      read back for the start of its provider call.
#   4. the same three figures toward an HTTP provider (a local SendGrid-type fake): see scripts/benchmark-communication-http.py.
# Needs: hey, curl, python3.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
ACCEPT_REQUESTS="${ACCEPT_REQUESTS:-5000}"
ACCEPT_CONCURRENCY="${ACCEPT_CONCURRENCY:-32}"
LATENCY_REQUESTS="${LATENCY_REQUESTS:-300}"
LATENCY_RATE="${LATENCY_RATE:-50}"
command -v hey >/dev/null || { echo "hey is required (apt-get install hey)" >&2; exit 1; }

dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-bench-XXXXXX)"
chmod 755 "$data"
apphost_pid=""
cleanup() {
  [ -n "$apphost_pid" ] && kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT
source scripts/communication-http-fake.sh   # a local HTTP provider fake for step 4, and the provider `httpfake`

MedicalHub__DataDirectory="$data" dotnet run --project MedicalHub.AppHost --launch-profile http --no-build >"$data/apphost.log" 2>&1 &
apphost_pid=$!
for _ in $(seq 1 900); do
  ok=0
  for port in 8001 8003; do [ "$(curl -s -m 1 "http://localhost:$port/health")" = Healthy ] && ok=$((ok + 1)); done
  [ "$ok" = 2 ] && break
  sleep 0.2
done
[ "$ok" = 2 ] || { echo "the stack did not become healthy" >&2; tail -30 "$data/apphost.log" >&2; exit 1; }

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

echo "== 1. accepted/s: $ACCEPT_REQUESTS requests, $ACCEPT_CONCURRENCY concurrent"
hey -n "$ACCEPT_REQUESTS" -c "$ACCEPT_CONCURRENCY" -m POST -T application/json -H "Authorization: Bearer $token" \
  -d '{"recipient":{"email":"bench@example.org"},"category":"benchmark","subject":"Benchmark","body":"A benchmark message."}' \
  http://localhost:8003/api/notifications > "$data/hey.txt"
grep -E "Requests/sec" "$data/hey.txt"
# Every answer's status, and hey's own errors (timeouts, refused connections) when there were any.
sed -n '/Status code distribution/,$p' "$data/hey.txt" | grep -vE "^\s*$"

TOKEN="$token" ACCEPTED="$ACCEPT_REQUESTS" LATENCY_REQUESTS="$LATENCY_REQUESTS" LATENCY_RATE="$LATENCY_RATE" python3 - <<'PY'
import json, os, time, urllib.request, concurrent.futures as cf
from datetime import datetime
base, token = "http://localhost:8003", os.environ["TOKEN"]
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)
def ts(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
def count(status): return call("GET", f"/api/notifications?status={status}&pageSize=1")["total"]

print("== 2. delivered/s to the SMTP sink (the backlog above)")
start = time.time()
while count("queued") + count("sending") > 0:
    time.sleep(0.5)
print(f"backlog delivered after {time.time() - start:.1f} s of waiting")
page = call("GET", "/api/notifications?status=sent&pageSize=200")
sent = page["total"]
# From the oldest notification's provider call to the last call among the newest 200 (the tail of the backlog).
oldest = call("GET", f"/api/notifications?status=sent&pageSize=1&page={sent}")["items"][0]["id"]
first_start = ts(call("GET", f"/api/notifications/{oldest}")["channels"][0]["attemptLog"][0]["startedAt"])
with cf.ThreadPoolExecutor(8) as pool:
    tail = list(pool.map(lambda n: call("GET", f"/api/notifications/{n['id']}"), page["items"]))
last_end = max(ts(v["channels"][0]["attemptLog"][-1]["finishedAt"]) for v in tail)
print(f"delivered {sent} e-mails in {last_end - first_start:.1f} s: {sent / (last_end - first_start):.0f} delivered/s")

n, rate = int(os.environ["LATENCY_REQUESTS"]), float(os.environ["LATENCY_RATE"])
print(f"== 3. acceptance -> provider call, {n} notifications at {rate:.0f}/s")
body = {"recipient": {"email": "latency@example.org"}, "category": "benchmark-latency", "subject": "Latency", "body": "x"}
latency_ids = []
t0 = time.time()
with cf.ThreadPoolExecutor(8) as pool:
    futures = []
    for k in range(n):
        delay = t0 + k / rate - time.time()
        if delay > 0: time.sleep(delay)
        futures.append(pool.submit(call, "POST", "/api/notifications", body))
    latency_ids = [f.result()["id"] for f in futures]
time.sleep(2)
with cf.ThreadPoolExecutor(8) as pool:
    views = list(pool.map(lambda i: call("GET", f"/api/notifications/{i}"), latency_ids))
lat = sorted(ts(v["channels"][0]["attemptLog"][0]["startedAt"]) - ts(v["createdAt"]) for v in views if v["channels"][0]["attemptLog"])
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
print(f"{len(lat)} measured: p50 {pick(0.50):.0f} ms, p99 {pick(0.99):.0f} ms, max {lat[-1]*1000:.0f} ms")
PY

# 4. The same toward an HTTP provider: the demo practice's e-mail routed to the local fake (HTTP_BENCHMARK=0 skips it).
if [ "${HTTP_BENCHMARK:-1}" = 1 ]; then
  DATA="$data" BASE="${communication:-http://localhost:8003}" TOKEN="$token" FAKE_URL="$http_fake_url" ACCEPT_REQUESTS="$ACCEPT_REQUESTS" \
    ACCEPT_CONCURRENCY="$ACCEPT_CONCURRENCY" LATENCY_REQUESTS="$LATENCY_REQUESTS" LATENCY_RATE="$LATENCY_RATE" \
    python3 scripts/benchmark-communication-http.py
fi
