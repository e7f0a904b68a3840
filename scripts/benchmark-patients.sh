#!/usr/bin/env bash
# Patient search figures for docs/benchmarks.md: name-prefix searches over 10,000 patients of one organization,
# through Content's API (token, organization filter, PHI access audit), p50/p95/p99 as one client sees them.
# Starts Identity and Content only, through the AppHost in Release, on ports the orchestrator picks and a throw-away
# data folder, so it runs beside a developer's stack. Options (environment): PATIENTS (10000), SEARCHES (1000), CONCURRENCY (8, seeding).
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"

say "Building (Release)"
dotnet build benchmarks/MedicalHub.Content.Benchmark/MedicalHub.Content.Benchmark.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

say "Seeding ${PATIENTS:-10000} patients, then ${SEARCHES:-1000} searches"
dotnet benchmarks/MedicalHub.Content.Benchmark/bin/Release/net10.0/MedicalHub.Content.Benchmark.dll \
  --patients "${PATIENTS:-10000}" --searches "${SEARCHES:-1000}" --concurrency "${CONCURRENCY:-8}"
