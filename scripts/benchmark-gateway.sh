#!/usr/bin/env bash
# Gateway overhead for docs/benchmarks.md. Starts the AppHost with Identity and the gateway only
# (MedicalHub:Services=identity,gateway, run-mode ports 8000/8001, a throw-away data folder), logs in
# as the demo administrator, then sends the same authenticated GET (ENDPOINT, default
# /api/permissions: token validation and no database, like YARP's trivial backend) with `hey`:
#   direct   client -> Aspire's proxy :8001 -> identity
#   gateway  client -> gateway process (its own port) -> Aspire's proxy :8001 -> identity
# Both paths cross Aspire's proxy once, so the difference is the gateway: JWT validation (Identity's
# JWKS), one Redis round trip for the per-user and per-organization limits (raised for the run so no
# request is refused), header transforms, and the forwarding itself.
# Two kinds of runs, alternating direct/gateway each round: throughput with CONCURRENCY connections
# (the machine saturated), and latency with one connection (no queueing, so the added p50/p99 is the
# gateway's own work, not CPU contention between gateway, service and load generator on 2 cores).
# Prints throughput of each, their ratio, and the p50/p99 latency the gateway adds, beside YARP's own
# anchor (dotnet/yarp PR #3040: 0.51 of direct, +0.95 ms p50) and our target (>= 0.6, <= 1 ms p50).
# Release build, like the other benchmarks. Settings: DURATION (default 20s per run), CONCURRENCY (default 16), ROUNDS (default 2).
# Stop a running stack first (it needs ports 8000, 8001, 6380, 6384, 5433).
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
DURATION="${DURATION:-20s}"
CONCURRENCY="${CONCURRENCY:-16}"
ROUNDS="${ROUNDS:-2}"
ENDPOINT="${ENDPOINT:-/api/permissions}"

command -v hey >/dev/null 2>&1 || apt_install hey
for port in 8000 8001 6380 6384 5433; do
  if ss -ltn "sport = :$port" 2>/dev/null | grep -q LISTEN; then die "Port $port is in use: stop the running stack first."; fi
done

say "Building"
dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-gwbench-XXXXXX)"
chmod 755 "$data"
demo_password="bench$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
apphost_pid=""
cleanup() {
  [ -n "$apphost_pid" ] && kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

say "Starting identity and the gateway (limits raised for the run)"
env "Parameters__identity-demo-password=$demo_password" \
  MedicalHub__DataDirectory="$data" MedicalHub__Services=identity,gateway \
  MedicalHub__Gateway__RateLimits__User__PermitLimit=1000000000 \
  MedicalHub__Gateway__RateLimits__Organization__PermitLimit=1000000000 \
  MedicalHub__Gateway__RateLimits__Anonymous__PermitLimit=1000000000 \
  MedicalHub__Gateway__RateLimits__Token__PermitLimit=1000 \
  dotnet run --project MedicalHub.AppHost -c Release --launch-profile http --no-build >"$data/apphost.log" 2>&1 &
apphost_pid=$!
for _ in $(seq 1 900); do
  [ "$(curl -s -m 1 http://localhost:8000/health)" = Healthy ] && [ "$(curl -s -m 1 http://localhost:8001/health)" = Healthy ] && break
  kill -0 "$apphost_pid" 2>/dev/null || { tail -30 "$data/apphost.log" >&2; die "The AppHost exited."; }
  sleep 0.2
done
[ "$(curl -s -m 1 http://localhost:8000/health)" = Healthy ] || { tail -30 "$data/apphost.log" >&2; die "Not healthy after 180 s."; }

# The gateway process of this stack (the one pointed at identity's run-mode port), and the port it listens on.
gateway_port=""
for pid in $(pgrep -f 'MedicalHub.Gateway' || true); do
  environ="$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null || true)"
  if grep -q '^services__identity__http__0=http://localhost:8001' <<<"$environ"; then
    gateway_port="$(grep -oE '^(ASPNETCORE_URLS|HTTP_PORTS)=.*' <<<"$environ" | grep -oE '[0-9]{4,5}' | head -1)"
    [ -n "$gateway_port" ] && break
  fi
done
[ -n "$gateway_port" ] || die "Could not find the gateway process's own port."

say "Logging in as the demo administrator (through the gateway)"
token=""
for _ in $(seq 1 50); do
  token="$(curl -s -m 10 http://localhost:8000/connect/token \
    -d grant_type=password -d client_id=medicalhub-web -d username=admin@demo.medicalhub.local \
    --data-urlencode "password=$demo_password" -d 'scope=openid profile' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("access_token",""))' 2>/dev/null || true)"
  [ -n "$token" ] && break
  sleep 0.5 # the demo practice is seeded beside start-up
done
[ -n "$token" ] || die "No access token for the demo administrator."

direct="http://localhost:8001$ENDPOINT"
through="http://127.0.0.1:$gateway_port$ENDPOINT"
for url in "$direct" "$through"; do
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")"
  [ "$status" = 200 ] || die "GET $url answered $status, not 200."
done

run() { # url label round connections -> appends "label rps p50 p99" to $data/results
  local out
  out="$(hey -z "$DURATION" -c "$4" -H "Authorization: Bearer $token" "$1")"
  echo "$out" >"$data/hey-$2-$3.txt"
  local rps p50 p99 non200
  rps="$(awk '/Requests\/sec:/ { print $2 }' <<<"$out")"
  p50="$(awk '/ 50% in / { print $3 * 1000 }' <<<"$out")"
  p99="$(awk '/ 99% in / { print $3 * 1000 }' <<<"$out")"
  non200="$(awk '/Status code distribution:/ { f = 1; next } f && /\[[0-9]+\]/ && $1 != "[200]" { n += $2 } END { print n + 0 }' <<<"$out")"
  [ "$non200" = 0 ] || die "$2 run $3: $non200 answers were not 200 (see $data/hey-$2-$3.txt)."
  printf '%s %s %s %s\n' "$2" "$rps" "$p50" "$p99" >>"$data/results"
  printf '  %-16s round %s: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n' "$2" "$3" "$rps" "$p50" "$p99"
}

say "Warming up"
hey -z 3s -c "$CONCURRENCY" -H "Authorization: Bearer $token" "$direct" >/dev/null
hey -z 3s -c "$CONCURRENCY" -H "Authorization: Bearer $token" "$through" >/dev/null

say "Measuring GET $ENDPOINT, $DURATION per run, $ROUNDS rounds (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
for round in $(seq 1 "$ROUNDS"); do
  run "$direct" direct "$round" "$CONCURRENCY"
  run "$through" gateway "$round" "$CONCURRENCY"
  run "$direct" direct-1conn "$round" 1
  run "$through" gateway-1conn "$round" 1
done

awk -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v c="$CONCURRENCY" '
  { n[$1]++; rps[$1] += $2; p50[$1] += $3; p99[$1] += $4 }
  function m(a, k) { return a[k] / n[k] }
  END {
    d = m(rps, "direct"); g = m(rps, "gateway")
    printf "\nmean of the rounds                       direct      gateway\n"
    printf "  throughput, %2d connections (req/s) %10.0f   %10.0f\n", c, d, g
    printf "  p50 / p99, %2d connections (ms)     %5.2f/%-6.2f  %5.2f/%-6.2f\n", c, m(p50, "direct"), m(p99, "direct"), m(p50, "gateway"), m(p99, "gateway")
    printf "  p50 / p99, 1 connection (ms)       %5.2f/%-6.2f  %5.2f/%-6.2f\n", m(p50, "direct-1conn"), m(p99, "direct-1conn"), m(p50, "gateway-1conn"), m(p99, "gateway-1conn")
    added50 = m(p50, "gateway-1conn") - m(p50, "direct-1conn"); added99 = m(p99, "gateway-1conn") - m(p99, "direct-1conn")
    printf "\nthroughput ratio gateway/direct: %.3f   (YARP anchor 0.51, target >= 0.6: %s)\n", g / d, (g / d >= 0.6 ? "met" : "NOT met")
    printf "added p50 (1 connection): %+.2f ms   (YARP anchor +0.95 ms, target <= 1 ms: %s)\n", added50, (added50 <= 1 ? "met" : "NOT met")
    printf "added p99 (1 connection): %+.2f ms\n", added99
    printf "added p50 at %d connections: %+.2f ms (queueing on a saturated machine included)\n", c, m(p50, "gateway") - m(p50, "direct")
    printf "load average after: %s (2 cores; other work on the machine skews the figures)\n", load
  }' "$data/results"
