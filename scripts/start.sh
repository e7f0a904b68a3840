#!/usr/bin/env bash
# Starts the whole MedicalHub stack: the Aspire AppHost, its dashboard, the four services and their
# Postgres and Redis. Stop it with Ctrl-C (or SIGTERM): every process it started stops with it.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"

# Process mode runs Postgres as the unprivileged 'postgres' user when we are root; it must be able to
# reach the data folder. A clone under a private home (e.g. /root) is not reachable: keep the data
# in a per-clone folder under /var/lib instead, and say so.
if [ "$(id -u)" = 0 ] && [ -z "${MedicalHub__DataDirectory:-}" ] && id postgres >/dev/null 2>&1 \
   && ! setpriv --reuid=postgres --regid=postgres --init-groups -- test -x "$medicalhub_root" 2>/dev/null; then
  export MedicalHub__DataDirectory="/var/lib/medicalhub/$(printf '%s' "$medicalhub_root" | sha256sum | cut -c1-12)"
  mkdir -p "$MedicalHub__DataDirectory" && chmod 755 /var/lib/medicalhub "$MedicalHub__DataDirectory"
  say "The 'postgres' user cannot reach $medicalhub_root: data will live in $MedicalHub__DataDirectory"
fi

say "Building"
dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -nologo -v quiet -clp:ErrorsOnly

say "Starting the stack. The dashboard URL, with its one-time login token, is printed below ('Login to the dashboard at ...')."
say "Services: identity http://localhost:8001  content :8002  communication :8003  workflow :8004 (each with /health and /openapi/v1.json)"
exec dotnet run --project MedicalHub.AppHost --launch-profile http --no-build
