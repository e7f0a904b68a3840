using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MedicalHub.Data.Audit;

/// <summary>
/// The canonical bytes an audit entry's hash is computed over: each field as a type tag, a length and its bytes, so no
/// two different entries can produce the same bytes (a separator character inside a user agent cannot shift fields,
/// and null is not the empty string).
/// </summary>
public sealed class AuditContentWriter
{
    private const byte NullTag = 0, StringTag = 1, GuidTag = 2, IntegerTag = 3, TimeTag = 4, ListTag = 5;

    private readonly ArrayBufferWriter<byte> _bytes = new(256);

    public AuditContentWriter Add(string? value)
    {
        if (value is null)
        {
            Write([NullTag]);
            return this;
        }
        var utf8 = Encoding.UTF8.GetBytes(value);
        WriteTagged(StringTag, utf8.Length);
        Write(utf8);
        return this;
    }

    public AuditContentWriter Add(Guid? value)
    {
        if (value is not { } guid)
        {
            Write([NullTag]);
            return this;
        }
        WriteTagged(GuidTag, 16);
        Span<byte> raw = stackalloc byte[16];
        guid.TryWriteBytes(raw, bigEndian: true, out _);
        Write(raw);
        return this;
    }

    public AuditContentWriter Add(long? value)
    {
        if (value is not { } number)
        {
            Write([NullTag]);
            return this;
        }
        WriteTagged(IntegerTag, 8);
        Span<byte> raw = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(raw, number);
        Write(raw);
        return this;
    }

    /// <summary>An instant, as UTC ticks (the offset it was written with does not matter).</summary>
    public AuditContentWriter Add(DateTimeOffset? value)
    {
        if (value is not { } time)
        {
            Write([NullTag]);
            return this;
        }
        WriteTagged(TimeTag, 8);
        Span<byte> raw = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(raw, time.UtcTicks);
        Write(raw);
        return this;
    }

    /// <summary>A list of ids, in the order given.</summary>
    public AuditContentWriter Add(IReadOnlyCollection<Guid>? values)
    {
        if (values is null)
        {
            Write([NullTag]);
            return this;
        }
        WriteTagged(ListTag, values.Count);
        foreach (var value in values)
        {
            Add(value);
        }
        return this;
    }

    internal byte[] ToArray() => _bytes.WrittenSpan.ToArray();

    private void Write(ReadOnlySpan<byte> bytes) => _bytes.Write(bytes);

    private void WriteTagged(byte tag, int length)
    {
        Write([tag]);
        Span<byte> raw = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(raw, length);
        Write(raw);
    }
}
