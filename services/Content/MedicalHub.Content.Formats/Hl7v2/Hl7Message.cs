using System.Text;

namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>Limits the parser holds a message to.</summary>
public sealed record Hl7ParseOptions
{
    /// <summary>The default limits.</summary>
    public static Hl7ParseOptions Default { get; } = new();

    /// <summary>Largest message accepted, in characters (bytes for byte input). A lab result is a few KB; 16 MiB leaves room for embedded documents (ED).</summary>
    public int MaxLength { get; init; } = 16 * 1024 * 1024;
}

/// <summary>
/// A parsed HL7 v2 message in ER7 (pipe-delimited) encoding. Parsing checks the structure eagerly (MSH and its
/// delimiters, every segment ID, that every segment uses MSH's field separator, no stray control characters, MSH's
/// required fields) and records where each field starts; repetitions, components, sub-components and escape sequences
/// are resolved when a value is read, so reading a handful of fields of a large message costs little.
/// </summary>
/// <remarks>
/// Segments may end with CR (the standard), LF or CRLF; blank lines are ignored. MLLP framing
/// (0x0B … 0x1C 0x0D) around the message is removed. Batches (FHS/BHS) are refused: send each message alone.
/// Values are read with terser-like paths, see <see cref="Get(string)"/>.
/// </remarks>
public sealed class Hl7Message
{
    private readonly Hl7Segment[] _segments;

    private Hl7Message(string text, Hl7Delimiters delimiters, int[] bounds, List<(string Name, int Start, int BoundIndex, int SeparatorCount)> segments)
    {
        Text = text;
        Delimiters = delimiters;
        Bounds = bounds;
        _segments = new Hl7Segment[segments.Count];
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < segments.Count; i++)
        {
            var (name, start, boundIndex, separators) = segments[i];
            occurrences[name] = occurrences.TryGetValue(name, out var seen) ? seen + 1 : 1;
            _segments[i] = new Hl7Segment(this, name, i, occurrences[name], start, boundIndex, separators);
        }
    }

    /// <summary>The message text the values refer to (framing removed, segment terminators as received).</summary>
    public string Text { get; }

    /// <summary>The delimiters declared by MSH-1 and MSH-2.</summary>
    public Hl7Delimiters Delimiters { get; }

    /// <summary>Field separator positions per segment, followed by the segment's end; shared by all segments.</summary>
    internal int[] Bounds { get; }

    /// <summary>The segments in order; the first is always MSH.</summary>
    public IReadOnlyList<Hl7Segment> Segments => _segments;

    /// <summary>The MSH segment.</summary>
    public Hl7Segment Header => _segments[0];

    /// <summary>MSH-9.1, the message code (e.g. <c>ORU</c>).</summary>
    public string MessageCode => Header.Field(9).Component(1).Value ?? "";

    /// <summary>MSH-9.2, the trigger event (e.g. <c>R01</c>); empty when absent.</summary>
    public string TriggerEvent => Header.Field(9).Component(2).Value ?? "";

    /// <summary>MSH-10, the message control ID an acknowledgement must echo.</summary>
    public string ControlId => Header.Field(10).Value ?? "";

    /// <summary>MSH-12.1, the version (e.g. <c>2.5.1</c>).</summary>
    public string Version => Header.Field(12).Component(1).Value ?? "";

    /// <summary>The segments named <paramref name="name"/>, in order.</summary>
    public IEnumerable<Hl7Segment> SegmentsNamed(string name)
    {
        foreach (var segment in _segments)
        {
            if (segment.Name == name) yield return segment;
        }
    }

    /// <summary>The <paramref name="occurrence"/>-th (1-based) segment named <paramref name="name"/>, or null.</summary>
    public Hl7Segment? Segment(string name, int occurrence = 1)
    {
        foreach (var segment in _segments)
        {
            if (segment.Name == name && segment.Occurrence == occurrence) return segment;
        }
        return null;
    }

    /// <summary>
    /// The decoded value at a terser-like path, or null when it is absent or empty. Grammar:
    /// <c>SEG[(occurrence)]-field[(repetition)][.component[.subcomponent]]</c>, all numbers 1-based, e.g.
    /// <c>PID-3(2).1</c> (the ID of the second patient identifier), <c>OBX(3)-5</c> (the value of the third OBX),
    /// <c>PID-5.1.1</c> (the family name's surname). Without a repetition the first is read.
    /// </summary>
    /// <exception cref="ArgumentException">The path does not follow the grammar (a programming error, not bad input).</exception>
    public string? Get(string path) => Select(path).Value;

    /// <summary>The value at a terser-like path (see <see cref="Get(string)"/>); <see cref="Hl7Value.IsPresent"/> is false when absent.</summary>
    public Hl7Value Select(string path)
    {
        var p = Hl7Path.Parse(path);
        var segment = Segment(p.SegmentId, p.SegmentOccurrence);
        if (segment is null) return default;
        var value = segment.Field(p.Field);
        if (p.Repetition is { } r) value = value.Repetition(r);
        if (p.Component is { } c) value = value.Component(c);
        if (p.SubComponent is { } s) value = value.SubComponent(s);
        return value;
    }

    /// <summary>Parses a message given as text (any framing and segment terminators as above).</summary>
    /// <exception cref="Hl7FormatException">The message is not a well-formed HL7 v2 message; the exception says where and why.</exception>
    public static Hl7Message Parse(string text, Hl7ParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= Hl7ParseOptions.Default;
        if (text.Length > options.MaxLength)
        {
            throw new Hl7FormatException(Hl7ErrorKind.TooLarge, $"the message is {text.Length} characters long; at most {options.MaxLength} are accepted");
        }
        var (start, end) = Mllp.PayloadRange(text);
        if (start != 0 || end != text.Length) text = text[start..end];
        return ParseUnframed(text);
    }

    /// <summary>
    /// Parses a message given as bytes, MLLP-framed or not. The character set is MSH-18's: ASCII or
    /// <c>UNICODE UTF-8</c> (read as UTF-8, also when MSH-18 is empty) or <c>8859/1</c> (Latin-1); any other is refused.
    /// </summary>
    /// <exception cref="Hl7FormatException">The message is not a well-formed HL7 v2 message.</exception>
    public static Hl7Message Parse(ReadOnlySpan<byte> bytes, Hl7ParseOptions? options = null)
    {
        options ??= Hl7ParseOptions.Default;
        if (bytes.Length > options.MaxLength)
        {
            throw new Hl7FormatException(Hl7ErrorKind.TooLarge, $"the message is {bytes.Length} bytes long; at most {options.MaxLength} are accepted");
        }
        var payload = Mllp.Payload(bytes);
        var text = CharacterSets.Decode(payload);
        return ParseUnframed(text);
    }

    private static Hl7Message ParseUnframed(string text)
    {
        var length = text.Length;
        var position = 0;
        while (position < length && text[position] is '\r' or '\n') position++;
        if (position == length)
        {
            throw new Hl7FormatException(Hl7ErrorKind.Empty, "the message is empty");
        }
        if (length - position < 3 || string.CompareOrdinal(text, position, "MSH", 0, 3) != 0)
        {
            var found = SegmentIdAt(text, position);
            var what = found is "FHS" or "BHS"
                ? $"found a batch header ({found}); batches are not accepted, send each message alone"
                : found is null ? "found no segment ID" : $"found '{found}'";
            throw new Hl7FormatException(Hl7ErrorKind.MissingMsh, "a message must begin with an MSH segment; " + what, position, new Hl7Location(found, 1));
        }
        var delimiters = ReadDelimiters(text, position);

        var segments = new List<(string, int, int, int)>(16);
        var bounds = new int[Math.Max(64, length / 8)];
        var boundCount = 0;
        var sequence = 0;
        var segmentStart = position;
        while (segmentStart < length)
        {
            var segmentEnd = segmentStart;
            while (segmentEnd < length && text[segmentEnd] is not ('\r' or '\n')) segmentEnd++;
            if (segmentEnd > segmentStart)
            {
                sequence++;
                var name = ReadSegmentId(text, segmentStart, segmentEnd, sequence);
                var occurrence = OccurrenceSoFar(segments, name) + 1;
                if (segmentEnd - segmentStart > 3 && text[segmentStart + 3] != delimiters.Field)
                {
                    throw new Hl7FormatException(Hl7ErrorKind.InvalidDelimiters,
                        $"segment {sequence} ({name}) continues with {Describe(text[segmentStart + 3])} after its ID where MSH-1 declared the field separator '{delimiters.Field}'",
                        segmentStart + 3, new Hl7Location(name, occurrence));
                }
                var firstBound = boundCount;
                for (var i = segmentStart + 3; i < segmentEnd; i++)
                {
                    var c = text[i];
                    if (c == delimiters.Field)
                    {
                        if (boundCount == bounds.Length) Array.Resize(ref bounds, bounds.Length * 2);
                        bounds[boundCount++] = i;
                    }
                    else if (c < ' ' && c != '\t')
                    {
                        throw new Hl7FormatException(Hl7ErrorKind.InvalidCharacter,
                            $"control character U+{(int)c:X4} inside a segment; only CR or LF may end a segment",
                            i, new Hl7Location(name, occurrence, boundCount - firstBound + (name == "MSH" ? 1 : 0)));
                    }
                }
                if (boundCount == bounds.Length) Array.Resize(ref bounds, bounds.Length * 2);
                bounds[boundCount++] = segmentEnd;
                segments.Add((name, segmentStart, firstBound, boundCount - firstBound - 1));
            }
            segmentStart = segmentEnd + 1;
        }

        var message = new Hl7Message(text, delimiters, bounds, segments);
        RequireHeaderFields(message);
        return message;
    }

    private static int OccurrenceSoFar(List<(string Name, int, int, int)> segments, string name)
    {
        var count = 0;
        foreach (var segment in segments) if (segment.Name == name) count++;
        return count;
    }

    private static Hl7Delimiters ReadDelimiters(string text, int mshStart)
    {
        var fieldIndex = mshStart + 3;
        if (fieldIndex >= text.Length || text[fieldIndex] is '\r' or '\n')
        {
            throw new Hl7FormatException(Hl7ErrorKind.TruncatedSegment, "MSH ends before MSH-1 (the field separator)", fieldIndex, new Hl7Location("MSH", 1, 1));
        }
        var field = text[fieldIndex];
        if (!IsUsableDelimiter(field))
        {
            throw new Hl7FormatException(Hl7ErrorKind.InvalidDelimiters,
                $"MSH-1 (the field separator) is {Describe(field)}; it must be a printable character that is not a letter, digit or space",
                fieldIndex, new Hl7Location("MSH", 1, 1));
        }
        var encodingStart = fieldIndex + 1;
        var encodingEnd = encodingStart;
        while (encodingEnd < text.Length && text[encodingEnd] != field && text[encodingEnd] is not ('\r' or '\n')) encodingEnd++;
        var count = encodingEnd - encodingStart;
        if (encodingEnd >= text.Length || text[encodingEnd] != field)
        {
            throw new Hl7FormatException(Hl7ErrorKind.TruncatedSegment,
                "MSH ends inside MSH-2 (the encoding characters); MSH-9 (message type), MSH-10 (control ID) and MSH-12 (version) are required",
                encodingEnd, new Hl7Location("MSH", 1, 2));
        }
        if (count is < 4 or > 5)
        {
            throw new Hl7FormatException(Hl7ErrorKind.InvalidDelimiters,
                $"MSH-2 (the encoding characters) has {count} characters; it must have 4 (component, repetition, escape, sub-component) or 5 (with truncation)",
                encodingStart, new Hl7Location("MSH", 1, 2));
        }
        Span<char> chars = stackalloc char[6];
        chars[0] = field;
        for (var i = 0; i < count; i++)
        {
            var c = text[encodingStart + i];
            if (!IsUsableDelimiter(c))
            {
                throw new Hl7FormatException(Hl7ErrorKind.InvalidDelimiters,
                    $"MSH-2 character {i + 1} is {Describe(c)}; delimiters must be printable characters that are not letters, digits or spaces",
                    encodingStart + i, new Hl7Location("MSH", 1, 2));
            }
            if (chars[..(i + 1)].Contains(c))
            {
                throw new Hl7FormatException(Hl7ErrorKind.InvalidDelimiters,
                    $"MSH-2 character {i + 1} ('{c}') repeats a delimiter already declared; the field separator and the encoding characters must all differ",
                    encodingStart + i, new Hl7Location("MSH", 1, 2));
            }
            chars[i + 1] = c;
        }
        return new Hl7Delimiters(field, chars[1], chars[2], chars[3], chars[4], count == 5 ? chars[5] : null);
    }

    private static bool IsUsableDelimiter(char c) => c > ' ' && c < 0x7F && !char.IsAsciiLetterOrDigit(c);

    private static string Describe(char c) => c < ' ' || c >= 0x7F ? $"U+{(int)c:X4}" : $"'{c}'";

    private static string ReadSegmentId(string text, int start, int end, int sequence)
    {
        if (end - start < 3)
        {
            throw new Hl7FormatException(Hl7ErrorKind.TruncatedSegment,
                $"segment {sequence} is {end - start} character(s) long; a segment begins with a 3-character segment ID",
                start, new Hl7Location(null, sequence));
        }
        var id = text.AsSpan(start, 3);
        if (!char.IsAsciiLetterUpper(id[0]) || !IsUpperOrDigit(id[1]) || !IsUpperOrDigit(id[2]))
        {
            throw new Hl7FormatException(Hl7ErrorKind.InvalidSegmentId,
                $"segment {sequence} does not begin with a segment ID (an upper-case letter then two upper-case letters or digits)",
                start, new Hl7Location(null, sequence));
        }
        return SegmentNames.Get(id);
    }

    private static bool IsUpperOrDigit(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c);

    private static string? SegmentIdAt(string text, int position)
    {
        if (text.Length - position < 3) return null;
        var id = text.AsSpan(position, 3);
        return char.IsAsciiLetterUpper(id[0]) && IsUpperOrDigit(id[1]) && IsUpperOrDigit(id[2]) ? id.ToString() : null;
    }

    private static void RequireHeaderFields(Hl7Message message)
    {
        var header = message.Header;
        foreach (var (field, name) in RequiredHeaderFields)
        {
            if (!header.Field(field).IsPresent)
            {
                var kind = header.FieldCount < field ? Hl7ErrorKind.TruncatedSegment : Hl7ErrorKind.RequiredFieldMissing;
                var reason = header.FieldCount < field
                    ? $"MSH ends after MSH-{header.FieldCount}; MSH-{field} ({name}) is required"
                    : $"MSH-{field} ({name}) is required and empty";
                throw new Hl7FormatException(kind, reason, header.FieldOffset(Math.Min(field, header.FieldCount)), new Hl7Location("MSH", 1, field));
            }
        }
    }

    private static readonly (int Field, string Name)[] RequiredHeaderFields = [(9, "message type"), (10, "message control ID"), (12, "version ID")];

    /// <summary>The message text with CR segment terminators, as a sender should transmit it.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(Text.Length);
        foreach (var segment in _segments) builder.Append(segment.Raw).Append('\r');
        return builder.ToString();
    }
}
