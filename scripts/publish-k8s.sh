#!/usr/bin/env bash
# Writes the Kubernetes manifests of the app model (a Kustomize base and one overlay per entry of
# deploy/kubernetes.settings.json) with the AppHost's publish-kubernetes step.
#   scripts/publish-k8s.sh [OUTPUT_DIR]   default: deploy/kubernetes (committed; CI checks it is current)
#   scripts/publish-k8s.sh --check        regenerate into a temporary folder and fail if deploy/kubernetes differs
# Settings can be overridden per run: MedicalHub__Kubernetes__Images__Tag=1.4.2 scripts/publish-k8s.sh out/
# Bad settings or a resource the generator cannot run: it prints why, writes nothing, and exits 2.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

committed="$root/deploy/kubernetes"
check=false
if [ "${1:-}" = "--check" ]; then
  check=true
  output="$(mktemp -d)/kubernetes"
  trap 'rm -rf "$(dirname "$output")"' EXIT
else
  output="$(realpath -m "${1:-$committed}")"
fi

log="$(mktemp)"
trap 'rm -f "$log"; [ "$check" = true ] && rm -rf "$(dirname "$output")"' EXIT
if ! dotnet build MedicalHub.AppHost -nologo -v quiet -clp:ErrorsOnly > "$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi

apphost="$root/MedicalHub.AppHost/bin/Debug/net10.0/MedicalHub.AppHost"
started=$(date +%s%N)
status=0
"$apphost" --operation publish --step publish-kubernetes --output-path "$output" > "$log" 2>&1 || status=$?
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
if [ "$status" != 0 ] || ! grep -q "Wrote [0-9]* Kubernetes files" "$log"; then
  if grep -q "^publish-kubernetes:" "$log"; then sed -n '/^publish-kubernetes:/,$p' "$log" >&2; else cat "$log" >&2; fi
  exit "$([ "$status" = 0 ] && echo 1 || echo "$status")"
fi
echo "$(grep -o "Wrote [0-9]* Kubernetes files.*" "$log" | sed "s| to .* in | in |") by the step; ${elapsed_ms} ms for the command (AppHost start included)."

if [ "$check" = true ]; then
  if diff -r "$committed" "$output" > "$log" 2>&1; then
    echo "deploy/kubernetes is up to date."
  else
    head -40 "$log" >&2
    echo "deploy/kubernetes is stale: run scripts/publish-k8s.sh and commit the result." >&2
    exit 1
  fi
else
  echo "Wrote $output"
fi
