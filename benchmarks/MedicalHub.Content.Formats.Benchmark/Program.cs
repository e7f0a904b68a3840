using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using MedicalHub.Content.Formats.Benchmark;

// Figures for docs/benchmarks.md: HL7 v2 ORU^R01 messages/s per core and DICOM header files/s with the bytes each
// allocates beside the file's size. Run by scripts/benchmark-formats.sh (Release, dcmtk-made files).
// "--cpu": operations per CPU-second of the process (see CpuTime), the figure that holds on a shared, loaded machine.
// Otherwise: BenchmarkDotNet (wall clock, with its statistics and allocation counts).
if (args.Contains("--cpu"))
{
    var hl7 = new Hl7Benchmarks();
    var scenarios = new List<(string, Func<object>, long)>
    {
        ("HL7 ORU^R01: parse", hl7.Parse, Hl7Benchmarks.MessageBytes),
        ("HL7 ORU^R01: parse + map observations", hl7.ParseAndMapObservations, Hl7Benchmarks.MessageBytes),
        ("HL7 ORU^R01: MLLP bytes, parse + map observations", hl7.ParseMllpBytesAndMapObservations, Hl7Benchmarks.MessageBytes),
    };
    foreach (var file in DicomBenchmarks.Files)
    {
        var dicom = new DicomBenchmarks { File = file };
        dicom.Setup();
        scenarios.Add(($"DICOM header from disk: {file}", dicom.ReadHeader, new FileInfo(Path.Combine(DicomBenchmarks.Directory, file + ".dcm")).Length));
    }
    var seconds = double.TryParse(Environment.GetEnvironmentVariable("CPU_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 1;
    var rounds = int.TryParse(Environment.GetEnvironmentVariable("ROUNDS"), CultureInfo.InvariantCulture, out var r) ? r : 7;
    CpuTime.Report(scenarios, TimeSpan.FromSeconds(seconds), rounds);
    return;
}

var job = Job.Default.WithWarmupCount(3).WithIterationCount(int.TryParse(Environment.GetEnvironmentVariable("ITERATIONS"), out var n) ? n : 10).WithLaunchCount(1);
// Reports go next to the binaries (ignored by git), not into the repository root.
var config = DefaultConfig.Instance.AddJob(job.AsDefault()).WithOptions(ConfigOptions.DisableLogFile)
    .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Hl7Benchmarks).Assembly).Run(args, config).ToList();

Console.WriteLine();
Console.WriteLine("| benchmark | mean (wall clock) | per second (1 thread) | allocated per operation | input size |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var report in summaries.SelectMany(summary => summary.Reports))
{
    if (report.ResultStatistics is null) continue;
    var mean = report.ResultStatistics.Mean;
    var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
    var parameter = report.BenchmarkCase.Parameters.Count > 0 ? report.BenchmarkCase.Parameters[0].Value as string : null;
    var size = parameter is null
        ? Hl7Benchmarks.MessageBytes
        : new FileInfo(Path.Combine(DicomBenchmarks.Directory, parameter + ".dcm")).Length;
    var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name + (parameter is null ? "" : $" {parameter}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {mean / 1000:F1} µs | {1e9 / mean:N0} | {allocated:N0} B | {size:N0} B |"));
}
