namespace MedicalHub.Content.Formats.Hl7v2.Mapping;

/// <summary>Maps an ORU^R01 message to <see cref="LabResultMessage"/>. Pure: no lookups, no I/O.</summary>
public static class LabResultMapping
{
    private static readonly string[] OruTriggers = ["R01"];

    /// <summary>
    /// Reads the observations of an ORU^R01 message. Refuses (with <see cref="Hl7FormatException"/>) a message of
    /// another type, an OBX or NTE that belongs to no OBR, and an OBX without OBX-3 (an observation with no code cannot be
    /// filed); reads other irregularities leniently and lists them in <see cref="LabResultMessage.Warnings"/>.
    /// </summary>
    public static LabResultMessage FromOruR01(Hl7Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        HeaderReader.Require(message, "ORU", OruTriggers);
        var warnings = new List<Hl7MappingWarning>();
        var header = HeaderReader.Read(message, warnings);

        var patients = new List<PatientResults>();
        PatientDemographics? patient = null;
        List<ObservationReport>? reports = null;
        ReportBuilder? report = null;
        // Which segment the next NTE annotates: none (after MSH, PID or ORC: patient or order notes are not results), the OBR, or the last OBX.
        var notesFor = NoteTarget.None;
        (string? Placer, string? Filler) pendingOrder = default;

        void CloseReport()
        {
            if (report is null) return;
            (reports ??= []).Add(report.Build());
            report = null;
        }
        void ClosePatient()
        {
            CloseReport();
            if (patient is not null || reports is { Count: > 0 }) patients.Add(new PatientResults(patient, reports ?? []));
            patient = null;
            reports = null;
        }

        foreach (var segment in message.Segments)
        {
            switch (segment.Name)
            {
                case "PID":
                    ClosePatient();
                    patient = PatientDemographicsReader.Read(segment, warnings);
                    notesFor = NoteTarget.None;
                    break;
                case "ORC":
                    CloseReport();
                    pendingOrder = (DataTypeReaders.Text(segment.Field(2).Component(1)), DataTypeReaders.Text(segment.Field(3).Component(1)));
                    notesFor = NoteTarget.None;
                    break;
                case "OBR":
                    CloseReport();
                    report = new ReportBuilder(segment, pendingOrder, warnings);
                    pendingOrder = default;
                    notesFor = NoteTarget.Report;
                    break;
                case "OBX":
                    if (report is null)
                    {
                        throw new Hl7FormatException(Hl7ErrorKind.SegmentSequence, "an OBX must follow an OBR in ORU^R01", segment.Offset, segment.Location());
                    }
                    report.Observations.Add((ObservationReader.Read(segment, report.ObservedAt, warnings), null));
                    notesFor = NoteTarget.LastObservation;
                    break;
                case "NTE" when notesFor != NoteTarget.None && DataTypeReaders.Text(segment.Field(3)) is { } note:
                    (notesFor == NoteTarget.Report ? report!.Notes : report!.NotesOfLastObservation()).Add(note);
                    break;
                default:
                    // PD1, PV1, SPM, TQ1, CTI, Z-segments…: not part of the result mapping.
                    break;
            }
        }
        ClosePatient();
        return new LabResultMessage(header, patients, warnings);
    }

    private enum NoteTarget
    {
        None,
        Report,
        LastObservation,
    }

    private sealed class ReportBuilder(Hl7Segment obr, (string? Placer, string? Filler) order, List<Hl7MappingWarning> warnings)
    {
        public Hl7Timestamp? ObservedAt { get; } = DataTypeReaders.Timestamp(obr, 7, "OBR-7 (observation date/time)", warnings);
        public List<string> Notes { get; } = [];
        public List<(Observation Observation, List<string>? Notes)> Observations { get; } = [];

        public List<string> NotesOfLastObservation()
        {
            var (observation, notes) = Observations[^1];
            if (notes is null)
            {
                notes = [];
                Observations[^1] = (observation, notes);
            }
            return notes;
        }

        public ObservationReport Build() => new(
            DataTypeReaders.Text(obr.Field(2).Component(1)) ?? order.Placer,
            DataTypeReaders.Text(obr.Field(3).Component(1)) ?? order.Filler,
            DataTypeReaders.Coded(obr.Field(4)),
            ObservedAt,
            DataTypeReaders.Text(obr.Field(25)),
            Notes,
            Observations.ConvertAll(o => o.Notes is { Count: > 0 } notes ? o.Observation with { Notes = notes } : o.Observation),
            obr.Location());
    }
}
