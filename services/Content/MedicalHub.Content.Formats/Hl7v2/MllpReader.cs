using System.Buffers;

namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>
/// Reads MLLP frames (<c>0x0B</c> message <c>0x1C 0x0D</c>) one after the other from a stream, such as a TCP
/// connection, holding at most <c>maxMessageBytes</c> of one message in memory. Whitespace between frames is skipped;
/// anything else outside a frame, a frame longer than the limit, or a stream that ends inside a frame is refused with
/// <see cref="Hl7FormatException"/> (<see cref="Hl7ErrorKind.InvalidFraming"/> or <see cref="Hl7ErrorKind.TooLarge"/>).
/// After such an error the connection should be closed: the reader does not resynchronise.
/// </summary>
public sealed class MllpReader(Stream stream, int maxMessageBytes = 16 * 1024 * 1024) : IDisposable
{
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _position;
    private int _length;
    private long _streamOffset;
    private bool _disposed;

    /// <summary>The next message's bytes (framing removed), or null when the stream ends cleanly between frames.</summary>
    public async ValueTask<byte[]?> ReadMessageAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (_position == _length && !await FillAsync(cancellationToken)) return null;
            var b = _buffer[_position];
            if (b == Mllp.StartBlock)
            {
                _position++;
                break;
            }
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                throw new Hl7FormatException(Hl7ErrorKind.InvalidFraming, $"byte 0x{b:X2} outside an MLLP frame; a frame starts with 0x0B", (int)Math.Min(int.MaxValue, _streamOffset + _position));
            }
            _position++;
        }

        var message = new ArrayBufferWriter<byte>(Math.Min(4096, maxMessageBytes));
        var frameStart = _streamOffset + _position - 1;
        while (true)
        {
            if (_position == _length && !await FillAsync(cancellationToken))
            {
                throw new Hl7FormatException(Hl7ErrorKind.InvalidFraming, $"the stream ended inside the MLLP frame opened at byte {frameStart}: the message is truncated", (int)Math.Min(int.MaxValue, frameStart));
            }
            var available = _buffer.AsSpan(_position, _length - _position);
            var end = available.IndexOf(Mllp.EndBlock);
            var chunk = end < 0 ? available : available[..end];
            if (message.WrittenCount + chunk.Length > maxMessageBytes)
            {
                throw new Hl7FormatException(Hl7ErrorKind.TooLarge, $"the MLLP frame opened at byte {frameStart} exceeds {maxMessageBytes} bytes", (int)Math.Min(int.MaxValue, frameStart));
            }
            message.Write(chunk);
            _position += chunk.Length;
            if (end < 0) continue;

            _position++; // the end block
            if (_position == _length && !await FillAsync(cancellationToken))
            {
                throw new Hl7FormatException(Hl7ErrorKind.InvalidFraming, "the stream ended after 0x1C without the 0x0D that closes an MLLP frame", (int)Math.Min(int.MaxValue, _streamOffset + _position));
            }
            if (_buffer[_position] != Mllp.CarriageReturn)
            {
                throw new Hl7FormatException(Hl7ErrorKind.InvalidFraming, $"0x1C is followed by 0x{_buffer[_position]:X2}, not by the 0x0D that closes an MLLP frame", (int)Math.Min(int.MaxValue, _streamOffset + _position));
            }
            _position++;
            return message.WrittenSpan.ToArray();
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _streamOffset += _length;
        _position = 0;
        _length = await stream.ReadAsync(_buffer.AsMemory(), cancellationToken);
        return _length > 0;
    }

    /// <summary>Returns the reader's buffer; the stream is the caller's to dispose.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
