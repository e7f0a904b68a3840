namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>What made a message unreadable. Each maps to an HL7 error condition (table 0357) for the NAK.</summary>
public enum Hl7ErrorKind
{
    /// <summary>No characters, or only framing and line breaks.</summary>
    Empty,
    /// <summary>The message does not begin with an MSH segment (or is a batch, FHS/BHS, which is not accepted).</summary>
    MissingMsh,
    /// <summary>MSH-1/MSH-2 declare unusable delimiters, or a segment uses other delimiters than MSH declared.</summary>
    InvalidDelimiters,
    /// <summary>A segment ends before its segment ID, or MSH ends before its required fields.</summary>
    TruncatedSegment,
    /// <summary>A segment ID that is not three upper-case letters or digits starting with a letter.</summary>
    InvalidSegmentId,
    /// <summary>A control character HL7 does not allow inside a message (only CR/LF end segments).</summary>
    InvalidCharacter,
    /// <summary>MLLP framing (0x0B … 0x1C 0x0D) that is opened and not closed, or too long a frame.</summary>
    InvalidFraming,
    /// <summary>The message is larger than the reader accepts.</summary>
    TooLarge,
    /// <summary>A required field is empty (MSH-9, MSH-10, MSH-12, or a field a mapping needs).</summary>
    RequiredFieldMissing,
    /// <summary>A value does not have the form its data type requires (a date, a number a mapping needs).</summary>
    DataTypeError,
    /// <summary>A mapping was asked for a message of another type (MSH-9.1).</summary>
    UnsupportedMessageType,
    /// <summary>A mapping was asked for a message of its type with another trigger event (MSH-9.2).</summary>
    UnsupportedTriggerEvent,
    /// <summary>Segments in an order the message structure does not allow (an OBX before any OBR).</summary>
    SegmentSequence,
    /// <summary>The message declares a character set (MSH-18) this reader cannot decode.</summary>
    UnsupportedCharacterSet,
}

/// <summary>
/// Where in a message something was found: segment, its occurrence and the field, repetition, component and
/// sub-component (all 1-based, HL7's numbering), plus the character offset in the message text.
/// This is what an ERR segment's ERR-2 (error location) carries.
/// </summary>
public sealed record Hl7Location(string? SegmentId, int SegmentSequence, int? Field = null, int? Repetition = null, int? Component = null, int? SubComponent = null)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var text = SegmentId is null ? $"segment {SegmentSequence}" : $"{SegmentId}({SegmentSequence})";
        if (Field is { } f) text += $"-{f}";
        if (Repetition is { } r) text += $"({r})";
        if (Component is { } c) text += $".{c}";
        if (SubComponent is { } s) text += $".{s}";
        return text;
    }
}

/// <summary>
/// The one exception the HL7 v2 parser, the mappings and the MLLP reader throw for bad input. Its message names the
/// position (character offset, segment, field) and the rule broken; it never quotes field values, which may be PHI.
/// </summary>
public sealed class Hl7FormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public Hl7FormatException(Hl7ErrorKind kind, string message, int offset = -1, Hl7Location? location = null)
        : base(Describe(message, offset, location))
    {
        Kind = kind;
        Offset = offset;
        Location = location;
        Reason = message;
    }

    /// <summary>What kind of problem this is.</summary>
    public Hl7ErrorKind Kind { get; }

    /// <summary>Character offset in the message text (framing excluded), or -1 when the problem has no single position.</summary>
    public int Offset { get; }

    /// <summary>The segment/field where the problem was found, when it is in one.</summary>
    public Hl7Location? Location { get; }

    /// <summary>The rule broken, without the position prefix.</summary>
    public string Reason { get; }

    /// <summary>The HL7 error condition code (table 0357) a NAK should carry for this problem.</summary>
    public Hl7ErrorCondition Condition => Kind switch
    {
        Hl7ErrorKind.MissingMsh or Hl7ErrorKind.Empty or Hl7ErrorKind.SegmentSequence => Hl7ErrorCondition.SegmentSequenceError,
        Hl7ErrorKind.RequiredFieldMissing or Hl7ErrorKind.TruncatedSegment => Hl7ErrorCondition.RequiredFieldMissing,
        Hl7ErrorKind.UnsupportedMessageType => Hl7ErrorCondition.UnsupportedMessageType,
        Hl7ErrorKind.UnsupportedTriggerEvent => Hl7ErrorCondition.UnsupportedEventCode,
        _ => Hl7ErrorCondition.DataTypeError,
    };

    private static string Describe(string message, int offset, Hl7Location? location)
    {
        var where = (offset >= 0, location) switch
        {
            (true, not null) => $"HL7 v2: at offset {offset} ({location}): ",
            (true, null) => $"HL7 v2: at offset {offset}: ",
            (false, not null) => $"HL7 v2: at {location}: ",
            _ => "HL7 v2: ",
        };
        return where + message;
    }
}
