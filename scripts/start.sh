#!/usr/bin/env bash
# Starts the whole MedicalHub stack: the Aspire AppHost, its dashboard, the four services and their
# Postgres and Redis. Stop it with Ctrl-C (or SIGTERM): every process it started stops with it.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"

say "Building"
dotnet build MedicalHub.AppHost/MedicalHub.AppHost.csproj -nologo -v quiet -clp:ErrorsOnly

say "Starting the stack. The dashboard URL, with its one-time login token, is printed below ('Login to the dashboard at ...')."
say "Services: identity http://localhost:8001  content :8002  communication :8003  workflow :8004 (each with /health and /openapi/v1.json)"
exec dotnet run --project MedicalHub.AppHost --launch-profile http --no-build
