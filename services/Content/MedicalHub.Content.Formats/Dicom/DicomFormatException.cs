namespace MedicalHub.Content.Formats.Dicom;

/// <summary>What made a file unreadable.</summary>
public enum DicomErrorKind
{
    /// <summary>No <c>DICM</c> at byte 128: not a DICOM Part 10 file (or one without its preamble).</summary>
    MissingPrefix,
    /// <summary>The file ends inside the preamble, the file meta information, an element header or value, or an open sequence or item.</summary>
    Truncated,
    /// <summary>An element, item or sequence declares more bytes than its file, item or sequence holds.</summary>
    LyingLength,
    /// <summary>Bytes where an explicit VR should be that are not one (usually a preceding length was wrong).</summary>
    InvalidVr,
    /// <summary>Elements out of ascending tag order (usually a preceding length was wrong).</summary>
    OutOfOrder,
    /// <summary>Items, delimiters or undefined lengths where the encoding does not allow them.</summary>
    InvalidStructure,
    /// <summary>Sequences nested deeper than the reader follows.</summary>
    TooDeep,
    /// <summary>An attribute the reader extracts is longer than its value representation allows.</summary>
    ValueTooLong,
    /// <summary>The file meta information lacks the transfer syntax.</summary>
    MissingTransferSyntax,
}

/// <summary>
/// The one exception the DICOM reader throws for a bad file (I/O errors of the stream itself pass through). Its message
/// names the byte offset, the tag and the rule broken, never an attribute's value.
/// </summary>
public sealed class DicomFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public DicomFormatException(DicomErrorKind kind, string message, long offset, DicomTag? tag = null)
        : base(tag is { } t ? $"DICOM: at byte {offset}, {t}: {message}" : $"DICOM: at byte {offset}: {message}")
    {
        Kind = kind;
        Offset = offset;
        Tag = tag;
        Reason = message;
    }

    /// <summary>What kind of problem this is.</summary>
    public DicomErrorKind Kind { get; }

    /// <summary>Byte offset in the file where the problem is.</summary>
    public long Offset { get; }

    /// <summary>The element concerned, when there is one.</summary>
    public DicomTag? Tag { get; }

    /// <summary>The rule broken, without the position prefix.</summary>
    public string Reason { get; }
}
