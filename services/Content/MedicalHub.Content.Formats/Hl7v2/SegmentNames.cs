namespace MedicalHub.Content.Formats.Hl7v2;

/// <summary>One string per segment ID seen, so parsing a message allocates no string for its segment names.</summary>
internal static class SegmentNames
{
    private static readonly string[] Known =
    [
        "MSH", "MSA", "ERR", "EVN", "PID", "PD1", "PV1", "PV2", "NK1", "OBR", "OBX", "ORC", "NTE", "SPM", "TQ1", "AL1",
        "DG1", "IN1", "GT1", "ROL", "SFT", "UAC", "FT1", "PR1", "MRG", "TXA", "RXA", "RXO", "RXE", "RXR",
    ];

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Known.ToDictionary(name => name, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<char> id) => Lookup.TryGetValue(id, out var name) ? name : id.ToString();
}
