#!/usr/bin/env bash
# Sourced by the other scripts: makes sure this machine can build and run MedicalHub, installing what
# is missing where it can (Debian/Ubuntu, as root), and saying exactly what to do where it cannot.
set -euo pipefail

medicalhub_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

if ! command -v dotnet >/dev/null 2>&1; then
  die "The .NET 10 SDK is required (https://dot.net): 'dotnet' is not on PATH."
fi

container_runtime_healthy() {
  local runtime="${ASPIRE_CONTAINER_RUNTIME:-docker}"
  command -v "$runtime" >/dev/null 2>&1 && timeout 10 "$runtime" info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

have_postgres_server() {
  local dir
  dir="$(pg_config --bindir 2>/dev/null || true)"
  [ -n "$dir" ] && [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "Missing: $*. Install it with your package manager (Debian/Ubuntu: sudo apt-get install -y $*), or start a container runtime."
  fi
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  say "Installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The AppHost runs Postgres and Redis as containers when a runtime answers, otherwise from the
# machine's binaries (MedicalHub:Infrastructure=Auto). Only the second case needs anything installed.
if [ "${MedicalHub__Infrastructure:-Auto}" = "Containers" ] || { [ "${MedicalHub__Infrastructure:-Auto}" = "Auto" ] && container_runtime_healthy; }; then
  say "A container runtime answers: Postgres and Redis will run as containers."
else
  missing=()
  have_postgres_server || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
  # Debian's packages start system-wide servers on 5432/6379 when a service manager runs; ours use other ports, so they do not collide.
fi

# Azurite, the object store Content uses with MedicalHub:Content:Storage=AzureBlob in process mode (and the test
# suite's stack), from its lockfile.
azurite_dir="$medicalhub_root/MedicalHub.AppHost/LocalInfrastructure/azurite"
if [ ! -x "$azurite_dir/node_modules/.bin/azurite-blob" ]; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  say "Installing Azurite (npm ci in MedicalHub.AppHost/LocalInfrastructure/azurite)"
  (cd "$azurite_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "'npm ci' failed in $azurite_dir: Azurite could not be installed."
fi

# Local dotnet tools: smtp4dev (the development mailbox in process mode) and dotnet-ef.
(cd "$medicalhub_root" && dotnet tool restore >/dev/null) || die "'dotnet tool restore' failed: the local tools (.config/dotnet-tools.json) could not be installed."
