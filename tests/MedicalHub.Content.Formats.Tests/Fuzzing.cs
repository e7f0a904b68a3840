using System.Globalization;
using CsCheck;

namespace MedicalHub.Content.Formats.Tests;

/// <summary>One change to an input: what to do (<see cref="Kind"/>), where, how much, with which byte or character.</summary>
public readonly record struct Mutation(int Kind, int Position, int Length, int Value)
{
    public override string ToString() => $"{Kind}@{Position}x{Length}={Value}";
}

/// <summary>
/// Mutation testing of the parsers: CsCheck generates a seed input and a handful of mutations (shrinking a failure to
/// the fewest, and printing the seed that replays it), the property runs under a watchdog so a hang fails the test.
/// The suite runs a few thousand inputs per parser; <c>MEDICALHUB_FUZZ_ITERATIONS</c> runs more
/// (<c>scripts/fuzz-formats.sh</c>).
/// </summary>
internal static class Fuzzing
{
    public const int MutationKinds = 10;

    /// <summary>Inputs per property: the suite's default, or <c>MEDICALHUB_FUZZ_ITERATIONS</c>.</summary>
    public static long Iterations(long normal) =>
        long.TryParse(Environment.GetEnvironmentVariable("MEDICALHUB_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : normal;

    /// <summary>A seed input (by index) and one to eight mutations of it.</summary>
    public static Gen<(int Seed, Mutation[] Mutations)> Inputs(int seeds) =>
        Gen.Select(Gen.Int[0, seeds - 1],
            Gen.Select(Gen.Int[0, MutationKinds - 1], Gen.Int[0, int.MaxValue], Gen.Int[1, 64], Gen.Int[0, int.MaxValue], (k, p, l, v) => new Mutation(k, p, l, v)).Array[1, 8]);

    /// <summary>Runs <paramref name="property"/> and fails when it does not finish within <paramref name="limit"/> (a hang).</summary>
    public static void WithWatchdog(TimeSpan limit, Func<string> current, Action property)
    {
        var run = Task.Factory.StartNew(property, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!run.Wait(limit))
        {
            Assert.Fail($"the parser did not finish within {limit.TotalSeconds} s; last input: {current()}");
        }
        run.GetAwaiter().GetResult();
    }

    /// <summary>Applies byte mutations; positions below <paramref name="focus"/> are preferred (where the structure is).</summary>
    public static byte[] Mutate(byte[] input, Mutation[] mutations, int focus, ReadOnlySpan<uint> interestingWords)
    {
        var bytes = new List<byte>(input);
        foreach (var m in mutations)
        {
            if (bytes.Count == 0) bytes.Add(0);
            var span = m.Value % 5 == 0 ? bytes.Count : Math.Min(bytes.Count, focus);
            var at = m.Position % span;
            switch (m.Kind)
            {
                case 0: bytes[at] ^= (byte)(1 << (m.Value % 8)); break;
                case 1: bytes[at] = (byte)m.Value; break;
                case 2: bytes.RemoveRange(at, Math.Min(m.Length, bytes.Count - at)); break;
                case 3: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(m.Length, bytes.Count - at))); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                case 5: bytes.InsertRange(at, Enumerable.Range(0, m.Length).Select(i => (byte)(m.Value >> (i % 4 * 8)))); break;
                default:
                    var word = interestingWords.Length > 0 ? interestingWords[m.Value % interestingWords.Length] : (uint)m.Value;
                    // Little-endian 16- or 32-bit values where lengths and tags are: lying lengths, delimiters, undefined lengths.
                    var size = m.Kind % 2 == 0 ? 4 : 2;
                    for (var i = 0; i < size && at + i < bytes.Count; i++) bytes[at + i] = (byte)(word >> (8 * i));
                    break;
            }
        }
        return [.. bytes];
    }
}
