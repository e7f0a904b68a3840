#!/usr/bin/env bash
# The mutation tests of the HL7 v2 parser and the DICOM reader (tests/MedicalHub.Content.Formats.Tests, *Fuzz*) with
# many more inputs than the suite's few thousand: ITERATIONS per property (default 200000, about 10 minutes on 2 cores).
# A failure prints a CsCheck seed; rerun with CsCheck_Seed=<seed> to replay it.
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"
dotnet build tests/MedicalHub.Content.Formats.Tests -nologo -v quiet -clp:ErrorsOnly
MEDICALHUB_FUZZ_ITERATIONS="${ITERATIONS:-200000}" dotnet test tests/MedicalHub.Content.Formats.Tests --no-build -nologo \
  --filter "FullyQualifiedName~Fuzz" --logger "console;verbosity=normal"
