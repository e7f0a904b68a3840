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

# Content's ingestion pipeline: poppler (PDF text, page images), Tesseract with English and French (OCR), and, for the
# local PostgreSQL, the RUM index (full-text search ranked inside the index; without it the migration falls back to GIN).
ingestion_missing=()
command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || ingestion_missing+=(poppler-utils)
command -v tesseract >/dev/null 2>&1 || ingestion_missing+=(tesseract-ocr)
for language in eng fra; do
  compgen -G "/usr/share/tesseract-ocr/*/tessdata/$language.traineddata" >/dev/null || ingestion_missing+=("tesseract-ocr-$language")
done
postgres_bindir="$(compgen -G "/usr/lib/postgresql/*/bin/postgres" | sort -V | tail -1 || true)"
if [ -n "$postgres_bindir" ]; then
  postgres_major="$(basename "$(dirname "$(dirname "$postgres_bindir")")")"
  [ -f "/usr/share/postgresql/$postgres_major/extension/rum.control" ] || ingestion_missing+=("postgresql-$postgres_major-rum")
fi
if [ ${#ingestion_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt_install "${ingestion_missing[@]}"
  else
    say "Missing ${ingestion_missing[*]} (sudo apt-get install -y ${ingestion_missing[*]}): scans are not OCR'd, PDFs not read, or search uses the GIN fallback until they are installed."
  fi
fi

# dcmtk: the DICOM reader's tests make their files with it (dump2dcm, dcmcrle, dcmcjpeg) and cross-check against dcmdump.
if ! command -v dcmdump >/dev/null 2>&1 || ! command -v dump2dcm >/dev/null 2>&1; then
  apt_install dcmtk
fi

# The web app (services/Web): Node.js 20.19+ with npm, and its packages from the lockfile (npm ci) when they are missing
# or older than the lockfile. The AppHost builds the app with them; scripts/test.sh runs its checks and component tests.
web_app="$medicalhub_root/services/Web"
if ! command -v node >/dev/null 2>&1 || ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  die "Node.js 20.19 or newer with npm is required for the web app (https://nodejs.org); found: $(node --version 2>/dev/null || echo none)."
fi
if [ ! -f "$web_app/node_modules/.package-lock.json" ] || [ "$web_app/package-lock.json" -nt "$web_app/node_modules/.package-lock.json" ]; then
  say "npm ci (services/Web)"
  (cd "$web_app" && npm ci --no-audit --no-fund --loglevel=error) || die "'npm ci' failed in services/Web."
fi

# The browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt_install chromium
  else
    say "Chromium is missing (sudo apt-get install -y chromium): the web app's browser tests will fail until it is installed."
  fi
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

# The Kubernetes schema validator the deployment tests call (node + kubernetes-models, pinned by its lockfile).
schema_dir="$medicalhub_root/tests/MedicalHub.Deployment.Tests/kubernetes-schema"
if [ ! -d "$schema_dir/node_modules" ] || [ "$schema_dir/package-lock.json" -nt "$schema_dir/node_modules" ]; then
  command -v npm >/dev/null 2>&1 || die "npm (Node.js) is required for the Kubernetes schema checks: install nodejs and npm."
  say "npm ci (Kubernetes schemas)"
  (cd "$schema_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in $schema_dir"
  touch "$schema_dir/node_modules"
fi
