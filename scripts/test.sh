#!/usr/bin/env bash
# Runs the whole test suite: unit tests and the end-to-end suite, which starts the real AppHost once
# (its own Postgres and Redis processes or containers, on ports the orchestrator picks) and stops it after.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"

say "Web app: lint, type check, component tests, build"
web_results="$(mktemp)"
trap 'rm -f "$web_results"' EXIT
(cd services/Web && npm run --silent lint && npx vitest run --reporter=default --reporter=json --outputFile="$web_results" && npm run --silent build) || web_status=$?
# Built once here: the AppHost finds services/Web/dist up to date and serves it as it is.

say "Building"
dotnet build MedicalHub.sln -nologo -v quiet -clp:ErrorsOnly

say "Testing"
log="$(mktemp)"
trap 'rm -f "$log" "$web_results"' EXIT
status=0
dotnet test MedicalHub.sln --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test projects.
read -r passed failed skipped < <(awk '
  /^ +Passed: +[0-9]+$/  { p += $2 }
  /^ +Failed: +[0-9]+$/  { f += $2 }
  /^ +Skipped: +[0-9]+$/ { s += $2 }
  END { print p + 0, f + 0, s + 0 }' "$log")
# The web app's component tests (Vitest) count too.
read -r web_passed web_failed web_skipped < <(node -e '
  try { const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests); }
  catch { console.log(0, 0, 0); }' "$web_results")
passed=$((passed + web_passed)) failed=$((failed + web_failed)) skipped=$((skipped + web_skipped))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "${web_status:-0}" != 0 ] && [ "$status" = 0 ]; then
  echo "The web app's checks failed (lint, types, component tests or build)." >&2
  status="$web_status"
fi

if [ "$status" = 0 ] && [ "$passed" = 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit "$status"
