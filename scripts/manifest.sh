#!/usr/bin/env bash
# Regenerates aspire-manifest.json from the AppHost in publish mode (what Kubernetes / Azure Container
# Apps deployments consume). With --check, compares a fresh one with the committed file instead, and
# fails if they differ in substance (JSON structure and values, not formatting).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

target="$root/aspire-manifest.json"
[ "${1:-}" = "--check" ] && target="$root/aspire-manifest.check.json"

if ! dotnet run --project MedicalHub.AppHost --no-launch-profile -- --publisher manifest --output-path "$target" > "$root/.manifest.log" 2>&1; then
  cat "$root/.manifest.log" >&2
  rm -f "$root/.manifest.log"
  exit 1
fi
rm -f "$root/.manifest.log"

if [ "${1:-}" = "--check" ]; then
  trap 'rm -f "$target"' EXIT
  if python3 - "$root/aspire-manifest.json" "$target" <<'PY'
import json, sys
committed, fresh = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
if committed != fresh:
    a, b = committed.get("resources", {}), fresh.get("resources", {})
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            print(f"  differs: {name}", file=sys.stderr)
    sys.exit(1)
PY
  then
    echo "aspire-manifest.json is up to date."
  else
    echo "aspire-manifest.json is stale: run scripts/manifest.sh and commit the result." >&2
    exit 1
  fi
else
  echo "Wrote $target"
fi
