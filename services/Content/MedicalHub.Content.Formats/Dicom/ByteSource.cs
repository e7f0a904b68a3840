using System.Buffers;
using System.Buffers.Binary;

namespace MedicalHub.Content.Formats.Dicom;

/// <summary>
/// A small read buffer over a stream that knows its absolute position and skips by seeking (or, on a stream that cannot
/// seek, by reading into the same buffer), so a value is never held in memory unless it is asked for.
/// </summary>
internal sealed class ByteSource : IDisposable
{
    public const int BufferSize = 8 * 1024;

    private readonly Stream _stream;
    private readonly long _origin;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _position;
    private int _length;
    private long _bufferStart;

    public ByteSource(Stream stream)
    {
        _stream = stream;
        _origin = stream.CanSeek ? stream.Position : 0;
        Length = stream.CanSeek ? stream.Length - _origin : null;
    }

    /// <summary>Bytes in the file (from where the stream stood), when the stream can tell.</summary>
    public long? Length { get; }

    /// <summary>The offset of the next byte, from the start of the file.</summary>
    public long Position => _bufferStart + _position;

    /// <summary>Bytes left in the file, when known.</summary>
    public long? Remaining => Length - Position;

    /// <summary>Makes <paramref name="count"/> bytes (at most <see cref="BufferSize"/>) available; false when the file ends first.</summary>
    public bool Ensure(int count)
    {
        if (_length - _position >= count) return true;
        if (_position > 0)
        {
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, _length - _position);
            _bufferStart += _position;
            _length -= _position;
            _position = 0;
        }
        while (_length < count)
        {
            var read = _stream.Read(_buffer, _length, _buffer.Length - _length);
            if (read <= 0) return false;
            _length += read;
        }
        return true;
    }

    /// <summary>Whether the file has no byte left.</summary>
    public bool AtEnd => !Ensure(1);

    public ReadOnlySpan<byte> Peek(int count) => _buffer.AsSpan(_position, count);

    public ReadOnlySpan<byte> Take(int count)
    {
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>Moves <paramref name="count"/> bytes on without reading them where the stream can seek; false when the file ends first.</summary>
    public bool Skip(long count)
    {
        var buffered = _length - _position;
        if (count <= buffered)
        {
            _position += (int)count;
            return true;
        }
        if (Length is { } length)
        {
            var target = Position + count;
            if (target > length) return false;
            _stream.Seek(_origin + target, SeekOrigin.Begin);
            _bufferStart = target;
            _position = _length = 0;
            return true;
        }
        count -= buffered;
        _bufferStart += _length;
        _position = _length = 0;
        while (count > 0)
        {
            var read = _stream.Read(_buffer, 0, (int)Math.Min(_buffer.Length, count));
            if (read <= 0) return false;
            _bufferStart += read;
            count -= read;
        }
        return true;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
