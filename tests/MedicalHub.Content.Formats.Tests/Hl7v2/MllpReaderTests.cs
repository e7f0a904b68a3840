using System.Text;
using MedicalHub.Content.Formats.Hl7v2;

namespace MedicalHub.Content.Formats.Tests.Hl7v2;

public class MllpReaderTests
{
    /// <summary>A stream that hands out at most a few bytes per read, as a TCP connection may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public async Task Reads_consecutive_frames_whatever_the_read_sizes(int chunk)
    {
        var bytes = Mllp.Frame(Hl7Samples.SpecOruR01).Concat("\r\n"u8.ToArray()).Concat(Mllp.Frame(Hl7Samples.SpecAdtA01)).ToArray();
        using var reader = new MllpReader(new TrickleStream(bytes, chunk));

        var first = await reader.ReadMessageAsync(TestContext.Current.CancellationToken);
        var second = await reader.ReadMessageAsync(TestContext.Current.CancellationToken);
        var end = await reader.ReadMessageAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Hl7Samples.SpecOruR01, Encoding.UTF8.GetString(first!));
        Assert.Equal("MSG00001", Hl7Message.Parse(second).ControlId);
        Assert.Null(end);
    }

    [Fact]
    public async Task A_stream_that_ends_inside_a_frame_is_refused_as_truncated()
    {
        var bytes = Mllp.Frame(Hl7Samples.SpecOruR01)[..^2];
        using var reader = new MllpReader(new MemoryStream(bytes));

        var error = await Assert.ThrowsAsync<Hl7FormatException>(() => reader.ReadMessageAsync(TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(Hl7ErrorKind.InvalidFraming, error.Kind);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_over_the_limit_is_refused_without_reading_it_all()
    {
        var bytes = Mllp.Frame(new byte[1_000_000]);
        using var stream = new MemoryStream(bytes);
        using var reader = new MllpReader(stream, maxMessageBytes: 50_000);

        var error = await Assert.ThrowsAsync<Hl7FormatException>(() => reader.ReadMessageAsync(TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(Hl7ErrorKind.TooLarge, error.Kind);
        Assert.True(stream.Position < 100_000, $"read {stream.Position} bytes");
    }

    [Theory]
    [InlineData(new byte[] { (byte)'M', (byte)'S', (byte)'H' })]
    [InlineData(new byte[] { 0x0B, (byte)'M', 0x1C, (byte)'x' })]
    [InlineData(new byte[] { 0x0B, (byte)'M', 0x1C })]
    public async Task Bytes_outside_a_frame_or_a_bad_frame_end_are_refused(byte[] bytes)
    {
        using var reader = new MllpReader(new MemoryStream(bytes));

        var error = await Assert.ThrowsAsync<Hl7FormatException>(() => reader.ReadMessageAsync(TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(Hl7ErrorKind.InvalidFraming, error.Kind);
    }
}
