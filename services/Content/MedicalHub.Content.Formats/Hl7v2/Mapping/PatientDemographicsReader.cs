namespace MedicalHub.Content.Formats.Hl7v2.Mapping;

/// <summary>Reads a PID segment into <see cref="PatientDemographics"/>; shared by the ORU and ADT mappings.</summary>
internal static class PatientDemographicsReader
{
    public static PatientDemographics Read(Hl7Segment pid, List<Hl7MappingWarning> warnings)
    {
        var identifiers = new List<PatientIdentifier>();
        foreach (var field in (ReadOnlySpan<int>)[3, 2, 4])
        {
            foreach (var repetition in pid.Field(field).Repetitions)
            {
                if (DataTypeReaders.Identifier(repetition) is { } identifier && !identifiers.Contains(identifier)) identifiers.Add(identifier);
            }
        }

        var names = new List<PersonName>();
        foreach (var repetition in pid.Field(5).Repetitions)
        {
            if (DataTypeReaders.Name(repetition) is { } name) names.Add(name);
        }

        var birth = DataTypeReaders.Timestamp(pid, 7, "PID-7 (date of birth)", warnings);
        var sex = DataTypeReaders.Text(pid.Field(8));

        var addresses = new List<PostalAddress>();
        foreach (var repetition in pid.Field(11).Repetitions)
        {
            if (DataTypeReaders.Address(repetition) is { } address) addresses.Add(address);
        }

        var phones = new List<TelecomNumber>();
        foreach (var (field, use) in (ReadOnlySpan<(int, string)>)[(13, "PRN"), (14, "WPN")])
        {
            foreach (var repetition in pid.Field(field).Repetitions)
            {
                if (DataTypeReaders.Telecom(repetition, use) is { } phone) phones.Add(phone);
            }
        }

        var nulled = new List<int>();
        for (var field = 1; field <= pid.FieldCount; field++)
        {
            if (pid.Field(field).IsExplicitNull) nulled.Add(field);
        }

        var deceased = DataTypeReaders.Text(pid.Field(30)) switch { "Y" => true, "N" => false, _ => (bool?)null };
        return new PatientDemographics(identifiers, names,
            birth is { Precision: >= Hl7TimestampPrecision.Day } ? birth.Date : null, birth, sex, Gender(sex),
            addresses, phones, DataTypeReaders.Timestamp(pid, 29, "PID-29 (death date/time)", warnings), deceased, nulled);
    }

    private static AdministrativeGender? Gender(string? sex) => sex?.ToUpperInvariant() switch
    {
        null => null,
        "M" => AdministrativeGender.Male,
        "F" => AdministrativeGender.Female,
        "O" or "A" or "N" or "X" => AdministrativeGender.Other,
        _ => AdministrativeGender.Unknown,
    };
}
