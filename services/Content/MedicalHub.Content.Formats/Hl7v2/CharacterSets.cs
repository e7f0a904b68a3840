using System.Text;
using System.Text.Unicode;

namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>Turns a message's bytes into text according to MSH-18 (character set).</summary>
internal static class CharacterSets
{
    /// <summary>
    /// Decodes <paramref name="bytes"/> (framing already removed). MSH-18 empty, <c>ASCII</c> or <c>UNICODE UTF-8</c>:
    /// UTF-8, or Latin-1 when the bytes are not valid UTF-8 (senders often declare nothing and send Latin-1);
    /// <c>8859/1</c>: Latin-1. Anything else is refused rather than read as the wrong characters.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\xEF\xBB\xBF"u8)) bytes = bytes[3..];
        var declared = DeclaredCharacterSet(bytes);
        return declared switch
        {
            "" or "ASCII" or "UNICODE UTF-8" => DecodeUtf8OrLatin1(bytes),
            "8859/1" => Encoding.Latin1.GetString(bytes),
            _ => throw new Hl7FormatException(Hl7ErrorKind.UnsupportedCharacterSet,
                $"MSH-18 declares the character set '{declared}'; only ASCII, UNICODE UTF-8 and 8859/1 are read",
                -1, new Hl7Location("MSH", 1, 18)),
        };
    }

    public static string DecodeUtf8OrLatin1(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    /// <summary>MSH-18's first repetition's first component as ASCII, "" when absent or when there is no MSH to read.</summary>
    private static string DeclaredCharacterSet(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        while (start < bytes.Length && bytes[start] is (byte)'\r' or (byte)'\n') start++;
        bytes = bytes[start..];
        if (bytes.Length < 8 || !bytes.StartsWith("MSH"u8)) return "";
        var end = bytes.IndexOfAny((byte)'\r', (byte)'\n');
        var header = end < 0 ? bytes : bytes[..end];
        if (header.Length < 6) return "";
        var field = header[3];
        var component = header[4];
        var repetition = header[5];
        var position = 3;
        for (var separators = 1; separators < 17; separators++)
        {
            var next = header[(position + 1)..].IndexOf(field);
            if (next < 0) return "";
            position += next + 1;
        }
        var value = header[(position + 1)..];
        var stop = value.IndexOfAny(field, component, repetition);
        if (stop >= 0) value = value[..stop];
        if (value.Length > 32) return "(too long)";
        foreach (var b in value)
        {
            if (b is < 0x20 or >= 0x7F) return "(not printable)";
        }
        return Encoding.ASCII.GetString(value).Trim();
    }
}
