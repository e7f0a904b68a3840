using System.Globalization;

namespace MedicalHub.Content.Formats.Hl7v2.Mapping;

/// <summary>Reads HL7 composite data types (CE/CWE, CX, XPN, XAD, XTN, TS) from parsed values.</summary>
internal static class DataTypeReaders
{
    /// <summary>The decoded text of a value, null when absent or sent as the explicit null <c>""</c>.</summary>
    public static string? Text(Hl7Value value) => value.IsExplicitNull ? null : value.Value;

    public static CodedValue? Coded(Hl7Value value)
    {
        if (!value.IsPresent || value.IsExplicitNull) return null;
        var buffer = new Hl7ComponentBuffer();
        Span<Hl7Value> c = buffer;
        value.FillComponents(c);
        var coded = new CodedValue(Text(c[0]), Text(c[1]), Text(c[2]), Text(c[3]), Text(c[4]), Text(c[5]));
        return coded.HasContent || coded.AlternateCode is not null ? coded : null;
    }

    public static PatientIdentifier? Identifier(Hl7Value repetition)
    {
        var buffer = new Hl7ComponentBuffer();
        Span<Hl7Value> c = buffer;
        repetition.FillComponents(c);
        var id = Text(c[0]);
        if (id is null) return null;
        var authority = c[3];
        return new PatientIdentifier(id, Text(authority.SubComponent(1)), Text(authority.SubComponent(2)), Text(authority.SubComponent(3)),
            Text(c[4]), Text(c[5].SubComponent(1)));
    }

    public static PersonName? Name(Hl7Value repetition)
    {
        if (!repetition.IsPresent || repetition.IsExplicitNull) return null;
        var buffer = new Hl7ComponentBuffer();
        Span<Hl7Value> c = buffer;
        repetition.FillComponents(c);
        var name = new PersonName(Text(c[0].SubComponent(1)), Text(c[1]), Text(c[2]), Text(c[3]), Text(c[4]), Text(c[5]), Text(c[6]));
        return name.Family is null && name.Given is null && name.MiddleNames is null ? null : name;
    }

    public static PostalAddress? Address(Hl7Value repetition)
    {
        if (!repetition.IsPresent || repetition.IsExplicitNull) return null;
        var buffer = new Hl7ComponentBuffer();
        Span<Hl7Value> c = buffer;
        repetition.FillComponents(c);
        var address = new PostalAddress(Text(c[0].SubComponent(1)), Text(c[1]), Text(c[2]), Text(c[3]), Text(c[4]), Text(c[5]), Text(c[6]));
        return address is { Street: null, OtherDesignation: null, City: null, StateOrProvince: null, PostalCode: null, Country: null } ? null : address;
    }

    public static TelecomNumber? Telecom(Hl7Value repetition, string defaultUse)
    {
        if (!repetition.IsPresent || repetition.IsExplicitNull) return null;
        var buffer = new Hl7ComponentBuffer();
        Span<Hl7Value> c = buffer;
        repetition.FillComponents(c);
        var legacy = Text(c[0]);
        var use = Text(c[1]) ?? defaultUse;
        var equipment = Text(c[2]);
        var email = Text(c[3]);
        var unformatted = Text(c[11]);
        var country = Text(c[4]);
        var area = Text(c[5]);
        var local = Text(c[6]);
        var extension = Text(c[7]);
        string? composed = null;
        if (local is not null)
        {
            composed = (country is null ? "" : "+" + country + " ") + (area is null ? "" : "(" + area + ") ") + local + (extension is null ? "" : " x" + extension);
        }
        var value = email ?? unformatted ?? composed ?? legacy;
        return value is null ? null : new TelecomNumber(value, use, equipment, email);
    }

    /// <summary>A TS/DTM/DT field (its first component); a malformed one adds a warning and reads as null.</summary>
    public static Hl7Timestamp? Timestamp(Hl7Segment segment, int field, string what, List<Hl7MappingWarning> warnings)
    {
        var text = segment.Field(field).Component(1);
        if (!text.IsPresent || text.IsExplicitNull) return null;
        if (Hl7Timestamp.TryParse(text.RawSpan, out var timestamp)) return timestamp;
        warnings.Add(new Hl7MappingWarning(segment.Location(field), $"{what} is not an HL7 date/time (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]); ignored"));
        return null;
    }

    /// <summary>An HL7 NM (<c>[+|-]digits[.digits]</c>, surrounding spaces allowed), or null when the text is not one.</summary>
    public static decimal? Number(ReadOnlySpan<char> text)
    {
        text = text.Trim(' ');
        if (text.IsEmpty || text.Length > 64) return null;
        var negative = text[0] == '-';
        if (text[0] is '-' or '+') text = text[1..];
        // Up to 18 digits fit a long: the decimal is built from mantissa and scale, without the general parser.
        long mantissa = 0;
        byte scale = 0;
        var digits = 0;
        var seenPoint = false;
        foreach (var c in text)
        {
            if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            if (!char.IsAsciiDigit(c)) return null;
            if (++digits > 18) return SlowNumber(text, negative);
            mantissa = mantissa * 10 + (c - '0');
            if (seenPoint) scale++;
        }
        if (digits == 0) return null;
        return new decimal((int)mantissa, (int)(mantissa >> 32), 0, negative, scale);
    }

    private static decimal? SlowNumber(ReadOnlySpan<char> unsignedText, bool negative) =>
        decimal.TryParse(unsignedText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ? (negative ? -number : number) : null;
}
