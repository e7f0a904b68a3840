using System.Diagnostics;
using System.Globalization;

namespace MedicalHub.Content.Formats.Benchmark;

/// <summary>
/// Operations per CPU-second of this process, beside operations per wall-clock second: on a shared machine whose other
/// work takes the cores away, wall-clock time per operation measures the queue for the CPU; CPU time measures the
/// operation. One thread runs the operations, so operations per CPU-second is per core (the process's other threads,
/// GC and JIT, are counted too, which only lowers the figure). Other work still costs CPU time through cold caches,
/// so the scenarios run in interleaved rounds and the best round is reported beside the median.
/// </summary>
internal static class CpuTime
{
    public static void Report(IReadOnlyList<(string Name, Func<object> Operation, long InputBytes)> scenarios, TimeSpan cpuPerRound, int rounds)
    {
        foreach (var (_, operation, _) in scenarios)
        {
            // Warm up until tiered compilation has settled.
            var warmUp = Stopwatch.StartNew();
            while (warmUp.Elapsed < TimeSpan.FromSeconds(2)) operation();
        }

        var results = scenarios.Select(_ => new List<(double CpuMicroseconds, double WallPerSecond, long Allocated)>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < scenarios.Count; i++)
            {
                var operation = scenarios[i].Operation;
                var operations = 0L;
                var cpuStart = Environment.CpuUsage.TotalTime;
                var allocatedStart = GC.GetAllocatedBytesForCurrentThread();
                var wall = Stopwatch.StartNew();
                TimeSpan cpu;
                do
                {
                    for (var j = 0; j < 100; j++) operation();
                    operations += 100;
                    cpu = Environment.CpuUsage.TotalTime - cpuStart;
                }
                while (cpu < cpuPerRound);
                results[i].Add((cpu.TotalMicroseconds / operations, operations / wall.Elapsed.TotalSeconds,
                    (GC.GetAllocatedBytesForCurrentThread() - allocatedStart) / operations));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| scenario | per CPU-second, best of {rounds} rounds (median) | CPU µs per operation, best (median) | per wall-clock second, median | allocated per operation | input size |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (var i = 0; i < scenarios.Count; i++)
        {
            var cpu = results[i].Select(r => r.CpuMicroseconds).Order().ToArray();
            var wall = results[i].Select(r => r.WallPerSecond).Order().ToArray();
            var best = cpu[0];
            var median = cpu[cpu.Length / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenarios[i].Name} | {1e6 / best:N0} ({1e6 / median:N0}) | {best:F1} ({median:F1}) | {wall[wall.Length / 2]:N0} | {results[i][^1].Allocated:N0} B | {scenarios[i].InputBytes:N0} B |"));
        }
    }
}
