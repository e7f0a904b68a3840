using MedicalHub.Content.Formats.Hl7v2;
using MedicalHub.Content.Formats.Hl7v2.Mapping;

namespace MedicalHub.Content.Formats.Tests.Hl7v2;

public class PatientAdministrationMappingTests
{
    private static PatientAdministrationMessage Map(string text) => PatientAdministrationMapping.FromAdt(Hl7Message.Parse(text));

    [Fact]
    public void Maps_the_standard_A01_example()
    {
        var result = Map(Hl7Samples.SpecAdtA01);

        Assert.Equal("A01", result.TriggerEvent);
        Assert.Equal("I", result.PatientClass);
        Assert.Equal(new DateTime(2007, 8, 18, 11, 23, 0), result.OccurredAt!.Local);
        var patient = result.Patient;
        Assert.Equal(
            [
                new PatientIdentifier("PATID1234", "GOOD HEALTH HOSPITAL", null, null, "MR", null),
                new PatientIdentifier("123456789", "USSSA", null, null, "SS", null),
            ],
            patient.Identifiers);
        Assert.Equal(new PersonName("EVERYMAN", "ADAM", "A", "III", null, null, null), Assert.Single(patient.Names));
        Assert.Equal(new DateOnly(1961, 6, 15), patient.BirthDate);
        Assert.Equal("M", patient.Sex);
        Assert.Equal(AdministrativeGender.Male, patient.Gender);
        Assert.Equal(new PostalAddress("2222 HOME STREET", null, "GREENSBORO", "NC", "27401-1020", null, null), Assert.Single(patient.Addresses));
        Assert.Equal([new TelecomNumber("(555) 555-2004", "PRN", null, null), new TelecomNumber("(555)555-2004", "WPN", null, null)], patient.Phones);
        Assert.Null(patient.Deceased);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Maps_an_A08_update_with_several_addresses_explicit_nulls_and_a_leap_day()
    {
        var result = Map(Hl7Samples.AdtA08Update);

        Assert.Equal("A08", result.TriggerEvent);
        Assert.Equal(new DateTime(2026, 11, 24, 8, 55, 0), result.OccurredAt!.Local); // EVN-6 before EVN-2
        Assert.Equal("E", result.PatientClass);
        var patient = result.Patient;
        Assert.Equal(new PersonName("O'Brien", "Seán", "Patrick", "Jr", "Mr", null, "L"), Assert.Single(patient.Names));
        Assert.Equal(new DateOnly(2000, 2, 29), patient.BirthDate);
        Assert.Equal(
            [
                new PostalAddress("1 Main St", "Apt 4", "Springfield", "IL", "62701", "USA", "H"),
                new PostalAddress("PO Box 9", null, "Springfield", "IL", "62705", "USA", "M"),
            ],
            patient.Addresses);
        Assert.Equal([new TelecomNumber("(217)555-0101", "PRN", "PH", null)], patient.Phones);
        Assert.Equal([14, 29], patient.ExplicitlyNulledFields);
        Assert.False(patient.Deceased);
    }

    [Fact]
    public void Reads_structured_phones_and_e_mail_addresses()
    {
        var result = LabResultMapping.FromOruR01(Hl7Message.Parse(Hl7Samples.CompleteBloodCount));

        var patient = result.Patients[0].Patient!;
        Assert.Equal(
            [
                new TelecomNumber("emilie.durand@example.org", "PRN", "CP", "emilie.durand@example.org"),
                new TelecomNumber("+33 (4) 78123456", "PRN", "PH", null),
                new TelecomNumber("+33 (1) 44556677 x12", "WPN", "PH", null),
            ],
            patient.Phones);
        Assert.Equal([new PersonName("Durand", "Émilie", "Anne", null, "Mme", null, "L"), new PersonName("Martin", "Émilie", null, null, null, null, "M")], patient.Names);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
    }

    [Theory]
    [InlineData("A04")]
    [InlineData("A08")]
    [InlineData("A01")]
    public void Accepts_the_three_events(string trigger)
    {
        var result = Map(Hl7Samples.Segments($@"MSH|^~\&|REG|CLINIC|MH|PRAC|202611240900||ADT^{trigger}|C1|P|2.5", "PID|1||X1^^^CLINIC^MR"));

        Assert.Equal(trigger, result.TriggerEvent);
        Assert.Null(result.OccurredAt);
    }

    [Fact]
    public void Takes_the_event_from_EVN_1_when_MSH_9_has_none()
    {
        var result = Map(Hl7Samples.Segments(@"MSH|^~\&|REG|CLINIC|MH|PRAC|202611240900||ADT|C1|P|2.1", "EVN|A04|202611240859", "PID|1||X1"));

        Assert.Equal("A04", result.TriggerEvent);
    }

    [Theory]
    [InlineData("ADT^A03", Hl7ErrorKind.UnsupportedTriggerEvent)]
    [InlineData("ORU^R01", Hl7ErrorKind.UnsupportedMessageType)]
    public void Refuses_other_messages(string type, Hl7ErrorKind kind)
    {
        var error = Assert.Throws<Hl7FormatException>(() => Map(Hl7Samples.Segments($@"MSH|^~\&|REG|CLINIC|MH|PRAC|202611240900||{type}|C1|P|2.5", "PID|1||X1")));

        Assert.Equal(kind, error.Kind);
    }

    [Theory]
    [InlineData("PID|1||")]
    [InlineData("PID|1||^^^CLINIC^MR~\"\"")]
    [InlineData("PID|1|OLD-ID|")]
    public void Refuses_a_PID_without_any_PID_3_identifier(string pid)
    {
        var error = Assert.Throws<Hl7FormatException>(() => Map(Hl7Samples.Segments(@"MSH|^~\&|REG|CLINIC|MH|PRAC|202611240900||ADT^A04|C1|P|2.5", pid)));

        Assert.Equal(Hl7ErrorKind.RequiredFieldMissing, error.Kind);
        Assert.Equal(new Hl7Location("PID", 1, 3, 1, 1), error.Location);
    }

    [Fact]
    public void Refuses_an_ADT_without_PID()
    {
        var error = Assert.Throws<Hl7FormatException>(() => Map(Hl7Samples.Segments(@"MSH|^~\&|REG|CLINIC|MH|PRAC|202611240900||ADT^A04|C1|P|2.5", "EVN|A04")));

        Assert.Equal(Hl7ErrorKind.SegmentSequence, error.Kind);
    }

    [Fact]
    public void A_date_that_does_not_exist_is_a_warning_not_a_birth_date()
    {
        var result = Map(Hl7Samples.AdtA08Update.Replace("20000229", "20010229", StringComparison.Ordinal));

        Assert.Null(result.Patient.BirthDate);
        Assert.Equal(new Hl7Location("PID", 1, 7), Assert.Single(result.Warnings).Location);
    }

    [Fact]
    public void A_birth_year_alone_is_kept_as_a_time_but_not_as_a_date()
    {
        var result = Map(Hl7Samples.Segments(@"MSH|^~\&|REG|CLINIC|MH|PRAC|202611240900||ADT^A04|C1|P|2.5", "PID|1||X1||Doe^J||1970|U"));

        Assert.Null(result.Patient.BirthDate);
        Assert.Equal(Hl7TimestampPrecision.Year, result.Patient.BirthTime!.Precision);
        Assert.Equal(AdministrativeGender.Unknown, result.Patient.Gender);
    }
}
