namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>
/// The separators and escape character a message declares in MSH-1 and MSH-2 (ER7 encoding).
/// The usual set is <c>|^~\&amp;</c>; HL7 v2.7 adds an optional truncation character (usually <c>#</c>).
/// </summary>
public sealed record Hl7Delimiters(char Field, char Component, char Repetition, char Escape, char SubComponent, char? Truncation = null)
{
    /// <summary>The delimiters of almost every message: <c>|^~\&amp;</c>.</summary>
    public static Hl7Delimiters Default { get; } = new('|', '^', '~', '\\', '&');

    /// <summary>MSH-2 as it is written: component, repetition, escape, sub-component (and truncation).</summary>
    public string EncodingCharacters => Truncation is { } t
        ? string.Concat(Component, Repetition, Escape, SubComponent, t)
        : string.Concat(Component, Repetition, Escape, SubComponent);

    /// <summary>Whether <paramref name="c"/> is one of the delimiters (field separator included).</summary>
    public bool IsDelimiter(char c) =>
        c == Field || c == Component || c == Repetition || c == Escape || c == SubComponent || (Truncation is { } t && c == t);
}
