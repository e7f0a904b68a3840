#!/usr/bin/env bash
# Load figures of the Identity service for docs/benchmarks.md: the raw password-hash rate of ASP.NET Core
# Identity's hasher on this machine (1 thread and all cores), then password logins/s, refresh grants/s,
# client-credentials grants/s (when a client is given) and /auth/validate calls/s from concurrent clients, each also
# per machine vCPU and per CPU-second of the Identity process (with Identity's CPU ms per operation).
# Starts only Identity (its Postgres and Redis too) through the AppHost, in Release, on an empty data folder,
# with the per-address throttling turned off, and logs in as the demo practice's doctor (its password is
# generated for the run). Uses the run-mode ports (Identity on 8001): stop a running stack first.
# Options (environment): SECONDS_PER_FIGURE (15), CONCURRENCY (8), WARM_UP (1: an unreported first pass of WARM_UP_SECONDS, 10), BENCH_CLIENT_ID / BENCH_CLIENT_SECRET
# (a confidential client allowed the client-credentials grant; without them the demo administrator creates an
# integrator's API client for the run), COUNT_SQL (1: afterwards, count the SQL statements per operation).
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

client_args=(--admin-email admin@demo.medicalhub.local --print-client)
if [ -n "${BENCH_CLIENT_ID:-}" ] && [ -n "${BENCH_CLIENT_SECRET:-}" ]; then
  client_args=(--client-id "$BENCH_CLIENT_ID" --client-secret "$BENCH_CLIENT_SECRET" --print-client)
fi
service_pid="$(pgrep -f -- "$medicalhub_root/services/Identity/MedicalHub.Identity.Api/bin/Release/" | head -1)"
# The Identity process's CPU time per figure (/proc/<pid>/stat) gives the per-operation CPU and the rate per Identity CPU-second.
[ -n "$service_pid" ] && client_args+=(--service-pid "$service_pid")
bench() {
  dotnet benchmarks/MedicalHub.Identity.Benchmark/bin/Release/net10.0/MedicalHub.Identity.Benchmark.dll \
    --url http://localhost:8001 --email doctor@demo.medicalhub.local --password "$password" --concurrency "$CONCURRENCY" "${client_args[@]}" "$@"
}
# A fresh process compiles (JIT) and tiers up its code for its first minute or so: a first, unreported pass warms it.
if [ "${WARM_UP:-1}" = 1 ]; then
  say "Warming up (an unreported pass of ${WARM_UP_SECONDS:-10} s per figure)"
  bench --seconds "${WARM_UP_SECONDS:-10}" >/dev/null
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench --seconds "$SECONDS_PER_FIGURE" | tee "$data/benchmark.out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Per operation, figures that do not depend on the machine's load: the CPU time Identity's process and its Postgres
# spend (one client, operations in turn, /proc's tick counts), then the SQL statements Postgres runs (log_statement=all,
# set for this throw-away server only; counted separately, since logging every statement costs CPU itself).
[ "${COUNT_SQL:-1}" = 1 ] || exit 0
say "Per operation: CPU time and SQL statements (one client)"
pg_pid="$(pgrep -f -- "postgres -D $data/identity-postgres" | head -1)"
pg_log="$(grep -lE "\\[$pg_pid\\] LOG: +database system is ready" /tmp/aspire-dcp*/*_err 2>/dev/null | head -1 || true)"
if [ -z "$pg_pid" ] || [ -z "$service_pid" ] || [ -z "$pg_log" ]; then
  echo "Identity, its Postgres or the Postgres log (DCP keeps it in /tmp/aspire-dcp*/<id>_err) not found: no per-operation figures" >&2
  exit 0
fi
ticks() { # CPU ticks (1/100 s) of the service and of the Postgres server with its backends
  local pg=0 p
  for p in "$pg_pid" $(pgrep -P "$pg_pid"); do pg=$(( pg + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0) )); done
  echo "$(awk '{ print $14 + $15 }' "/proc/$service_pid/stat") $pg"
}
statements() { sleep 2; grep -cE 'LOG: +(statement|execute)' "$pg_log" || true; }
token() { curl -s -m 30 http://localhost:8001/connect/token "$@"; }
login() { token -d grant_type=password -d client_id=medicalhub-web -d username=doctor@demo.medicalhub.local --data-urlencode "password=$password" -d "scope=openid offline_access"; }
refresh() { token -d grant_type=refresh_token -d client_id=medicalhub-web --data-urlencode "refresh_token=$1" | jq -r .refresh_token; }
read -r _ _ client_id client_secret < <(grep '^api client:' "$data/benchmark.out") || true
client_credentials() { token -d grant_type=client_credentials -d client_id="$client_id" --data-urlencode "client_secret=$client_secret" >/dev/null; }
per() { awk -v a="$1" -v b="$2" -v n="$3" -v f="${4:-1}" 'BEGIN { printf "%.1f", (b - a) * f / n }'; }

# Runs operation $1 $2 times; prints "<service CPU ms> <Postgres CPU ms> <statements>" per operation ($3 = count statements).
measure() {
  local op="$1" n="$2" rt s0 s1 a b
  [ "$op" = refresh ] && rt="$(login | jq -r .refresh_token)"
  [ "$3" = 1 ] && s0=$(statements)
  read -r a b < <(ticks)
  for _ in $(seq 1 "$n"); do
    case "$op" in
      login) login >/dev/null ;;
      refresh) rt="$(refresh "$rt")"; [ "$rt" != null ] || { echo "a refresh failed: figures not valid" >&2; rt="$(login | jq -r .refresh_token)"; } ;;
      client_credentials) client_credentials ;;
    esac
  done
  read -r a1 b1 < <(ticks)
  [ "$3" = 1 ] && s1=$(statements)
  if [ "$3" = 1 ]; then echo "$(per "$s0" "$s1" "$n")"; else echo "$(per "$a" "$a1" "$n" 10) $(per "$b" "$b1" "$n" 10)"; fi
}

ops=(login refresh)
[ -n "${client_id:-}" ] && ops+=(client_credentials)
login >/dev/null
declare -A cpu sql
for op in "${ops[@]}"; do cpu[$op]="$(measure "$op" 50 0)"; done
echo "log_statement = 'all'" >> "$data/identity-postgres/postgresql.auto.conf"
kill -HUP "$pg_pid"
sleep 2
for op in "${ops[@]}"; do sql[$op]="$(measure "$op" 20 1)"; done
echo
echo "| operation (one client) | service CPU ms | Postgres CPU ms | SQL statements |"
echo "|---|---|---|---|"
for op in "${ops[@]}"; do
  read -r service_ms pg_ms <<<"${cpu[$op]}"
  echo "| $op | $service_ms | $pg_ms | ${sql[$op]} |"
done
