using CsCheck;
using MedicalHub.Content.Formats.Dicom;

namespace MedicalHub.Content.Formats.Tests.Dicom;

/// <summary>
/// Mutated DICOM files (bit flips, bytes, cuts, duplicated and inserted runs, and lengths set to values that lie:
/// 0, odd, just past the end, 0xFFFFFFFF undefined, 2 GB, 4 GB): the reader returns or throws
/// <see cref="DicomFormatException"/>, finishes, and allocates the same small amount whatever lengths the file declares.
/// </summary>
public class DicomFuzzTests(DicomCorpus corpus)
{
    private static readonly string[] SeedNames =
    [
        "explicit-defined-lengths", "explicit-undefined-lengths", "implicit-defined-lengths", "implicit-undefined-lengths",
        "latin1-explicit", "rle-encapsulated", "jpeg-lossless-encapsulated", "big-endian", "deflated",
    ];

    private static readonly uint[] LyingWords =
    [
        0, 1, 2, 3, 7, 8, 0xFF, 0x100, 0x1000, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFE, 0xFFFFFFFF,
        0xE000FFFE, 0xE00DFFFE, 0xE0DDFFFE, 0x5153, 0x4E55, 0x424F, 0x0010_7FE0,
    ];

    private static volatile string _current = "";

    [Fact]
    public void Mutated_files_are_read_or_refused_with_a_DicomFormatException_in_bounded_memory()
    {
        var seeds = SeedNames.Select(name => File.ReadAllBytes(corpus.Get(name).Path)).ToArray();
        // Where the structure is: up to the pixel data's value (and a little of it), for each seed.
        var focus = SeedNames.Select(name => DicomFileReader.Read(corpus.Get(name).Path) is { PixelData: { } p } ? (int)p.ValueOffset + 64 : 4096).ToArray();
        long read = 0, refused = 0;
        var iterations = Fuzzing.Iterations(4000);

        Fuzzing.WithWatchdog(TimeSpan.FromSeconds(60 + iterations / 500), () => _current, () =>
            Fuzzing.Inputs(seeds.Length).Sample(input =>
            {
                var bytes = Fuzzing.Mutate(seeds[input.Seed], input.Mutations, focus[input.Seed], LyingWords);
                _current = $"{SeedNames[input.Seed]} {string.Join(' ', input.Mutations)}";
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    DicomFileReader.Read(new MemoryStream(bytes, writable: false));
                    read++;
                }
                catch (DicomFormatException)
                {
                    refused++;
                }
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                // 19 attributes of at most 1 KiB, their strings, the result and the error: nothing in proportion to the file or its lengths.
                Assert.True(allocated < 160 * 1024, $"{allocated} bytes allocated reading a {bytes.Length}-byte file");

                try
                {
                    using var stream = new NonSeekableStream(new MemoryStream(bytes, writable: false));
                    DicomFileReader.Read(stream, new DicomReadOptions { CollectElements = true });
                }
                catch (DicomFormatException)
                {
                }
            }, iter: iterations, threads: 1));

        Assert.True(read > iterations / 20, $"only {read} of {iterations} mutated files were read");
        Assert.True(refused > iterations / 20, $"only {refused} of {iterations} mutated files were refused");
    }
}
