#!/usr/bin/env bash
# Communication figures for docs/benchmarks.md. Builds, starts Identity and Communication (with smtp4dev) through the
# AppHost on random ports (it runs beside any other stack) and a throw-away data folder, logs in as the demo practice's
# admin, then:
#   1. accepted/s: ACCEPT_REQUESTS POSTs to /api/notifications (e-mail, ad-hoc body) with `hey`, ACCEPT_CONCURRENCY at once;
#   2. waits until the engine has delivered that backlog to the SMTP sink (smtp4dev) and reports delivered/s for it;
#   3. p50/p99 acceptance -> provider call: LATENCY_REQUESTS notifications sent at LATENCY_RATE/s (not throttled), each
#      read back for the start of its provider call.
#   4. where the time goes: the CPU each process used during step 1 (scripts/cpu-by-process.py), per accepted notification;
#   5. accepting alone: INTAKE_REQUESTS POSTs as in step 1 but scheduled for tomorrow, so the engine stays idle: the
#      accepted/s and the CPU per accepted notification of the intake by itself;
#   6. the figures of steps 1-3 toward an HTTP provider (a local SendGrid-type fake): scripts/benchmark-communication-http.py
#      (HTTP_BENCHMARK=0 skips it);
#   7. the SQL statements Postgres runs per notification (log_statement=all on this throw-away server, counted over
#      COUNT_SQL_REQUESTS sequential POSTs: scheduled for tomorrow, so only the intake runs, then due now, so the
#      engine's claim and outcome are counted too), with the statements by kind. COUNT_SQL=0 skips it; ONLY_SQL=1
#      runs only this step.
# CONFIGURATION: Release (default; the AppHost runs each service in the configuration it was built in) or Debug.
# Needs: hey, curl, python3.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
ACCEPT_REQUESTS="${ACCEPT_REQUESTS:-5000}"
ACCEPT_CONCURRENCY="${ACCEPT_CONCURRENCY:-32}"
LATENCY_REQUESTS="${LATENCY_REQUESTS:-300}"
LATENCY_RATE="${LATENCY_RATE:-50}"
COUNT_SQL_REQUESTS="${COUNT_SQL_REQUESTS:-20}"
INTAKE_REQUESTS="${INTAKE_REQUESTS:-3000}"
CONFIGURATION="${CONFIGURATION:-Release}"
command -v hey >/dev/null || { echo "hey is required (apt-get install hey)" >&2; exit 1; }

dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-bench-XXXXXX)"
chmod 755 "$data"
password="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
apphost_pid=""
cleanup() {
  if [ -n "$apphost_pid" ]; then
    kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null
    # DCP stops the infrastructure after the AppHost: wait until none of it is left.
    for _ in $(seq 1 60); do pgrep -f "$data" >/dev/null || break; sleep 0.5; done
  fi
  rm -rf "$data"
}
trap cleanup EXIT
source scripts/communication-http-fake.sh   # a local HTTP provider fake for step 6, and the provider `httpfake`

# Random ports for everything (the services, their stores, smtp4dev, the dashboard), so the run does not collide with a
# stack or another benchmark on this machine; only Identity (tokens) and Communication run, with smtp4dev.
read -r dashboard_port otlp_port resource_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
env MedicalHub__DataDirectory="$data" MedicalHub__FixedPorts=false DcpPublisher__RandomizePorts=true \
  MedicalHub__Services=identity,communication "Parameters__identity-demo-password=$password" "${http_fake_parameters[@]}" \
  ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  ASPNETCORE_URLS="http://localhost:$dashboard_port" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$otlp_port" \
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$resource_port" \
  dotnet run --project MedicalHub.AppHost -c "$CONFIGURATION" --no-launch-profile --no-build >"$data/apphost.log" 2>&1 &
apphost_pid=$!

# Each service is reached directly on the port it listens on (ASPNETCORE_URLS in its environment), not through DCP's
# development proxy, which is not part of a deployment.
service_url() {
  local pid
  pid="$(pgrep -f -- "$medicalhub_root/services/$1/MedicalHub.$1.Api/bin/$CONFIGURATION/" | head -1)"
  [ -n "$pid" ] && tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^ASPNETCORE_URLS=\([^;,]*\).*/\1/p' | head -1
}
identity="" communication=""
for _ in $(seq 1 900); do
  identity="$(service_url Identity || true)" communication="$(service_url Communication || true)"
  if [ -n "$identity" ] && [ -n "$communication" ] && [ "$(curl -s -m 1 "$identity/health")" = Healthy ] &&
     [ "$(curl -s -m 1 "$communication/health")" = Healthy ]; then
    break
  fi
  identity="" communication=""
  sleep 0.2
done
[ -n "$communication" ] || { echo "the stack did not become healthy" >&2; tail -30 "$data/apphost.log" >&2; exit 1; }
service_pid="$(pgrep -f -- "$medicalhub_root/services/Communication/MedicalHub.Communication.Api/bin/$CONFIGURATION/" | head -1)"
echo "Identity at $identity, Communication at $communication (pid $service_pid)"

token=""
for _ in $(seq 1 50); do   # the demo practice is seeded just after Identity starts
  token="$(curl -s "$identity/connect/token" -d grant_type=password -d client_id=medicalhub-web \
    --data-urlencode username=admin@demo.medicalhub.local --data-urlencode "password=$password" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("access_token",""))' 2>/dev/null || true)"
  [ -n "$token" ] && break
  sleep 0.2
done
[ -n "$token" ] || { echo "could not log in as the demo admin" >&2; exit 1; }

tomorrow="$(date -u -d tomorrow +%Y-%m-%dT%H:%M:%SZ)"
if [ "${ONLY_SQL:-0}" != 1 ]; then
echo "== 1. accepted/s: $ACCEPT_REQUESTS requests, $ACCEPT_CONCURRENCY concurrent ($CONFIGURATION build)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 scripts/cpu-by-process.py snapshot "$data/cpu-before" "MedicalHub__DataDirectory=$data" "$apphost_pid" $$
hey -n "$ACCEPT_REQUESTS" -c "$ACCEPT_CONCURRENCY" -m POST -T application/json -H "Authorization: Bearer $token" \
  -d '{"recipient":{"email":"bench@example.org"},"category":"benchmark","subject":"Benchmark","body":"A benchmark message."}' \
  "$communication/api/notifications" > "$data/hey.txt"
python3 scripts/cpu-by-process.py diff "$data/cpu-before" "$(awk '/\[202\]/ { print $2 }' "$data/hey.txt")" 12 "accepted notification" "MedicalHub__DataDirectory=$data" "$apphost_pid" $$ > "$data/cpu.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E "Requests/sec" "$data/hey.txt"
# Every answer's status, and hey's own errors (timeouts, refused connections) when there were any.
sed -n '/Status code distribution/,$p' "$data/hey.txt" | grep -vE "^\s*$"

BASE="$communication" TOKEN="$token" ACCEPTED="$ACCEPT_REQUESTS" LATENCY_REQUESTS="$LATENCY_REQUESTS" LATENCY_RATE="$LATENCY_RATE" python3 - <<'PY'
import json, os, time, urllib.request, concurrent.futures as cf
from datetime import datetime
base, token = os.environ["BASE"], os.environ["TOKEN"]
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

echo "== 4. where the time goes: CPU per process during step 1 (the engine delivers meanwhile), per accepted notification"
cat "$data/cpu.txt"
# The same requests scheduled for tomorrow: the engine stays idle, so the figures are those of accepting alone.
echo "== 5. accepting alone: $INTAKE_REQUESTS requests scheduled for tomorrow (the engine does not run), $ACCEPT_CONCURRENCY concurrent"
python3 scripts/cpu-by-process.py snapshot "$data/cpu-before" "MedicalHub__DataDirectory=$data" "$apphost_pid" $$
hey -n "$INTAKE_REQUESTS" -c "$ACCEPT_CONCURRENCY" -m POST -T application/json -H "Authorization: Bearer $token" \
  -d '{"recipient":{"email":"bench@example.org"},"category":"benchmark","subject":"Benchmark","body":"A benchmark message.","sendAt":"'"$tomorrow"'"}' \
  "$communication/api/notifications" > "$data/hey-intake.txt"
python3 scripts/cpu-by-process.py diff "$data/cpu-before" "$(awk '/\[202\]/ { print $2 }' "$data/hey-intake.txt")" 6 "accepted notification" "MedicalHub__DataDirectory=$data" "$apphost_pid" $$
grep -E "Requests/sec" "$data/hey-intake.txt"
sed -n '/Status code distribution/,$p' "$data/hey-intake.txt" | grep -vE "^\s*$"

# 6. The same toward an HTTP provider: the demo practice's e-mail routed to the local fake.
if [ "${HTTP_BENCHMARK:-1}" = 1 ]; then
  echo "== 6. toward an HTTP provider (local SendGrid-type fake)"
  DATA="$data" BASE="$communication" TOKEN="$token" FAKE_URL="$http_fake_url" ACCEPT_REQUESTS="$ACCEPT_REQUESTS" \
    ACCEPT_CONCURRENCY="$ACCEPT_CONCURRENCY" LATENCY_REQUESTS="$LATENCY_REQUESTS" LATENCY_RATE="$LATENCY_RATE" \
    python3 scripts/benchmark-communication-http.py
fi
fi
[ "${COUNT_SQL:-1}" = 1 ] || exit 0
echo "== 7. SQL statements per notification"
total() { curl -s -H "Authorization: Bearer $token" "$communication/api/notifications?status=$1&pageSize=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
# Step 3's tail must be delivered first, or its statements are counted here.
for _ in $(seq 1 600); do [ "$(( $(total queued) + $(total sending) ))" = 0 ] && break; sleep 0.5; done
pg_pid="$(pgrep -f -- "postgres -D $data/communication-postgres" | head -1)"
pg_log="$(grep -lE "\\[$pg_pid\\] LOG: +database system is ready" /tmp/aspire-dcp*/*_err 2>/dev/null | head -1 || true)"
if [ -z "$pg_pid" ] || [ -z "$pg_log" ]; then
  echo "Communication's Postgres or its log (DCP keeps it in /tmp/aspire-dcp*/<id>_err) not found: no statement count" >&2
  exit 0
fi
echo "log_statement = 'all'" >> "$data/communication-postgres/postgresql.auto.conf"
kill -HUP "$pg_pid"
sleep 2
# Postgres's statement log counts every statement, the engine's polls (every PollInterval) and health checks too: an idle
# window gives their rate, subtracted from each phase in proportion to its length.
count_statements() { grep -cE 'LOG: +(statement|execute)' "$pg_log" || true; }
post() { curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$1" "$communication/api/notifications"; }
i0=$(count_statements); t0=$(date +%s.%N); sleep 10; i1=$(count_statements); t1=$(date +%s.%N)
for _ in $(seq 1 "$COUNT_SQL_REQUESTS"); do
  post '{"recipient":{"email":"sql@example.org"},"category":"benchmark-sql","subject":"SQL","body":"x","sendAt":"'"$tomorrow"'"}'
done
sleep 1; s1=$(count_statements); t2=$(date +%s.%N)
for _ in $(seq 1 "$COUNT_SQL_REQUESTS"); do
  post '{"recipient":{"email":"sql@example.org"},"category":"benchmark-sql","subject":"SQL","body":"x"}'
  sleep 0.3   # delivered one by one, as at a steady rate
done
sleep 2; s2=$(count_statements); t3=$(date +%s.%N)
awk -v i0="$i0" -v i1="$i1" -v s1="$s1" -v s2="$s2" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v n="$COUNT_SQL_REQUESTS" 'BEGIN {
  idle = (i1 - i0) / (t1 - t0)
  printf "SQL statements while idle (engine polls, health checks): %.1f/s\n", idle
  printf "SQL statements per accepted notification (intake only, scheduled for tomorrow): %.1f\n", (s1 - i1 - idle * (t2 - t1)) / n
  printf "SQL statements per notification accepted and delivered (intake, claim, outcome): %.1f\n", (s2 - s1 - idle * (t3 - t2)) / n }'
# Which statements, per notification (the idle window's per 10 s): the log's statement lines between the counts above.
python3 - "$pg_log" "$i0" "$i1" "$s1" "$s2" "$COUNT_SQL_REQUESTS" <<'PY'
import re, sys, collections
log, i0, i1, s1, s2, n = sys.argv[1], *map(int, sys.argv[2:7])
lines = [l for l in open(log, errors="replace") if re.search(r"LOG: +(statement|execute)", l)]
for title, a, b, per in (("idle, 10 s", i0, i1, 1), ("intake only, per notification", i1, s1, n), ("accepted and delivered, per notification", s1, s2, n)):
    kinds = collections.Counter(" ".join(re.split(r"LOG: +(?:statement|execute [^:]*): ", l, maxsplit=1)[-1].split())[:70] for l in lines[a:b])
    print(f"-- {title}")
    for kind, count in kinds.most_common(20):
        print(f"   {count / per:5.2f}  {kind}")
PY
