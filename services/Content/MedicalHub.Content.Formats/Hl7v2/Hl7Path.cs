namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>A parsed terser-like path: <c>SEG[(occurrence)]-field[(repetition)][.component[.subcomponent]]</c>, 1-based.</summary>
internal readonly record struct Hl7Path(string SegmentId, int SegmentOccurrence, int Field, int? Repetition, int? Component, int? SubComponent)
{
    public static Hl7Path Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var span = path.AsSpan();
        if (span.Length < 5 || !char.IsAsciiLetterUpper(span[0]) || !IsIdChar(span[1]) || !IsIdChar(span[2])) throw Invalid(path);
        var segment = SegmentNames.Get(span[..3]);
        var position = 3;
        var occurrence = ReadIndex(path, ref position) ?? 1;
        if (position >= span.Length || span[position] != '-') throw Invalid(path);
        position++;
        var field = ReadNumber(path, ref position);
        var repetition = ReadIndex(path, ref position);
        int? component = null, subComponent = null;
        if (position < span.Length && span[position] == '.')
        {
            position++;
            component = ReadNumber(path, ref position);
            if (position < span.Length && span[position] == '.')
            {
                position++;
                subComponent = ReadNumber(path, ref position);
            }
        }
        if (position != span.Length) throw Invalid(path);
        return new Hl7Path(segment, occurrence, field, repetition, component, subComponent);
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c);

    private static int? ReadIndex(string path, ref int position)
    {
        if (position >= path.Length || path[position] != '(') return null;
        position++;
        var number = ReadNumber(path, ref position);
        if (position >= path.Length || path[position] != ')') throw Invalid(path);
        position++;
        return number;
    }

    private static int ReadNumber(string path, ref int position)
    {
        var start = position;
        while (position < path.Length && char.IsAsciiDigit(path[position]) && position - start < 6) position++;
        if (position == start || !int.TryParse(path.AsSpan(start, position - start), out var number) || number < 1) throw Invalid(path);
        return number;
    }

    private static ArgumentException Invalid(string path) =>
        new($"'{path}' is not an HL7 path such as PID-3(2).1 (segment[(occurrence)]-field[(repetition)][.component[.subcomponent]], 1-based)", nameof(path));
}
