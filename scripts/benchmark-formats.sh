#!/usr/bin/env bash
# Parser figures for docs/benchmarks.md (issue #13): HL7 v2 ORU^R01 messages/s per core (parse; parse + observation
# mapping; MLLP bytes + mapping) and DICOM header reading files/s from disk without loading pixel data, with the bytes
# allocated per file beside the file's size. BenchmarkDotNet in Release, one thread, so figures are per core.
# Makes its DICOM files with dcmtk (dump2dcm, dcmcrle) in a throw-away folder. No stack, no database.
# Two passes over the same operations: operations per CPU-second of the benchmark process (one thread, so per core; the
# figure that holds when other work shares the cores), then BenchmarkDotNet's wall-clock statistics and allocations.
# Settings: CPU_SECONDS (CPU time per scenario and round in the first pass, default 1), ROUNDS (default 7), ITERATIONS (BenchmarkDotNet's measured
# iterations, default 10), CPU=0 or BDN=0 to skip a pass; extra arguments go to BenchmarkDotNet (e.g. --filter '*Hl7*').
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
cd "$medicalhub_root"

say "Building (Release)"
dotnet build benchmarks/MedicalHub.Content.Formats.Benchmark/MedicalHub.Content.Formats.Benchmark.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

dir="$(mktemp -d /tmp/medicalhub-bench-formats-XXXXXX)"
trap 'rm -rf "$dir"' EXIT
say "Writing DICOM files with dcmtk in $dir"
head -c $((512 * 512 * 2)) /dev/urandom >"$dir/ct.raw"
head -c $((256 * 256 * 2)) /dev/urandom >"$dir/mr.raw"
head -c $((1024 * 1024 * 8)) /dev/urandom >"$dir/xa.raw"

header() { # $1 modality, $2 SOP class name, $3 instance suffix
  cat <<DUMP
(0002,0002) UI =$2
(0002,0003) UI [1.2.826.0.1.3680043.8.498.9$3]
(0002,0010) UI =LittleEndianExplicit
(0008,0005) CS [ISO_IR 192]
(0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]
(0008,0016) UI =$2
(0008,0018) UI [1.2.826.0.1.3680043.8.498.9$3]
(0008,0020) DA [20261124]
(0008,0021) DA [20261124]
(0008,0030) TM [083015]
(0008,0031) TM [083120]
(0008,0050) SH [ACC-0042]
(0008,0060) CS [$1]
(0008,0070) LO [ACME Medical Systems]
(0008,0080) LO [Centre Hospitalier de Lyon]
(0008,0090) PN [House^Gregory]
(0008,1030) LO [Thorax sans injection]
(0008,103e) LO [Axial 1.25mm]
(0008,1090) LO [Scanner 9000]
(0010,0010) PN [Durand^Émilie^Anne^Mme]
(0010,0020) LO [MRN0012345]
(0010,0021) LO [PRACTICE42]
(0010,0030) DA [19850712]
(0010,0040) CS [F]
(0010,1010) AS [041Y]
(0018,0015) LO [CHEST]
(0018,0050) DS [1.25]
(0018,0060) DS [120]
(0018,1020) LO [4.2.17]
(0018,5100) CS [HFS]
(0020,000d) UI [1.2.826.0.1.3680043.8.498.10]
(0020,000e) UI [1.2.826.0.1.3680043.8.498.11$3]
(0020,0010) SH [S1]
(0020,0011) IS [3]
(0020,0013) IS [17]
(0020,0032) DS [-125.0\\-125.0\\30.5]
(0020,0037) DS [1\\0\\0\\0\\1\\0]
(0020,0052) UI [1.2.826.0.1.3680043.8.498.12]
(0020,1041) DS [30.5]
DUMP
}
image() { # $1 rows, $2 columns, $3 bits allocated, $4 pixel file
  cat <<DUMP
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US $1
(0028,0011) US $2
(0028,0100) US $3
(0028,0101) US $3
(0028,0102) US $(($3 - 1))
(0028,0103) US 0
(0028,1050) DS [40]
(0028,1051) DS [400]
(7fe0,0010) OW =$4
DUMP
}
{ header CT CTImageStorage 1; image 512 512 16 ct.raw; } >"$dir/ct.dump"
{ header MR MRImageStorage 2
  cat <<'DUMP'
(0040,0275) SQ (Sequence with undefined length)
  (fffe,e000) na (Item with undefined length)
    (0040,0007) LO [Scheduled step]
    (0040,0008) SQ (Sequence with undefined length)
      (fffe,e000) na (Item with undefined length)
        (0008,0100) SH [T-D3000]
        (0008,0102) SH [SRT]
        (0008,0104) LO [Chest]
      (fffe,e00d) na (ItemDelimitationItem)
    (fffe,e0dd) na (SequenceDelimitationItem)
    (0040,1001) SH [RP-1]
  (fffe,e00d) na (ItemDelimitationItem)
(fffe,e0dd) na (SequenceDelimitationItem)
DUMP
  image 256 256 16 mr.raw; } >"$dir/mr.dump"
{ header XA XRayAngiographicImageStorage 3; echo "(0028,0008) IS [8]"; image 1024 1024 8 xa.raw; } >"$dir/xa.dump"
(cd "$dir" \
  && dump2dcm +te ct.dump ct-512x512.dcm \
  && dump2dcm +te -e mr.dump mr-256x256-sequences.dcm \
  && dump2dcm +te xa.dump xa-1024x1024x8-frames.dcm \
  && dump2dcm +ti ct.dump ct-implicit-vr.dcm \
  && dcmcrle ct-512x512.dcm ct-rle-encapsulated.dcm)

say "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) (shared with other work)"
export MEDICALHUB_BENCH_DICOM="$dir"
bench=benchmarks/MedicalHub.Content.Formats.Benchmark/bin/Release/net10.0/MedicalHub.Content.Formats.Benchmark.dll
if [ "${CPU:-1}" = 1 ]; then
  say "Operations per CPU-second"
  dotnet "$bench" --cpu
fi
if [ "${BDN:-1}" = 1 ]; then
  say "BenchmarkDotNet (wall clock)"
  dotnet "$bench" --filter '*' "$@"
fi
say "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
