#!/usr/bin/env bash
# Load figures of the Identity service for docs/benchmarks.md: the raw password-hash rate of ASP.NET Core
# Identity's hasher on this machine (1 thread and all cores), then password logins/s, refresh grants/s,
# client-credentials grants/s (when a client is given) and /auth/validate calls/s from concurrent clients.
# Starts only Identity (its Postgres and Redis too) through the AppHost, in Release, on an empty data folder,
# with the per-address throttling turned off, and logs in as the demo practice's doctor (its password is
# generated for the run). Uses the run-mode ports (Identity on 8001): stop a running stack first.
# Options (environment): SECONDS_PER_FIGURE (15), CONCURRENCY (8), BENCH_CLIENT_ID / BENCH_CLIENT_SECRET
# (a confidential client allowed the client-credentials grant; without them that figure prints n/a).
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
SECONDS_PER_FIGURE="${SECONDS_PER_FIGURE:-15}"
CONCURRENCY="${CONCURRENCY:-8}"

say "Building (Release)"
dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build benchmarks/MedicalHub.Identity.Benchmark/MedicalHub.Identity.Benchmark.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

data="$(mktemp -d /tmp/medicalhub-bench-identity-XXXXXX)"
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

say "Starting Identity alone (MedicalHub:Services=identity), throttling off"
env MedicalHub__DataDirectory="$data" MedicalHub__Services=identity \
  MedicalHub__Identity__Throttling__Enabled=false \
  "Parameters__identity-demo-password=$password" \
  dotnet run --project MedicalHub.AppHost -c Release --launch-profile http --no-build >"$data/apphost.log" 2>&1 &
apphost_pid=$!
start=$(date +%s)
until [ "$(curl -s -m 1 http://localhost:8001/health)" = Healthy ]; do
  if [ $(( $(date +%s) - start )) -gt 180 ]; then echo "Identity not healthy after 180 s" >&2; tail -30 "$data/apphost.log" >&2; exit 1; fi
  sleep 0.5
done
say "Identity healthy after $(( $(date +%s) - start )) s; measuring"

client_args=()
if [ -n "${BENCH_CLIENT_ID:-}" ] && [ -n "${BENCH_CLIENT_SECRET:-}" ]; then
  client_args=(--client-id "$BENCH_CLIENT_ID" --client-secret "$BENCH_CLIENT_SECRET")
fi
dotnet benchmarks/MedicalHub.Identity.Benchmark/bin/Release/net10.0/MedicalHub.Identity.Benchmark.dll \
  --url http://localhost:8001 --email doctor@demo.medicalhub.local --password "$password" \
  --seconds "$SECONDS_PER_FIGURE" --concurrency "$CONCURRENCY" "${client_args[@]}"
