namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>
/// One segment of a parsed message. Fields are numbered as HL7 numbers them: for MSH, MSH-1 is the field separator
/// itself and MSH-2 the encoding characters (both read literally); for every other segment field 1 follows the ID.
/// </summary>
public sealed class Hl7Segment
{
    private readonly int _start;
    private readonly int _boundIndex;
    private readonly int _separatorCount;

    internal Hl7Segment(Hl7Message message, string name, int index, int occurrence, int start, int boundIndex, int separatorCount)
    {
        Message = message;
        Name = name;
        Index = index;
        Occurrence = occurrence;
        _start = start;
        _boundIndex = boundIndex;
        _separatorCount = separatorCount;
        IsHeader = name == "MSH";
    }

    /// <summary>The message this segment belongs to.</summary>
    public Hl7Message Message { get; }

    /// <summary>The segment ID (e.g. <c>PID</c>, <c>OBX</c>, or a Z-segment such as <c>ZPI</c>).</summary>
    public string Name { get; }

    /// <summary>0-based position among all segments of the message.</summary>
    public int Index { get; }

    /// <summary>1-based occurrence among the segments with the same ID (the third OBX has 3).</summary>
    public int Occurrence { get; }

    /// <summary>Character offset of the segment in <see cref="Hl7Message.Text"/>.</summary>
    public int Offset => _start;

    private bool IsHeader { get; }

    /// <summary>The number of the last field present (trailing empty fields sent with their separators count).</summary>
    public int FieldCount => IsHeader ? _separatorCount + 1 : _separatorCount;

    /// <summary>The segment's text without its terminator.</summary>
    public string Raw => Message.Text[_start..Message.Bounds[_boundIndex + _separatorCount]];

    /// <summary>Field <paramref name="number"/> (1-based); an absent field is a value whose <see cref="Hl7Value.IsPresent"/> is false.</summary>
    public Hl7Value Field(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        var bounds = Message.Bounds;
        if (IsHeader)
        {
            if (number == 1) return new Hl7Value(Message, bounds[_boundIndex], bounds[_boundIndex] + 1, Hl7ValueLevel.Literal);
            if (number == 2) return new Hl7Value(Message, bounds[_boundIndex] + 1, bounds[_boundIndex + 1], Hl7ValueLevel.Literal);
            number--;
        }
        if (number > _separatorCount) return default;
        return new Hl7Value(Message, bounds[_boundIndex + number - 1] + 1, bounds[_boundIndex + number], Hl7ValueLevel.Field);
    }

    /// <summary>Where field <paramref name="number"/> starts in the message text (the segment's end when absent).</summary>
    public int FieldOffset(int number)
    {
        return number >= 1 && number <= FieldCount ? Field(number).Offset : Message.Bounds[_boundIndex + _separatorCount];
    }

    /// <summary>A location in this segment, for error reports.</summary>
    public Hl7Location Location(int? field = null, int? repetition = null, int? component = null, int? subComponent = null) =>
        new(Name, Occurrence, field, repetition, component, subComponent);

    /// <inheritdoc />
    public override string ToString() => $"{Name}({Occurrence})";
}
