using System.Text;

namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>
/// HL7 v2 escape sequences (chapter 2.7). Decoding resolves <c>\F\ \S\ \T\ \R\ \E\</c> (and <c>\P\</c>, the v2.7
/// truncation character, when MSH-2 declares one), <c>\Xhh…\</c> (hexadecimal data, read as UTF-8 when it is valid
/// UTF-8, else Latin-1), the formatted-text commands <c>\.br\</c> and <c>\.sp n\</c> (line breaks; the other
/// formatting commands, highlighting <c>\H\ \N\</c> and character-set switches <c>\C…\ \M…\</c> are dropped), and
/// keeps anything else (locally defined <c>\Z…\</c>, an unknown or unterminated sequence, a stray escape character)
/// as written, so no text is lost.
/// </summary>
public static class Hl7Escaping
{
    private const int MaxBlankLines = 100;

    /// <summary>The text of <paramref name="raw"/> with its escape sequences resolved.</summary>
    public static string Decode(ReadOnlySpan<char> raw, Hl7Delimiters delimiters)
    {
        ArgumentNullException.ThrowIfNull(delimiters);
        var escape = delimiters.Escape;
        var first = raw.IndexOf(escape);
        if (first < 0) return new string(raw);

        var builder = new StringBuilder(raw.Length);
        builder.Append(raw[..first]);
        var i = first;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c != escape)
            {
                var next = raw[i..].IndexOf(escape);
                var run = next < 0 ? raw[i..] : raw.Slice(i, next);
                builder.Append(run);
                i += run.Length;
                continue;
            }
            var close = raw[(i + 1)..].IndexOf(escape);
            if (close < 0)
            {
                builder.Append(raw[i..]);
                break;
            }
            var sequence = raw.Slice(i + 1, close);
            if (!AppendSequence(sequence, delimiters, builder))
            {
                builder.Append(raw.Slice(i, close + 2));
            }
            i += close + 2;
        }
        return builder.ToString();
    }

    private static bool AppendSequence(ReadOnlySpan<char> sequence, Hl7Delimiters delimiters, StringBuilder builder)
    {
        if (sequence.Length == 1)
        {
            switch (sequence[0])
            {
                case 'F': builder.Append(delimiters.Field); return true;
                case 'S': builder.Append(delimiters.Component); return true;
                case 'T': builder.Append(delimiters.SubComponent); return true;
                case 'R': builder.Append(delimiters.Repetition); return true;
                case 'E': builder.Append(delimiters.Escape); return true;
                case 'P' when delimiters.Truncation is { } t: builder.Append(t); return true;
                case 'H' or 'N': return true;
                default: return false;
            }
        }
        if (sequence.Length == 0) return false;
        switch (sequence[0])
        {
            case 'X':
                return AppendHex(sequence[1..], builder);
            case '.':
                return AppendFormatting(sequence[1..], builder);
            case 'C' when sequence.Length == 5 && IsHex(sequence[1..]):
            case 'M' when sequence.Length is 5 or 7 && IsHex(sequence[1..]):
                return true;
            default:
                return false;
        }
    }

    private static bool AppendHex(ReadOnlySpan<char> hex, StringBuilder builder)
    {
        if (hex.Length == 0 || hex.Length % 2 != 0 || !IsHex(hex)) return false;
        Span<byte> small = stackalloc byte[256];
        var bytes = hex.Length / 2 <= small.Length ? small[..(hex.Length / 2)] : new byte[hex.Length / 2];
        Convert.FromHexString(hex, bytes, out _, out _);
        builder.Append(CharacterSets.DecodeUtf8OrLatin1(bytes));
        return true;
    }

    private static bool AppendFormatting(ReadOnlySpan<char> command, StringBuilder builder)
    {
        if (command.SequenceEqual("br"))
        {
            builder.Append('\n');
            return true;
        }
        if (command.StartsWith("sp"))
        {
            var argument = command[2..].Trim();
            var lines = 1;
            if (argument.Length > 0 && (!int.TryParse(argument, out lines) || lines < 0)) return false;
            builder.Append('\n', Math.Min(lines, MaxBlankLines));
            return true;
        }
        if (command.StartsWith("in") || command.StartsWith("ti") || command.StartsWith("sk"))
        {
            var argument = command[2..].Trim();
            return argument.Length == 0 || int.TryParse(argument, out _);
        }
        return command.SequenceEqual("fi") || command.SequenceEqual("nf") || command.SequenceEqual("ce");
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text) if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }

    /// <summary>
    /// <paramref name="value"/> made safe to put in a field: each delimiter and the escape character become their escape
    /// sequence, and control characters become hexadecimal data (CR is <c>\X0D\</c>): they would end the segment or be refused.
    /// </summary>
    public static string Encode(string? value, Hl7Delimiters delimiters)
    {
        ArgumentNullException.ThrowIfNull(delimiters);
        if (string.IsNullOrEmpty(value)) return "";
        var needs = false;
        foreach (var c in value)
        {
            if (delimiters.IsDelimiter(c) || c < ' ') { needs = true; break; }
        }
        if (!needs) return value;
        var builder = new StringBuilder(value.Length + 8);
        var e = delimiters.Escape;
        foreach (var c in value)
        {
            string? sequence = c switch
            {
                < ' ' => "X" + ((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture),
                _ when c == delimiters.Field => "F",
                _ when c == delimiters.Component => "S",
                _ when c == delimiters.SubComponent => "T",
                _ when c == delimiters.Repetition => "R",
                _ when c == delimiters.Escape => "E",
                _ when delimiters.Truncation == c => "P",
                _ => null,
            };
            if (sequence is null) builder.Append(c);
            else builder.Append(e).Append(sequence).Append(e);
        }
        return builder.ToString();
    }
}
