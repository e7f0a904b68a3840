namespace MedicalHub.Content.Formats.Hl7v2.Mapping;

/// <summary>
/// A patient registration or update from an ADT message: A01 (admit), A04 (register an outpatient) or A08 (update
/// patient information). Each says "this is the patient now": create the patient when no identifier matches, update
/// otherwise. Produced by <see cref="PatientAdministrationMapping.FromAdt"/>.
/// </summary>
/// <param name="Header">The message's MSH.</param>
/// <param name="TriggerEvent"><c>A01</c>, <c>A04</c> or <c>A08</c> (MSH-9.2, or EVN-1 when MSH-9.2 is empty).</param>
/// <param name="OccurredAt">EVN-6 (when the event happened), else EVN-2 (when it was recorded).</param>
/// <param name="Patient">The PID, with at least one identifier.</param>
/// <param name="PatientClass">PV1-2 (table 0004: <c>I</c> inpatient, <c>O</c> outpatient, <c>E</c> emergency…), when sent.</param>
/// <param name="Warnings">What was read leniently.</param>
public sealed record PatientAdministrationMessage(Hl7MessageHeader Header, string TriggerEvent, Hl7Timestamp? OccurredAt, PatientDemographics Patient,
    string? PatientClass, IReadOnlyList<Hl7MappingWarning> Warnings);

/// <summary>Maps ADT^A01, ADT^A04 and ADT^A08 to <see cref="PatientAdministrationMessage"/>. Pure: no lookups, no I/O.</summary>
public static class PatientAdministrationMapping
{
    private static readonly string[] Triggers = ["A01", "A04", "A08"];

    /// <summary>
    /// Reads the patient of an ADT^A01/A04/A08. Refuses (with <see cref="Hl7FormatException"/>) another type or event,
    /// a message without PID, and a PID without any identifier in PID-3.
    /// </summary>
    public static PatientAdministrationMessage FromAdt(Hl7Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Senders of v2.1-era messages leave MSH-9.2 empty: EVN-1 names the event.
        var trigger = message.TriggerEvent.Length > 0 ? message.TriggerEvent : message.Get("EVN-1") ?? "";
        HeaderReader.Require(message, "ADT", Triggers, trigger);
        var warnings = new List<Hl7MappingWarning>();
        var header = HeaderReader.Read(message, warnings);
        var pid = message.Segment("PID")
            ?? throw new Hl7FormatException(Hl7ErrorKind.SegmentSequence, $"ADT^{trigger} requires a PID segment", -1, new Hl7Location("PID", 1));
        var patient = PatientDemographicsReader.Read(pid, warnings);
        if (!pid.Field(3).Repetitions.Any(repetition => DataTypeReaders.Identifier(repetition) is not null))
        {
            throw new Hl7FormatException(Hl7ErrorKind.RequiredFieldMissing, "PID-3 (patient identifier list) needs at least one identifier", pid.FieldOffset(3), pid.Location(3, 1, 1));
        }
        var evn = message.Segment("EVN");
        var occurredAt = evn is null ? null
            : DataTypeReaders.Timestamp(evn, 6, "EVN-6 (event occurred)", warnings)
              ?? DataTypeReaders.Timestamp(evn, 2, "EVN-2 (recorded date/time)", warnings);
        var patientClass = message.Segment("PV1") is { } pv1 ? DataTypeReaders.Text(pv1.Field(2).Component(1)) : null;
        return new PatientAdministrationMessage(header, trigger, occurredAt, patient, patientClass, warnings);
    }
}
