#!/usr/bin/env bash
# Web app figures for docs/benchmarks.md:
#   1. the build report: the sign-in route's initial JavaScript (gzip, budget 200 KB) and each lazy route's chunk
#      (services/Web/scripts/bundle-report.mjs, after a fresh `npm run build`);
#   2. in Debian's Chromium through the gateway (services/Web/scripts/benchmark-browser.mjs): first load to interactive
#      signed out (empty and warm cache) and signed in, and route changes (budgets 1.5 s and 200 ms).
# Starts Identity, Communication and the gateway through the AppHost on random ports with a throw-away data folder (it
# runs beside any other stack), signs in as the demo practice's administrator. RUNS (default 7) per figure.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
RUNS="${RUNS:-7}"

say "Building the web app and the AppHost"
(cd services/Web && npm run --silent build >/dev/null)
echo "== 1. build report"
node services/Web/scripts/bundle-report.mjs
dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-webbench-XXXXXX)"
chmod 755 "$data"
password="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
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
say "Starting identity, communication and the gateway"
env MedicalHub__DataDirectory="$data" MedicalHub__FixedPorts=false DcpPublisher__RandomizePorts=true \
  MedicalHub__Services=identity,communication,gateway "Parameters__identity-demo-password=$password" \
  ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  ASPNETCORE_URLS="http://localhost:$dashboard_port" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$otlp_port" \
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$resource_port" \
  dotnet run --project MedicalHub.AppHost --no-launch-profile --no-build >"$data/apphost.log" 2>&1 &
apphost_pid=$!

# The gateway's public URL is the issuer the AppHost gave this run's Identity (found by its demo password, unique to
# the run): the app's origin, as the browser must use it.
gateway=""
for _ in $(seq 1 900); do
  for pid in $(pgrep -f -- "$medicalhub_root/services/Identity/MedicalHub.Identity.Api/bin/" || true); do
    environ="$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null || true)"
    grep -qxF "MedicalHub__Identity__DemoPassword=$password" <<<"$environ" || continue
    candidate="$(sed -n 's/^MedicalHub__Identity__Issuer=\(.*\)\/$/\1/p' <<<"$environ" | head -1)"
    if [ -n "$candidate" ] && [ "$(curl -s -m 1 "$candidate/health")" = Healthy ]; then gateway="$candidate"; break 2; fi
  done
  kill -0 "$apphost_pid" 2>/dev/null || { tail -30 "$data/apphost.log" >&2; die "The AppHost exited."; }
  sleep 0.2
done
[ -n "$gateway" ] || { tail -30 "$data/apphost.log" >&2; die "The gateway did not become healthy."; }
# The demo practice is seeded just after Identity starts.
for _ in $(seq 1 100); do
  curl -s "$gateway/connect/token" -d grant_type=password -d client_id=medicalhub-web -d username=admin@demo.medicalhub.local \
    --data-urlencode "password=$password" | grep -q access_token && break
  sleep 0.3
done

echo "== 2. in the browser (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
node services/Web/scripts/benchmark-browser.mjs "$gateway" admin@demo.medicalhub.local "$password" "$RUNS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
