using System.Globalization;

namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>How much of a timestamp was sent: HL7 allows <c>YYYY</c> up to <c>YYYYMMDDHHMMSS.SSSS</c>.</summary>
public enum Hl7TimestampPrecision
{
    /// <summary>YYYY</summary>
    Year,
    /// <summary>YYYYMM</summary>
    Month,
    /// <summary>YYYYMMDD</summary>
    Day,
    /// <summary>YYYYMMDDHH</summary>
    Hour,
    /// <summary>YYYYMMDDHHMM</summary>
    Minute,
    /// <summary>YYYYMMDDHHMMSS</summary>
    Second,
    /// <summary>YYYYMMDDHHMMSS.S to .SSSS</summary>
    FractionOfSecond,
}

/// <summary>
/// An HL7 v2 date/time (DT, DTM, or the first component of TS): <c>YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]</c>.
/// <see cref="Local"/> holds the parts that were sent (missing ones are the start of the period); <see cref="Offset"/>
/// is null when the sender gave no UTC offset, in which case the time is the sender's local time.
/// </summary>
public sealed record Hl7Timestamp(DateTime Local, TimeSpan? Offset, Hl7TimestampPrecision Precision)
{
    /// <summary>The date part (meaningful when <see cref="Precision"/> is at least <see cref="Hl7TimestampPrecision.Day"/>).</summary>
    public DateOnly Date => DateOnly.FromDateTime(Local);

    /// <summary>The instant, with <paramref name="assumedOffset"/> standing in when the sender gave none.</summary>
    public DateTimeOffset ToDateTimeOffset(TimeSpan assumedOffset) => new(Local, Offset ?? assumedOffset);

    /// <summary>The timestamp as HL7 writes it, at its precision.</summary>
    public override string ToString()
    {
        var format = Precision switch
        {
            Hl7TimestampPrecision.Year => "yyyy",
            Hl7TimestampPrecision.Month => "yyyyMM",
            Hl7TimestampPrecision.Day => "yyyyMMdd",
            Hl7TimestampPrecision.Hour => "yyyyMMddHH",
            Hl7TimestampPrecision.Minute => "yyyyMMddHHmm",
            Hl7TimestampPrecision.Second => "yyyyMMddHHmmss",
            _ => "yyyyMMddHHmmss.ffff",
        };
        var text = Local.ToString(format, CultureInfo.InvariantCulture);
        if (Offset is { } offset)
        {
            text += (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
        }
        return text;
    }

    /// <summary>Reads an HL7 date/time; false when <paramref name="text"/> is not one (a date that does not exist included).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Hl7Timestamp? timestamp)
    {
        timestamp = null;
        text = text.Trim();
        TimeSpan? offset = null;
        var sign = text.IndexOfAny('+', '-');
        if (sign >= 0)
        {
            var zone = text[(sign + 1)..];
            if (zone.Length != 4 || !IsDigits(zone)) return false;
            var hours = Number(zone[..2]);
            var minutes = Number(zone[2..]);
            if (hours > 14 || minutes > 59) return false;
            offset = new TimeSpan(hours, minutes, 0) * (text[sign] == '-' ? -1 : 1);
            text = text[..sign];
        }
        var fraction = 0;
        var hasFraction = false;
        var dot = text.IndexOf('.');
        if (dot >= 0)
        {
            var digits = text[(dot + 1)..];
            if (dot != 14 || digits.Length is < 1 or > 4 || !IsDigits(digits)) return false;
            fraction = Number(digits);
            for (var i = digits.Length; i < 4; i++) fraction *= 10;
            hasFraction = true;
            text = text[..dot];
        }
        if (text.Length is not (4 or 6 or 8 or 10 or 12 or 14) || !IsDigits(text)) return false;
        var year = Number(text[..4]);
        var month = text.Length >= 6 ? Number(text[4..6]) : 1;
        var day = text.Length >= 8 ? Number(text[6..8]) : 1;
        var hour = text.Length >= 10 ? Number(text[8..10]) : 0;
        var minute = text.Length >= 12 ? Number(text[10..12]) : 0;
        var second = text.Length >= 14 ? Number(text[12..14]) : 0;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        var precision = hasFraction ? Hl7TimestampPrecision.FractionOfSecond : text.Length switch
        {
            4 => Hl7TimestampPrecision.Year,
            6 => Hl7TimestampPrecision.Month,
            8 => Hl7TimestampPrecision.Day,
            10 => Hl7TimestampPrecision.Hour,
            12 => Hl7TimestampPrecision.Minute,
            _ => Hl7TimestampPrecision.Second,
        };
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fraction * 1000L);
        timestamp = new Hl7Timestamp(local, offset, precision);
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private static int Number(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits) value = value * 10 + (c - '0');
        return value;
    }
}
