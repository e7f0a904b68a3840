using System.Diagnostics;
using System.Globalization;

namespace MedicalHub.Content.Formats.Benchmark;

/// <summary>
/// Operations per CPU-second of this process, beside operations per wall-clock second: on a shared machine whose other
/// work takes the cores away, wall-clock time per operation measures the queue for the CPU; CPU time measures the
/// operation. One thread runs the operations, so operations per CPU-second is per core (the process's other threads,
/// GC and JIT, are counted too, which only lowers the figure).
/// </summary>
internal static class CpuTime
{
    public static void Report(IEnumerable<(string Name, Func<object> Operation, long InputBytes)> scenarios, TimeSpan cpuPerScenario)
    {
        Console.WriteLine();
        Console.WriteLine($"| scenario | per CPU-second (1 thread) | per wall-clock second | CPU µs per operation | allocated per operation | input size |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, operation, inputBytes) in scenarios)
        {
            // Warm up until tiered compilation has settled.
            var warmUp = Stopwatch.StartNew();
            while (warmUp.Elapsed < TimeSpan.FromSeconds(2)) operation();

            var operations = 0L;
            var cpuStart = Environment.CpuUsage.TotalTime;
            var allocatedStart = GC.GetAllocatedBytesForCurrentThread();
            var wall = Stopwatch.StartNew();
            TimeSpan cpu;
            do
            {
                for (var i = 0; i < 200; i++) operation();
                operations += 200;
                cpu = Environment.CpuUsage.TotalTime - cpuStart;
            }
            while (cpu < cpuPerScenario);
            var elapsed = wall.Elapsed;
            var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedStart) / operations;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {operations / cpu.TotalSeconds:N0} | {operations / elapsed.TotalSeconds:N0} | {cpu.TotalMicroseconds / operations:F1} | {allocated:N0} B | {inputBytes:N0} B |"));
        }
    }
}
