namespace MedicalHub.Content.Formats.Hl7v2.Mapping;

/// <summary>
/// The results carried by one ORU^R01 message: per patient (a PID and what follows it), the reports (OBR) and their
/// observations (OBX), in message order. Produced by <see cref="LabResultMapping.FromOruR01"/>.
/// </summary>
/// <param name="Header">The message's MSH.</param>
/// <param name="Patients">One entry per PID; a message without PID has one entry whose <see cref="PatientResults.Patient"/> is null.</param>
/// <param name="Warnings">What was read leniently (malformed dates or numbers…), with where.</param>
public sealed record LabResultMessage(Hl7MessageHeader Header, IReadOnlyList<PatientResults> Patients, IReadOnlyList<Hl7MappingWarning> Warnings)
{
    /// <summary>Every observation of the message, in order.</summary>
    public IEnumerable<Observation> AllObservations => Patients.SelectMany(p => p.Reports).SelectMany(r => r.Observations);
}

/// <summary>The results for one patient: the PID (null when the message has none) and the reports that follow it.</summary>
public sealed record PatientResults(PatientDemographics? Patient, IReadOnlyList<ObservationReport> Reports);

/// <summary>One OBR (an ordered test or panel) with its observations.</summary>
/// <param name="PlacerOrderNumber">OBR-2.1 (or ORC-2.1), the orderer's number.</param>
/// <param name="FillerOrderNumber">OBR-3.1 (or ORC-3.1), the lab's number.</param>
/// <param name="Service">OBR-4, what was ordered (e.g. LOINC 24323-8 Comprehensive metabolic panel).</param>
/// <param name="ObservedAt">OBR-7, when the specimen was collected / the observation made.</param>
/// <param name="ResultStatus">OBR-25 (table 0123: <c>F</c> final, <c>P</c> preliminary, <c>C</c> corrected, <c>X</c> cancelled…).</param>
/// <param name="Notes">NTE-3 of the NTE segments right after the OBR.</param>
/// <param name="Observations">The OBX segments of the report.</param>
/// <param name="Location">Where the OBR is in the message.</param>
public sealed record ObservationReport(string? PlacerOrderNumber, string? FillerOrderNumber, CodedValue? Service, Hl7Timestamp? ObservedAt,
    string? ResultStatus, IReadOnlyList<string> Notes, IReadOnlyList<Observation> Observations, Hl7Location Location);

/// <summary>One OBX: a measured or reported value.</summary>
/// <param name="SetId">OBX-1.</param>
/// <param name="ValueType">OBX-2 (table 0125: <c>NM</c>, <c>ST</c>, <c>TX</c>, <c>FT</c>, <c>CE</c>/<c>CWE</c>, <c>SN</c>, <c>DT</c>, <c>TS</c>/<c>DTM</c>, <c>ED</c>…); null when not sent.</param>
/// <param name="Code">OBX-3, what was observed (e.g. <c>2345-7</c> in <c>LN</c>).</param>
/// <param name="SubId">OBX-4, groups OBX of one sub-test.</param>
/// <param name="Values">OBX-5, each repetition typed by OBX-2; empty when no value was sent (e.g. a cancelled test).</param>
/// <param name="Units">OBX-6 (often UCUM).</param>
/// <param name="ReferenceRange">OBX-7.</param>
/// <param name="AbnormalFlags">OBX-8, every repetition (table 0078: <c>L</c>, <c>H</c>, <c>LL</c>, <c>HH</c>, <c>N</c>, <c>A</c>, <c>AA</c>…).</param>
/// <param name="Status">OBX-11 (table 0085: <c>F</c> final, <c>P</c> preliminary, <c>C</c> corrected, <c>X</c> cannot be obtained…).</param>
/// <param name="ObservedAt">OBX-14, or the report's OBR-7 when OBX-14 is absent.</param>
/// <param name="Notes">NTE-3 of the NTE segments right after the OBX.</param>
/// <param name="Location">Where the OBX is in the message.</param>
public sealed record Observation(string? SetId, string? ValueType, CodedValue Code, string? SubId, IReadOnlyList<ObservationValue> Values, CodedValue? Units,
    ReferenceRange? ReferenceRange, IReadOnlyList<string> AbnormalFlags, string? Status, Hl7Timestamp? ObservedAt, IReadOnlyList<string> Notes, Hl7Location Location)
{
    /// <summary>The first value, or null.</summary>
    public ObservationValue? Value => Values.Count > 0 ? Values[0] : null;
}

/// <summary>OBX-7: the text as sent, with its bounds when it has the form <c>low-high</c>, <c>&lt;high</c>, <c>&lt;=high</c>, <c>&gt;low</c> or <c>&gt;=low</c>.</summary>
public sealed record ReferenceRange(string Text, decimal? Low, decimal? High);

/// <summary>A value of OBX-5, typed by OBX-2. <see cref="Text"/> is always the value as sent (escapes resolved).</summary>
public abstract record ObservationValue(string Text);

/// <summary>NM: a number.</summary>
public sealed record NumericValue(decimal Number, string Text) : ObservationValue(Text);

/// <summary>
/// SN, a structured numeric: <c>comparator^num1^separator^num2</c>, e.g. <c>&lt;^10</c> (less than 10),
/// <c>^10^-^20</c> (a range), <c>^1^:^128</c> (a titer), <c>^2^+</c> (a category).
/// </summary>
public sealed record StructuredNumericValue(string? Comparator, decimal? Number1, string? Separator, decimal? Number2, string Text) : ObservationValue(Text);

/// <summary>CE, CWE, CNE: a coded result (e.g. an organism in SNOMED CT).</summary>
public sealed record CodedObservationValue(CodedValue Coded, string Text) : ObservationValue(Text);

/// <summary>ST, TX, FT: text; FT formatting commands become line breaks.</summary>
public sealed record TextValue(string Text) : ObservationValue(Text);

/// <summary>DT, TM-less DTM and TS: a date/time.</summary>
public sealed record DateTimeValue(Hl7Timestamp Timestamp, string Text) : ObservationValue(Text);

/// <summary>
/// A value this mapping does not interpret (ED, RP, TM, CQ…, or a value that does not have the form its type
/// requires: then a warning says so). <see cref="ObservationValue.Text"/> is the raw value with escapes resolved.
/// </summary>
public sealed record UninterpretedValue(string? ValueType, string Text) : ObservationValue(Text);
