using System.Globalization;
using System.Text;

namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>MSA-1, the acknowledgement code of HL7's original acknowledgement mode.</summary>
public enum Hl7AckCode
{
    /// <summary><c>AA</c>: the message was accepted and processed.</summary>
    Accept,
    /// <summary><c>AE</c>: the message was read but could not be processed (a missing field, an unknown patient…); resending it unchanged will fail again.</summary>
    Error,
    /// <summary><c>AR</c>: the message was rejected without processing (unreadable, unsupported type or version, receiver unavailable).</summary>
    Reject,
}

/// <summary>HL7 table 0357, message error condition codes, carried in ERR-3 (v2.5+) or ERR-1.4.</summary>
public enum Hl7ErrorCondition
{
    /// <summary>0: Message accepted.</summary>
    MessageAccepted = 0,
    /// <summary>100: Segment sequence error (e.g. no MSH first).</summary>
    SegmentSequenceError = 100,
    /// <summary>101: Required field missing.</summary>
    RequiredFieldMissing = 101,
    /// <summary>102: Data type error.</summary>
    DataTypeError = 102,
    /// <summary>103: Table value not found.</summary>
    TableValueNotFound = 103,
    /// <summary>200: Unsupported message type.</summary>
    UnsupportedMessageType = 200,
    /// <summary>201: Unsupported event code.</summary>
    UnsupportedEventCode = 201,
    /// <summary>202: Unsupported processing ID.</summary>
    UnsupportedProcessingId = 202,
    /// <summary>203: Unsupported version ID.</summary>
    UnsupportedVersionId = 203,
    /// <summary>204: Unknown key identifier (e.g. no such patient).</summary>
    UnknownKeyIdentifier = 204,
    /// <summary>205: Duplicate key identifier.</summary>
    DuplicateKeyIdentifier = 205,
    /// <summary>206: Application record locked.</summary>
    ApplicationRecordLocked = 206,
    /// <summary>207: Application internal error.</summary>
    ApplicationInternalError = 207,
}

/// <summary>ERR-4, how serious an error is.</summary>
public enum Hl7ErrorSeverity
{
    /// <summary><c>E</c>: the message (or part of it) was not processed.</summary>
    Error,
    /// <summary><c>W</c>: processed, with a warning.</summary>
    Warning,
    /// <summary><c>I</c>: information only.</summary>
    Information,
}

/// <summary>One ERR segment of an acknowledgement. <paramref name="Text"/> goes to the sender: keep PHI out of it.</summary>
public sealed record Hl7AckError(Hl7ErrorCondition Condition, string? Text = null, Hl7Location? Location = null, Hl7ErrorSeverity Severity = Hl7ErrorSeverity.Error)
{
    /// <summary>The ERR for a message the parser or a mapping refused.</summary>
    public static Hl7AckError From(Hl7FormatException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(exception.Condition, exception.Message, exception.Location);
    }
}

/// <summary>Who acknowledges: the acknowledgement's own MSH-10 and MSH-7, and optionally MSH-3/MSH-4 (by default the original's MSH-5/MSH-6).</summary>
public sealed record Hl7AckHeader(string ControlId, DateTimeOffset Timestamp, string? SendingApplication = null, string? SendingFacility = null);

/// <summary>
/// Builds ACK messages (HL7 original acknowledgement mode): MSH addressed back to the sender (its MSH-3/4 become
/// MSH-5/6), MSH-9 <c>ACK^&lt;trigger&gt;^ACK</c>, the original's processing ID and version, MSA with the code and the
/// original control ID, and one ERR per error (ERR-2 location, ERR-3 condition from table 0357, ERR-4 severity,
/// ERR-8 text for v2.5 and later; ERR-1 for earlier versions). The acknowledgement uses the original's delimiters.
/// </summary>
public static class Hl7Acknowledgement
{
    private const string DefaultVersion = "2.5.1";
    private const int MaxEchoedLength = 199;

    /// <summary>The ACK of a message that was read.</summary>
    public static string Create(Hl7Message original, Hl7AckCode code, Hl7AckHeader header, IEnumerable<Hl7AckError>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(original);
        var msh = original.Header;
        return Write(new Echo(
            original.Delimiters,
            SendingApplication: msh.Field(3).Raw,
            SendingFacility: msh.Field(4).Raw,
            ReceivingApplication: msh.Field(5).Raw,
            ReceivingFacility: msh.Field(6).Raw,
            TriggerEvent: Hl7Escaping.Encode(original.TriggerEvent, original.Delimiters),
            ProcessingId: msh.Field(11).Raw,
            Version: original.Version,
            ControlId: original.ControlId), code, header, errors);
    }

    /// <summary>
    /// The NAK (<c>AR</c>) of a message that could not be read, with the parser's error in ERR. Whatever of MSH can still
    /// be made out of <paramref name="raw"/> (delimiters, sender, control ID, version) is echoed; the rest is left empty.
    /// </summary>
    public static string ForUnreadable(string raw, Hl7FormatException error, Hl7AckHeader header)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(error);
        return Write(Salvage(raw), Hl7AckCode.Reject, header, [Hl7AckError.From(error)]);
    }

    /// <summary>The same as <see cref="ForUnreadable(string, Hl7FormatException, Hl7AckHeader)"/> for a message received as bytes.</summary>
    public static string ForUnreadable(ReadOnlySpan<byte> raw, Hl7FormatException error, Hl7AckHeader header) =>
        ForUnreadable(Encoding.Latin1.GetString(raw[..Math.Min(raw.Length, 4096)]), error, header);

    private sealed record Echo(Hl7Delimiters Delimiters, string SendingApplication, string SendingFacility, string ReceivingApplication,
        string ReceivingFacility, string TriggerEvent, string ProcessingId, string Version, string ControlId);

    private static string Write(Echo echo, Hl7AckCode code, Hl7AckHeader header, IEnumerable<Hl7AckError>? errors)
    {
        ArgumentNullException.ThrowIfNull(header);
        var d = echo.Delimiters;
        var version = string.IsNullOrEmpty(echo.Version) ? DefaultVersion : echo.Version;
        var modern = IsAtLeast(version, 2, 5);
        string Esc(string? value) => Hl7Escaping.Encode(value, d);
        var f = d.Field;
        var c = d.Component;

        var builder = new StringBuilder(256);
        builder.Append("MSH").Append(f).Append(d.EncodingCharacters)
            .Append(f).Append(header.SendingApplication is null ? echo.ReceivingApplication : Esc(header.SendingApplication))
            .Append(f).Append(header.SendingFacility is null ? echo.ReceivingFacility : Esc(header.SendingFacility))
            .Append(f).Append(echo.SendingApplication)
            .Append(f).Append(echo.SendingFacility)
            .Append(f).Append(Esc(FormatTimestamp(header.Timestamp)))
            .Append(f)
            .Append(f).Append("ACK");
        if (echo.TriggerEvent.Length > 0) builder.Append(c).Append(echo.TriggerEvent).Append(c).Append("ACK");
        builder.Append(f).Append(Esc(header.ControlId))
            .Append(f).Append(string.IsNullOrEmpty(echo.ProcessingId) ? Esc("P") : echo.ProcessingId)
            .Append(f).Append(Esc(version))
            .Append('\r');

        var errorList = errors?.ToList() ?? [];
        builder.Append("MSA").Append(f).Append(code switch { Hl7AckCode.Accept => "AA", Hl7AckCode.Error => "AE", _ => "AR" })
            .Append(f).Append(Esc(echo.ControlId));
        if (!modern && errorList.Count > 0 && errorList[0].Text is { } firstText) builder.Append(f).Append(Esc(Truncate(firstText, 80)));
        builder.Append('\r');

        foreach (var error in errorList)
        {
            var condition = ((int)error.Condition).ToString(CultureInfo.InvariantCulture) + c + Esc(ConditionText(error.Condition)) + c + "HL70357";
            builder.Append("ERR").Append(f);
            if (modern)
            {
                builder.Append(f).Append(Location(error.Location, d))
                    .Append(f).Append(condition)
                    .Append(f).Append(error.Severity switch { Hl7ErrorSeverity.Warning => 'W', Hl7ErrorSeverity.Information => 'I', _ => 'E' })
                    .Append(f).Append(f).Append(f) // ERR-5 to ERR-7
                    .Append(f).Append(Esc(error.Text));
            }
            else
            {
                var location = error.Location;
                builder.Append(Esc(location?.SegmentId)).Append(c)
                    .Append(location is null ? "" : location.SegmentSequence.ToString(CultureInfo.InvariantCulture)).Append(c)
                    .Append(location?.Field?.ToString(CultureInfo.InvariantCulture)).Append(c)
                    .Append(condition.Replace(c, d.SubComponent));
            }
            builder.Append('\r');
        }
        return builder.ToString();
    }

    private static string Location(Hl7Location? location, Hl7Delimiters d)
    {
        if (location is null) return "";
        var parts = new[]
        {
            Hl7Escaping.Encode(location.SegmentId, d),
            location.SegmentSequence > 0 ? location.SegmentSequence.ToString(CultureInfo.InvariantCulture) : "",
            location.Field?.ToString(CultureInfo.InvariantCulture) ?? "",
            location.Repetition?.ToString(CultureInfo.InvariantCulture) ?? (location.Field is null ? "" : "1"),
            location.Component?.ToString(CultureInfo.InvariantCulture) ?? "",
            location.SubComponent?.ToString(CultureInfo.InvariantCulture) ?? "",
        };
        return string.Join(d.Component, parts).TrimEnd(d.Component);
    }

    private static string ConditionText(Hl7ErrorCondition condition) => condition switch
    {
        Hl7ErrorCondition.MessageAccepted => "Message accepted",
        Hl7ErrorCondition.SegmentSequenceError => "Segment sequence error",
        Hl7ErrorCondition.RequiredFieldMissing => "Required field missing",
        Hl7ErrorCondition.DataTypeError => "Data type error",
        Hl7ErrorCondition.TableValueNotFound => "Table value not found",
        Hl7ErrorCondition.UnsupportedMessageType => "Unsupported message type",
        Hl7ErrorCondition.UnsupportedEventCode => "Unsupported event code",
        Hl7ErrorCondition.UnsupportedProcessingId => "Unsupported processing id",
        Hl7ErrorCondition.UnsupportedVersionId => "Unsupported version id",
        Hl7ErrorCondition.UnknownKeyIdentifier => "Unknown key identifier",
        Hl7ErrorCondition.DuplicateKeyIdentifier => "Duplicate key identifier",
        Hl7ErrorCondition.ApplicationRecordLocked => "Application record locked",
        _ => "Application internal error",
    };

    internal static string FormatTimestamp(DateTimeOffset timestamp)
    {
        var offset = timestamp.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return timestamp.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    private static bool IsAtLeast(string version, int major, int minor)
    {
        var parts = version.Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var ma) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var mi)) return true;
        return ma > major || (ma == major && mi >= minor);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>What can be read of an MSH that the parser refused: used only to address a NAK, never to process.</summary>
    private static Echo Salvage(string raw)
    {
        var text = raw.AsSpan();
        var start = text.IndexOf("MSH", StringComparison.Ordinal);
        var delimiters = Hl7Delimiters.Default;
        var fields = Array.Empty<string>();
        if (start >= 0 && start + 8 <= text.Length)
        {
            var line = text[start..];
            var end = line.IndexOfAny('\r', '\n');
            if (end >= 0) line = line[..end];
            var candidate = line[3..Math.Min(line.Length, 8)];
            if (candidate.Length == 5 && IsPlausibleDelimiterSet(candidate))
            {
                delimiters = new Hl7Delimiters(candidate[0], candidate[1], candidate[2], candidate[3], candidate[4]);
                fields = line.ToString().Split(delimiters.Field, 13);
            }
        }
        string Field(int number)
        {
            // MSH-n is the (n-1)-th piece after splitting on the field separator ("MSH" is piece 0, MSH-2 piece 1).
            var index = number - 1;
            if (index >= fields.Length || index < 2) return "";
            var value = fields[index];
            value = value.Length > MaxEchoedLength ? "" : value;
            foreach (var ch in value) if (ch < ' ') return "";
            return value;
        }
        var messageType = Field(9);
        var trigger = messageType.Split(delimiters.Component) is { Length: > 1 } pieces ? pieces[1] : "";
        return new Echo(delimiters, Field(3), Field(4), Field(5), Field(6), trigger, Field(11).Split(delimiters.Component)[0],
            Field(12).Split(delimiters.Component)[0], Field(10));
    }

    private static bool IsPlausibleDelimiterSet(ReadOnlySpan<char> candidate)
    {
        for (var i = 0; i < candidate.Length; i++)
        {
            var c = candidate[i];
            if (c <= ' ' || c >= 0x7F || char.IsAsciiLetterOrDigit(c) || candidate[..i].Contains(c)) return false;
        }
        return true;
    }
}
