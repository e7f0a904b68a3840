#!/usr/bin/env bash
# Runs the whole test suite: unit tests and the end-to-end suite, which starts the real AppHost once
# (its own Postgres and Redis processes or containers, on ports the orchestrator picks) and stops it after.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"

say "Building"
dotnet build MedicalHub.sln -nologo -v quiet -clp:ErrorsOnly

say "Testing"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test MedicalHub.sln --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test projects.
read -r passed failed skipped < <(awk '
  /^ +Passed: +[0-9]+$/  { p += $2 }
  /^ +Failed: +[0-9]+$/  { f += $2 }
  /^ +Skipped: +[0-9]+$/ { s += $2 }
  END { print p + 0, f + 0, s + 0 }' "$log")
echo "${passed} passed, ${failed} failed, ${skipped} skipped"

if [ "$status" = 0 ] && [ "$passed" = 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit "$status"
