namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>Which level of the ER7 hierarchy a value is at.</summary>
public enum Hl7ValueLevel
{
    /// <summary>A whole field, possibly with repetitions.</summary>
    Field = 1,
    /// <summary>One repetition of a field.</summary>
    Repetition,
    /// <summary>One component of a repetition.</summary>
    Component,
    /// <summary>One sub-component of a component.</summary>
    SubComponent,
    /// <summary>MSH-1 or MSH-2: read as written, never split or unescaped.</summary>
    Literal,
}

/// <summary>
/// A field, repetition, component or sub-component of a parsed message: a view of the message text, split and
/// unescaped only when read. Asking a field for a component reads its first repetition; asking a field or repetition
/// for a sub-component reads its first component, as HL7 treats a value sent with fewer levels than its type has.
/// The default value is an absent one.
/// </summary>
public readonly struct Hl7Value
{
    private readonly Hl7Message? _message;
    private readonly int _start;
    private readonly int _end;

    internal Hl7Value(Hl7Message message, int start, int end, Hl7ValueLevel level)
    {
        _message = message;
        _start = start;
        _end = end;
        Level = level;
    }

    /// <summary>The level of this value; 0 for an absent value.</summary>
    public Hl7ValueLevel Level { get; }

    /// <summary>Whether the value has any characters (an absent field and an empty one are both not present).</summary>
    public bool IsPresent => _end > _start;

    /// <summary>Whether the value is HL7's explicit null, <c>""</c> (meaning: delete what the receiver holds).</summary>
    public bool IsExplicitNull => _end - _start == 2 && _message!.Text[_start] == '"' && _message.Text[_start + 1] == '"';

    /// <summary>Character offset of the value in the message text (0 for an absent value).</summary>
    public int Offset => _start;

    /// <summary>The value as written, delimiters and escape sequences included.</summary>
    public ReadOnlySpan<char> RawSpan => _message is null ? default : _message.Text.AsSpan(_start, _end - _start);

    /// <summary>The value as written, delimiters and escape sequences included; empty when absent.</summary>
    public string Raw => _message is null ? "" : _message.Text[_start.._end];

    /// <summary>
    /// The value with escape sequences resolved (<c>\F\ \S\ \T\ \R\ \E\ \P\ \Xhh\ \.br\</c> …), or null when not present.
    /// Read on a field or component with several parts it returns the text of all of them with delimiters intact
    /// (escaped delimiters resolved): read the parts to get them apart.
    /// </summary>
    public string? Value => IsPresent ? (Level == Hl7ValueLevel.Literal ? Raw : Hl7Escaping.Decode(RawSpan, _message!.Delimiters)) : null;

    /// <summary>The repetitions of a field (a field sent without repetition separator has one).</summary>
    public int RepetitionCount => Level == Hl7ValueLevel.Field ? Count(_message?.Delimiters.Repetition) : IsPresent ? 1 : 0;

    /// <summary>Repetition <paramref name="number"/> (1-based) of a field.</summary>
    public Hl7Value Repetition(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        return Level switch
        {
            Hl7ValueLevel.Field => Part(_message!.Delimiters.Repetition, number, Hl7ValueLevel.Repetition),
            0 => default,
            _ => throw new InvalidOperationException($"a {Level} has no repetitions"),
        };
    }

    /// <summary>Component <paramref name="number"/> (1-based); on a field, of its first repetition.</summary>
    public Hl7Value Component(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        return Level switch
        {
            Hl7ValueLevel.Field => Repetition(1).Component(number),
            Hl7ValueLevel.Repetition => Part(_message!.Delimiters.Component, number, Hl7ValueLevel.Component),
            0 => default,
            _ => throw new InvalidOperationException($"a {Level} has no components"),
        };
    }

    /// <summary>Sub-component <paramref name="number"/> (1-based); on a field or repetition, of its first component.</summary>
    public Hl7Value SubComponent(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        return Level switch
        {
            Hl7ValueLevel.Field or Hl7ValueLevel.Repetition => Component(1).SubComponent(number),
            Hl7ValueLevel.Component => Part(_message!.Delimiters.SubComponent, number, Hl7ValueLevel.SubComponent),
            0 => default,
            _ => throw new InvalidOperationException($"a {Level} has no sub-components"),
        };
    }

    /// <summary>The number of components (of the first repetition, on a field).</summary>
    public int ComponentCount => Level switch
    {
        Hl7ValueLevel.Field => Repetition(1).ComponentCount,
        Hl7ValueLevel.Repetition => Count(_message!.Delimiters.Component),
        0 => 0,
        _ => 1,
    };

    /// <summary>The repetitions of a field, in order (none when it is empty).</summary>
    public IEnumerable<Hl7Value> Repetitions
    {
        get
        {
            var count = RepetitionCount;
            for (var i = 1; i <= count; i++)
            {
                yield return Level == Hl7ValueLevel.Field ? Repetition(i) : this;
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="parts"/> with the components (of the first repetition, on a field) in one pass; slots past
    /// the last component stay absent. Returns how many there are (more than fit are not split).
    /// </summary>
    internal int FillComponents(Span<Hl7Value> parts)
    {
        if (Level == Hl7ValueLevel.Field) return Repetition(1).FillComponents(parts);
        if (Level != Hl7ValueLevel.Repetition || !IsPresent) return 0;
        var text = _message!.Text;
        var separator = _message.Delimiters.Component;
        var start = _start;
        var count = 0;
        while (count < parts.Length)
        {
            var next = text.AsSpan(start, _end - start).IndexOf(separator);
            var end = next < 0 ? _end : start + next;
            parts[count++] = new Hl7Value(_message, start, end, Hl7ValueLevel.Component);
            if (next < 0) break;
            start = end + 1;
        }
        return count;
    }

    private int Count(char? separator)
    {
        if (!IsPresent || separator is not { } s) return IsPresent ? 1 : 0;
        return RawSpan.Count(s) + 1;
    }

    private Hl7Value Part(char separator, int number, Hl7ValueLevel level)
    {
        var text = _message!.Text;
        var start = _start;
        for (var i = 1; i < number; i++)
        {
            var next = text.AsSpan(start, _end - start).IndexOf(separator);
            if (next < 0) return new Hl7Value(_message, _end, _end, level);
            start += next + 1;
        }
        var length = text.AsSpan(start, _end - start).IndexOf(separator);
        return new Hl7Value(_message, start, length < 0 ? _end : start + length, level);
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? "";
}

/// <summary>Room for the components of one value, on the stack.</summary>
[System.Runtime.CompilerServices.InlineArray(16)]
internal struct Hl7ComponentBuffer
{
    private Hl7Value _first;
}
