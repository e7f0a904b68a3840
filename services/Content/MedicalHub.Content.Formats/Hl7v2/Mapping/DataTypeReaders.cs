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
        var coded = new CodedValue(Text(value.Component(1)), Text(value.Component(2)), Text(value.Component(3)),
            Text(value.Component(4)), Text(value.Component(5)), Text(value.Component(6)));
        return coded.HasContent || coded.AlternateCode is not null ? coded : null;
    }

    public static PatientIdentifier? Identifier(Hl7Value repetition)
    {
        var id = Text(repetition.Component(1));
        if (id is null) return null;
        var authority = repetition.Component(4);
        return new PatientIdentifier(id, Text(authority.SubComponent(1)), Text(authority.SubComponent(2)), Text(authority.SubComponent(3)),
            Text(repetition.Component(5)), Text(repetition.Component(6).SubComponent(1)));
    }

    public static PersonName? Name(Hl7Value repetition)
    {
        if (!repetition.IsPresent || repetition.IsExplicitNull) return null;
        var name = new PersonName(Text(repetition.Component(1).SubComponent(1)), Text(repetition.Component(2)), Text(repetition.Component(3)),
            Text(repetition.Component(4)), Text(repetition.Component(5)), Text(repetition.Component(6)), Text(repetition.Component(7)));
        return name.Family is null && name.Given is null && name.MiddleNames is null ? null : name;
    }

    public static PostalAddress? Address(Hl7Value repetition)
    {
        if (!repetition.IsPresent || repetition.IsExplicitNull) return null;
        var address = new PostalAddress(Text(repetition.Component(1).SubComponent(1)), Text(repetition.Component(2)), Text(repetition.Component(3)),
            Text(repetition.Component(4)), Text(repetition.Component(5)), Text(repetition.Component(6)), Text(repetition.Component(7)));
        return address is { Street: null, OtherDesignation: null, City: null, StateOrProvince: null, PostalCode: null, Country: null } ? null : address;
    }

    public static TelecomNumber? Telecom(Hl7Value repetition, string defaultUse)
    {
        if (!repetition.IsPresent || repetition.IsExplicitNull) return null;
        var legacy = Text(repetition.Component(1));
        var use = Text(repetition.Component(2)) ?? defaultUse;
        var equipment = Text(repetition.Component(3));
        var email = Text(repetition.Component(4));
        var unformatted = Text(repetition.Component(12));
        var country = Text(repetition.Component(5));
        var area = Text(repetition.Component(6));
        var local = Text(repetition.Component(7));
        var extension = Text(repetition.Component(8));
        string? composed = null;
        if (local is not null)
        {
            composed = (country is null ? "" : "+" + country + " ") + (area is null ? "" : "(" + area + ") ") + local + (extension is null ? "" : " x" + extension);
        }
        var value = email ?? unformatted ?? composed ?? legacy;
        return value is null ? null : new TelecomNumber(value, use, equipment, email);
    }

    /// <summary>A TS/DTM/DT value (the first component); a malformed one adds a warning and reads as null.</summary>
    public static Hl7Timestamp? Timestamp(Hl7Value value, Hl7Location location, string what, List<Hl7MappingWarning> warnings)
    {
        var text = value.Level == Hl7ValueLevel.Field || value.Level == Hl7ValueLevel.Repetition ? value.Component(1) : value;
        if (!text.IsPresent || text.IsExplicitNull) return null;
        if (Hl7Timestamp.TryParse(text.RawSpan, out var timestamp)) return timestamp;
        warnings.Add(new Hl7MappingWarning(location, $"{what} is not an HL7 date/time (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]); ignored"));
        return null;
    }

    public static decimal? Number(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 64 && !text.ContainsAny('e', 'E') &&
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
            CultureInfo.InvariantCulture, out var number) ? number : null;
}
