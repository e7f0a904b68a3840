using System.Numerics;

namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>
/// MLLP, HL7's Minimal Lower Layer Protocol framing: <c>0x0B</c> message <c>0x1C 0x0D</c>.
/// </summary>
public static class Mllp
{
    /// <summary>Start block (VT).</summary>
    public const byte StartBlock = 0x0B;
    /// <summary>End block (FS), followed by <see cref="CarriageReturn"/>.</summary>
    public const byte EndBlock = 0x1C;
    /// <summary>The carriage return that closes a frame.</summary>
    public const byte CarriageReturn = 0x0D;

    /// <summary>The bytes of one MLLP frame around <paramref name="message"/>.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var frame = new byte[message.Length + 3];
        frame[0] = StartBlock;
        message.CopyTo(frame.AsSpan(1));
        frame[^2] = EndBlock;
        frame[^1] = CarriageReturn;
        return frame;
    }

    /// <summary>The MLLP frame of <paramref name="message"/> encoded as UTF-8 (declare <c>UNICODE UTF-8</c> in MSH-18 for non-ASCII text).</summary>
    public static byte[] Frame(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Frame(System.Text.Encoding.UTF8.GetBytes(message));
    }

    /// <summary>The message inside an MLLP frame, or the input itself when it is not framed.</summary>
    /// <exception cref="Hl7FormatException">A frame is opened and not closed, closed without being opened, or followed by more data.</exception>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> input)
    {
        var (start, end) = Locate(input);
        return input[start..end];
    }

    /// <summary>The same as <see cref="Payload(ReadOnlySpan{byte})"/> for text: the range of the message inside any frame.</summary>
    internal static (int Start, int End) PayloadRange(string text) =>
        text.AsSpan().IndexOfAny((char)StartBlock, (char)EndBlock) < 0 ? (0, text.Length) : Locate<char>(text);

    private static (int Start, int End) Locate<T>(ReadOnlySpan<T> input) where T : unmanaged, IBinaryInteger<T>
    {
        var startBlock = T.CreateTruncating(StartBlock);
        var endBlock = T.CreateTruncating(EndBlock);
        var start = 0;
        while (start < input.Length && IsWhitespace(input[start])) start++;
        if (start < input.Length && input[start] == startBlock)
        {
            var close = input[(start + 1)..].IndexOf(endBlock);
            if (close < 0)
            {
                throw new Hl7FormatException(Hl7ErrorKind.InvalidFraming, "the MLLP frame opened here (0x0B) is never closed (0x1C 0x0D): the message is truncated", start);
            }
            var closeAt = start + 1 + close;
            var after = closeAt + 1;
            if (after < input.Length && input[after] == T.CreateTruncating(CarriageReturn)) after++;
            while (after < input.Length && IsWhitespace(input[after])) after++;
            if (after < input.Length)
            {
                throw new Hl7FormatException(Hl7ErrorKind.InvalidFraming, "data follows the MLLP end block (0x1C); send one message per frame", after);
            }
            return (start + 1, closeAt);
        }
        var end = input.Length;
        while (end > 0 && IsWhitespace(input[end - 1])) end--;
        if (end > 0 && input[end - 1] == endBlock)
        {
            throw new Hl7FormatException(Hl7ErrorKind.InvalidFraming, "the message ends with an MLLP end block (0x1C) but does not start with the start block (0x0B)", end - 1);
        }
        return (0, input.Length);
    }

    private static bool IsWhitespace<T>(T value) where T : unmanaged, IBinaryInteger<T> =>
        value == T.CreateTruncating((byte)' ') || value == T.CreateTruncating((byte)'\t') || value == T.CreateTruncating((byte)'\r') || value == T.CreateTruncating((byte)'\n');
}
