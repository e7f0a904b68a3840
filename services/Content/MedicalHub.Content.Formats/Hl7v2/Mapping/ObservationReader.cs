namespace MedicalHub.Content.Formats.Hl7v2.Mapping;

/// <summary>Reads one OBX into an <see cref="Observation"/>, typing OBX-5 by OBX-2.</summary>
internal static class ObservationReader
{
    /// <param name="obx">The OBX segment.</param>
    /// <param name="reportTime">The OBR-7 of the report, used when OBX-14 is absent.</param>
    /// <param name="warnings">Receives what was read leniently.</param>
    public static Observation Read(Hl7Segment obx, Hl7Timestamp? reportTime, List<Hl7MappingWarning> warnings)
    {
        var code = DataTypeReaders.Coded(obx.Field(3))
            ?? throw new Hl7FormatException(Hl7ErrorKind.RequiredFieldMissing, "OBX-3 (observation identifier) is required", obx.FieldOffset(3), obx.Location(3));
        var valueType = DataTypeReaders.Text(obx.Field(2));
        if (valueType is not null && valueType.AsSpan().ContainsAnyInRange('a', 'z')) valueType = valueType.ToUpperInvariant();

        var valueField = obx.Field(5);
        var values = valueField.IsPresent ? new ObservationValue[valueField.RepetitionCount] : [];
        var valueCount = 0;
        for (var repetition = 1; repetition <= values.Length; repetition++)
        {
            var value = valueField.Repetition(repetition);
            if (!value.IsPresent || value.IsExplicitNull) continue;
            values[valueCount++] = ReadValue(value, valueType, obx, repetition, warnings);
        }
        if (valueCount < values.Length) values = values[..valueCount];

        var flagField = obx.Field(8);
        var abnormalFlags = flagField.IsPresent ? new string[flagField.RepetitionCount] : [];
        var flagCount = 0;
        for (var repetition = 1; repetition <= abnormalFlags.Length; repetition++)
        {
            if (DataTypeReaders.Text(flagField.Repetition(repetition).Component(1)) is { } text) abnormalFlags[flagCount++] = text;
        }
        if (flagCount < abnormalFlags.Length) abnormalFlags = abnormalFlags[..flagCount];

        var range = DataTypeReaders.Text(obx.Field(7)) is { } rangeText ? ReadRange(rangeText) : null;
        var observedAt = DataTypeReaders.Timestamp(obx, 14, "OBX-14 (observation date/time)", warnings) ?? reportTime;
        return new Observation(DataTypeReaders.Text(obx.Field(1)), valueType, code, DataTypeReaders.Text(obx.Field(4)), values,
            DataTypeReaders.Coded(obx.Field(6)), range, abnormalFlags, DataTypeReaders.Text(obx.Field(11)), observedAt, [], obx.Location());
    }

    private static ObservationValue ReadValue(Hl7Value value, string? valueType, Hl7Segment obx, int repetition, List<Hl7MappingWarning> warnings)
    {
        var text = value.Value ?? "";
        switch (valueType)
        {
            case "NM":
                if (DataTypeReaders.Number(text) is { } number) return new NumericValue(number, text);
                warnings.Add(new Hl7MappingWarning(obx.Location(5, repetition), "OBX-5 is not a number although OBX-2 is NM; kept as text"));
                return new UninterpretedValue(valueType, text);
            case "SN":
                return ReadStructuredNumeric(value, text, obx.Location(5, repetition), warnings);
            case "CE" or "CWE" or "CNE" or "CF":
                return DataTypeReaders.Coded(value) is { } coded ? new CodedObservationValue(coded, text) : new UninterpretedValue(valueType, text);
            case "ST" or "TX" or "FT":
                return new TextValue(text);
            case "DT" or "DTM" or "TS":
                if (Hl7Timestamp.TryParse(value.Component(1).RawSpan, out var timestamp)) return new DateTimeValue(timestamp!, text);
                warnings.Add(new Hl7MappingWarning(obx.Location(5, repetition), $"OBX-5 is not an HL7 date/time although OBX-2 is {valueType}; kept as text"));
                return new UninterpretedValue(valueType, text);
            case null:
                warnings.Add(new Hl7MappingWarning(obx.Location(5, repetition), "OBX-5 has a value but OBX-2 (value type) is empty; kept as text"));
                return new UninterpretedValue(null, text);
            default:
                return new UninterpretedValue(valueType, text);
        }
    }

    private static ObservationValue ReadStructuredNumeric(Hl7Value value, string text, Hl7Location location, List<Hl7MappingWarning> warnings)
    {
        var comparator = DataTypeReaders.Text(value.Component(1));
        var first = value.Component(2).RawSpan;
        var separator = DataTypeReaders.Text(value.Component(3));
        var second = value.Component(4).RawSpan;
        var number1 = DataTypeReaders.Number(first);
        var number2 = DataTypeReaders.Number(second);
        var valid = comparator is null or ">" or "<" or ">=" or "<=" or "=" or "<>"
            && (first.IsEmpty || number1 is not null) && (second.IsEmpty || number2 is not null)
            && separator is null or "-" or "+" or "/" or "." or ":";
        if (valid && (number1 is not null || number2 is not null)) return new StructuredNumericValue(comparator, number1, separator, number2, text);
        warnings.Add(new Hl7MappingWarning(location, "OBX-5 is not a structured numeric (comparator^number^separator^number) although OBX-2 is SN; kept as text"));
        return new UninterpretedValue("SN", text);
    }

    private static ReferenceRange ReadRange(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.StartsWith("<=") || trimmed.StartsWith(">="))
        {
            var bound = DataTypeReaders.Number(trimmed[2..]);
            return trimmed[0] == '<' ? new ReferenceRange(text, null, bound) : new ReferenceRange(text, bound, null);
        }
        if (trimmed.StartsWith("<") || trimmed.StartsWith(">"))
        {
            var bound = DataTypeReaders.Number(trimmed[1..]);
            return trimmed[0] == '<' ? new ReferenceRange(text, null, bound) : new ReferenceRange(text, bound, null);
        }
        // low-high, where low may itself be negative: split at the first '-' that follows a digit.
        for (var i = 1; i < trimmed.Length; i++)
        {
            if (trimmed[i] == '-' && (char.IsAsciiDigit(trimmed[i - 1]) || trimmed[i - 1] == ' '))
            {
                var low = DataTypeReaders.Number(trimmed[..i]);
                var high = DataTypeReaders.Number(trimmed[(i + 1)..]);
                if (low is not null && high is not null) return new ReferenceRange(text, low, high);
                break;
            }
        }
        return new ReferenceRange(text, null, null);
    }
}
