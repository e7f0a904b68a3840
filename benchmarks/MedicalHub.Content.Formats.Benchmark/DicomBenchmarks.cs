using BenchmarkDotNet.Attributes;
using MedicalHub.Content.Formats.Dicom;

namespace MedicalHub.Content.Formats.Benchmark;

/// <summary>
/// DICOM header reading from disk (page cache warm): open the file, read the header, seek over the pixel data, close.
/// One file per operation on one thread. The files are made by scripts/benchmark-formats.sh with dcmtk and named by
/// <c>MEDICALHUB_BENCH_DICOM</c>.
/// </summary>
[MemoryDiagnoser]
public class DicomBenchmarks
{
    public static string Directory => Environment.GetEnvironmentVariable("MEDICALHUB_BENCH_DICOM")
        ?? throw new InvalidOperationException("MEDICALHUB_BENCH_DICOM names no folder: run scripts/benchmark-formats.sh");

    public static string[] Files { get; } = ["ct-512x512", "mr-256x256-sequences", "xa-1024x1024x8-frames", "ct-rle-encapsulated", "ct-implicit-vr"];

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    private string _path = "";

    [GlobalSetup]
    public void Setup() => _path = Path.Combine(Directory, File + ".dcm");

    [Benchmark]
    public DicomFileHeader ReadHeader() => DicomFileReader.Read(_path);
}
