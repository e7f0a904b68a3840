#!/usr/bin/env bash
# Workflow figures for docs/benchmarks.md. Builds, starts Identity, Content (whose client posts the patient events) and
# TWO Workflow replicas on one database (MedicalHub:Workflow:Replicas=2) through the AppHost, on random ports and a
# throw-away data folder (it runs beside any other stack), then runs benchmarks/MedicalHub.Workflow.Benchmark against both
# replicas (requests alternate between them) as the demo practice's admin:
#   1. STARTS single instance starts, CONCURRENCY at a time: starts/s and latency;
#   2. the tasks they created completed one request each: completions/s and latency;
#   3. TIMERS timer instances (bulk starts, 1000 per request) due evenly over WINDOW seconds beginning LEAD seconds later;
#      while they fire, an API probe (PROBE_RATE/s); then Workflow's database: how many fired, how late, none twice, by
#      which replica.
# Beside each rate: the CPU time Workflow's replicas and its Postgres spent per operation (from /proc), and the rate two
# dedicated cores would give at that cost: the figure that holds when other work shares the machine.
# CONFIGURATION: Release (default) or Debug. Needs: curl, python3.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
STARTS="${STARTS:-5000}"
TIMERS="${TIMERS:-100000}"
WINDOW="${WINDOW:-60}"
LEAD="${LEAD:-240}"
CONCURRENCY="${CONCURRENCY:-32}"
PROBE_RATE="${PROBE_RATE:-50}"
CONFIGURATION="${CONFIGURATION:-Release}"

dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly
dotnet build benchmarks/MedicalHub.Workflow.Benchmark -c Release -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-bench-XXXXXX)"
chmod 755 "$data"
password="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
content_secret="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
apphost_pid=""
cleanup() {
  if [ -n "$apphost_pid" ]; then
    kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null
    for _ in $(seq 1 60); do pgrep -f "$data" >/dev/null || break; sleep 0.5; done
  fi
  rm -rf "$data"
}
trap cleanup EXIT

read -r dashboard_port otlp_port resource_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
env MedicalHub__DataDirectory="$data" MedicalHub__FixedPorts=false DcpPublisher__RandomizePorts=true \
  MedicalHub__Services=identity,content,workflow MedicalHub__Workflow__Replicas=2 \
  "Parameters__identity-demo-password=$password" "Parameters__content-client-secret=$content_secret" \
  ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  ASPNETCORE_URLS="http://localhost:$dashboard_port" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$otlp_port" \
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$resource_port" \
  dotnet run --project MedicalHub.AppHost -c "$CONFIGURATION" --no-launch-profile --no-build >"$data/apphost.log" 2>&1 &
apphost_pid=$!

# Each instance is reached directly on the port it listens on (ASPNETCORE_URLS in its environment), not through DCP's proxy.
pids_of() { pgrep -f -- "$medicalhub_root/services/$1/MedicalHub.$1.Api/bin/$CONFIGURATION/" || true; }
env_of() { tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n "s/^$2=//p" | head -1; }
url_of() { env_of "$1" ASPNETCORE_URLS | cut -d';' -f1 | cut -d',' -f1; }
identity="" urls=""
for _ in $(seq 1 900); do
  identity_pid="$(pids_of Identity | head -1)"
  workflow_pids="$(pids_of Workflow)"
  if [ -n "$identity_pid" ] && [ "$(echo "$workflow_pids" | wc -w)" = 2 ]; then
    identity="$(url_of "$identity_pid")"
    urls="" healthy=1
    for p in $workflow_pids; do
      u="$(url_of "$p")"
      [ "$(curl -s -m 1 "$u/health")" = Healthy ] || healthy=0
      urls="${urls:+$urls,}$u"
    done
    [ "$healthy" = 1 ] && [ "$(curl -s -m 1 "$identity/health")" = Healthy ] && break
  fi
  urls=""
  sleep 0.2
done
[ -n "$urls" ] || { echo "the stack did not become healthy" >&2; tail -30 "$data/apphost.log" >&2; exit 1; }
database="$(env_of "$(echo "$workflow_pids" | head -1)" ConnectionStrings__workflowdb)"
# Workflow's PostgreSQL server (the postmaster: its command line names its data folder), for CPU per operation.
postgres_pid="$(pgrep -o -f -- "-D $data/.*workflow-postgres" || true)"
echo "Identity at $identity; Workflow replicas at $urls (pids $(echo $workflow_pids))"

token=""
for _ in $(seq 1 50); do   # the demo practice is seeded just after Identity starts
  token="$(curl -s "$identity/connect/token" -d grant_type=password -d client_id=medicalhub-web \
    --data-urlencode username=admin@demo.medicalhub.local --data-urlencode "password=$password" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("access_token",""))' 2>/dev/null || true)"
  [ -n "$token" ] && break
  sleep 0.2
done
[ -n "$token" ] || { echo "could not log in as the demo admin" >&2; exit 1; }
organization="$(python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; print(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))["org_id"])' "$token")"

dotnet benchmarks/MedicalHub.Workflow.Benchmark/bin/Release/net10.0/MedicalHub.Workflow.Benchmark.dll \
  --urls "$urls" --identity "$identity" --username admin@demo.medicalhub.local --password "$password" --content-secret "$content_secret" \
  --organization "$organization" --db "$database" --starts "$STARTS" --timers "$TIMERS" --window "$WINDOW" --lead "$LEAD" \
  --concurrency "$CONCURRENCY" --probe-rate "$PROBE_RATE" \
  --workflow-pids "$(echo $workflow_pids | tr ' ' ',')" --postgres-pid "${postgres_pid:-0}"
