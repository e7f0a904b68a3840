using MedicalHub.Content.Formats.Hl7v2;
using MedicalHub.Content.Formats.Hl7v2.Mapping;

namespace MedicalHub.Content.Formats.Tests.Hl7v2;

public class LabResultMappingTests
{
    private static LabResultMessage Map(string text) => LabResultMapping.FromOruR01(Hl7Message.Parse(text));

    [Fact]
    public void Maps_the_standard_example_glucose_as_a_structured_numeric()
    {
        var result = Map(Hl7Samples.SpecOruR01);

        var patient = Assert.Single(result.Patients);
        Assert.Equal(new PatientIdentifier("555-44-4444", null, null, null, null, null), Assert.Single(patient.Patient!.Identifiers));
        var report = Assert.Single(patient.Reports);
        Assert.Equal("845439", report.PlacerOrderNumber);
        Assert.Equal("1045813", report.FillerOrderNumber);
        Assert.Equal(new CodedValue("15545", "GLUCOSE", null), report.Service);
        Assert.Equal("F", report.ResultStatus);
        var glucose = Assert.Single(report.Observations);
        Assert.Equal(new CodedValue("1554-5", "GLUCOSE", "POST 12H CFST:MCNC:PT:SER/PLAS:QN"), glucose.Code);
        Assert.Equal(new StructuredNumericValue(null, 182m, null, null, "^182"), glucose.Value);
        Assert.Equal("mg/dl", glucose.Units!.Code);
        Assert.Equal(new ReferenceRange("70_105", null, null), glucose.ReferenceRange);
        Assert.Equal(["H"], glucose.AbnormalFlags);
        Assert.Equal("F", glucose.Status);
        Assert.Equal(new DateTime(2002, 2, 15, 7, 30, 0), glucose.ObservedAt!.Local);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Maps_a_blood_count_with_codes_units_ranges_flags_times_and_notes()
    {
        var result = Map(Hl7Samples.CompleteBloodCount);

        Assert.Equal("LAB-20261124-0001", result.Header.ControlId);
        Assert.Equal("ORU_R01", result.Header.MessageStructure);
        Assert.Equal("LIS", result.Header.SendingApplication);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 30, 15, TimeSpan.FromHours(1)), result.Header.CreatedAt!.ToDateTimeOffset(TimeSpan.Zero));

        var patient = Assert.Single(result.Patients).Patient!;
        Assert.Equal(
            [
                new PatientIdentifier("MRN0012345", "PRACTICE42", "2.16.840.1.113883.3.72.5.9.1", "ISO", "MR", "CENTRAL LAB"),
                new PatientIdentifier("1850712345678", "INSEE", "1.2.250.1.213.1.4.8", "ISO", "NH", null),
            ],
            patient.Identifiers);

        var report = Assert.Single(Assert.Single(result.Patients).Reports);
        Assert.Equal("ORD-778812", report.PlacerOrderNumber);
        Assert.Equal(new CodedValue("58410-2", "CBC panel - Blood by Automated count", "LN"), report.Service);
        Assert.Equal(["Specimen received at 07:52."], report.Notes);
        Assert.Equal(9, report.Observations.Count);

        var leukocytes = report.Observations[0];
        Assert.Equal("NM", leukocytes.ValueType);
        Assert.Equal(new CodedValue("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "LN"), leukocytes.Code);
        Assert.Equal(new NumericValue(11.8m, "11.8"), leukocytes.Value);
        Assert.Equal(new CodedValue("10*3/uL", "10*3/uL", "UCUM"), leukocytes.Units);
        Assert.Equal(new ReferenceRange("4.0-10.0", 4.0m, 10.0m), leukocytes.ReferenceRange);
        Assert.Equal(["H"], leukocytes.AbnormalFlags);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 7, 15, 0, TimeSpan.FromHours(1)), leukocytes.ObservedAt!.ToDateTimeOffset(TimeSpan.Zero));
        Assert.Equal(new Hl7Location("OBX", 1), leukocytes.Location);

        var erythrocytes = report.Observations[1];
        Assert.Equal(["N"], erythrocytes.AbnormalFlags);
        Assert.Equal(report.ObservedAt, erythrocytes.ObservedAt); // no OBX-14: the OBR's time

        var hemoglobin = report.Observations[2];
        Assert.Equal("C", hemoglobin.Status);
        Assert.Equal(["Corrected: instrument recalibrated.", "Previous value 12.1 g/dL."], hemoglobin.Notes);
        Assert.Equal(new DateTime(2026, 11, 24, 7, 30, 0), hemoglobin.ObservedAt!.Local);

        var platelets = report.Observations[3];
        Assert.Equal("X", platelets.Status);
        Assert.Equal(new UninterpretedValue("NM", "-"), platelets.Value);

        var monocytes = report.Observations[4];
        Assert.Equal(new StructuredNumericValue("<", 1m, null, null, "<^1"), monocytes.Value);
        Assert.Equal(new ReferenceRange("<=12", null, 12m), monocytes.ReferenceRange);
        Assert.Equal(["L", "A"], monocytes.AbnormalFlags);

        var culture = report.Observations[5];
        Assert.Equal("1", culture.SubId);
        Assert.Equal(new CodedObservationValue(new CodedValue("3092008", "Staphylococcus aureus", "SCT"), "3092008^Staphylococcus aureus^SCT^^^^20210731"), culture.Value);
        Assert.Equal("P", culture.Status);

        Assert.Equal(new TextValue(@"Hémolyse légère & lipémie; voir \note\ | rapport"), report.Observations[6].Value);
        Assert.Equal(new TextValue("Line one\nLine two\n\nImportant end"), report.Observations[7].Value);
        var birth = Assert.IsType<DateTimeValue>(report.Observations[8].Value);
        Assert.Equal(new DateOnly(1985, 7, 12), birth.Timestamp.Date);

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(new Hl7Location("OBX", 4, 5, 1), warning.Location);
    }

    [Fact]
    public void Reads_every_repetition_of_a_value_and_each_patient_of_a_multi_patient_message()
    {
        var result = Map(Hl7Samples.Segments(
            @"MSH|^~\&|LIS|LAB|MH|PRAC|20260101||ORU^R01|C1|P|2.5.1",
            "PID|1||A1^^^LAB^MR",
            "OBR|1|||GLU^Glucose^L",
            "OBX|1|NM|GLU^Glucose^L||5.1~5.3|mmol/L",
            "PID|2||B2^^^LAB^MR",
            "OBR|1|||K^Potassium^L",
            "OBX|1|NM|K^Potassium^L||-0.5|mmol/L|-1--0.1",
            "OBR|2|||NA^Sodium^L",
            "OBX|1|NM|NA^Sodium^L||+140|mmol/L|135 - 145"));

        Assert.Equal(2, result.Patients.Count);
        Assert.Equal([5.1m, 5.3m], result.Patients[0].Reports[0].Observations[0].Values.Cast<NumericValue>().Select(v => v.Number));
        Assert.Equal("B2", result.Patients[1].Patient!.Identifiers[0].Value);
        Assert.Equal(2, result.Patients[1].Reports.Count);
        Assert.Equal(new NumericValue(-0.5m, "-0.5"), result.Patients[1].Reports[0].Observations[0].Value);
        Assert.Equal(new ReferenceRange("-1--0.1", -1m, -0.1m), result.Patients[1].Reports[0].Observations[0].ReferenceRange);
        Assert.Equal(new ReferenceRange("135 - 145", 135m, 145m), result.Patients[1].Reports[1].Observations[0].ReferenceRange);
        Assert.Equal(3, result.AllObservations.Count());
    }

    [Fact]
    public void A_message_without_PID_keeps_its_results_with_no_patient()
    {
        var result = Map(Hl7Samples.Segments(@"MSH|^~\&|LIS|LAB|MH|PRAC|20260101||ORU^R01|C1|P|2.5.1", "OBR|1|||GLU", "OBX|1|NM|GLU||5"));

        Assert.Null(Assert.Single(result.Patients).Patient);
        Assert.Single(result.AllObservations);
    }

    [Fact]
    public void An_OBX_before_any_OBR_is_refused_at_that_OBX()
    {
        var text = Hl7Samples.Segments(@"MSH|^~\&|LIS|LAB|MH|PRAC|20260101||ORU^R01|C1|P|2.5.1", "PID|1||A1", "OBX|1|NM|GLU||5");

        var error = Assert.Throws<Hl7FormatException>(() => Map(text));

        Assert.Equal(Hl7ErrorKind.SegmentSequence, error.Kind);
        Assert.Equal(text.IndexOf("OBX", StringComparison.Ordinal), error.Offset);
        Assert.Equal(Hl7ErrorCondition.SegmentSequenceError, error.Condition);
    }

    [Fact]
    public void An_OBX_without_an_identifier_is_refused()
    {
        var error = Assert.Throws<Hl7FormatException>(() => Map(Hl7Samples.Segments(@"MSH|^~\&|LIS|LAB|MH|PRAC|20260101||ORU^R01|C1|P|2.5.1", "OBR|1", "OBX|1|NM|||5")));

        Assert.Equal(Hl7ErrorKind.RequiredFieldMissing, error.Kind);
        Assert.Equal(new Hl7Location("OBX", 1, 3), error.Location);
    }

    [Theory]
    [InlineData("ADT^A01", Hl7ErrorKind.UnsupportedMessageType, Hl7ErrorCondition.UnsupportedMessageType)]
    [InlineData("ORU^R30", Hl7ErrorKind.UnsupportedTriggerEvent, Hl7ErrorCondition.UnsupportedEventCode)]
    public void Another_message_type_is_refused(string type, Hl7ErrorKind kind, Hl7ErrorCondition condition)
    {
        var error = Assert.Throws<Hl7FormatException>(() => Map(Hl7Samples.Segments($@"MSH|^~\&|LIS|LAB|MH|PRAC|20260101||{type}|C1|P|2.5.1", "OBR|1")));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(condition, error.Condition);
    }

    [Theory]
    [InlineData("NM", "12,5", "not a number")]
    [InlineData("NM", "1e5", "not a number")]
    [InlineData("SN", "~~^abc", "structured numeric")]
    [InlineData("SN", "^", "structured numeric")]
    [InlineData("DT", "20260230", "date/time")]
    [InlineData("", "5", "value type")]
    public void A_value_that_does_not_fit_its_type_is_kept_as_text_with_a_warning(string type, string value, string warning)
    {
        var result = Map(Hl7Samples.Segments(@"MSH|^~\&|LIS|LAB|MH|PRAC|20260101||ORU^R01|C1|P|2.5.1", "OBR|1", $"OBX|1|{type}|X^Y^L||{value}"));

        var observation = Assert.Single(result.AllObservations);
        Assert.IsType<UninterpretedValue>(observation.Values[^1]);
        Assert.Contains(result.Warnings, w => w.Text.Contains(warning, StringComparison.Ordinal) && w.Location.SegmentId == "OBX");
    }

    [Theory]
    [InlineData(">^100", ">", 100, null, null)]
    [InlineData("^10^-^20", null, 10, "-", 20.0)]
    [InlineData("^1^:^128", null, 1, ":", 128.0)]
    [InlineData("<=^0.5", "<=", 0.5, null, null)]
    [InlineData("^2^+", null, 2, "+", null)]
    public void Reads_structured_numerics(string value, string? comparator, double number1, string? separator, double? number2)
    {
        var result = Map(Hl7Samples.Segments(@"MSH|^~\&|LIS|LAB|MH|PRAC|20260101||ORU^R01|C1|P|2.5.1", "OBR|1", $"OBX|1|SN|X^Y^L||{value}"));

        Assert.Equal(new StructuredNumericValue(comparator, (decimal)number1, separator, number2 is null ? null : (decimal)number2, value), Assert.Single(result.AllObservations).Value);
    }
}
