namespace MedicalHub.Content.Formats.Dicom;

/// <summary>Value representations: how each is encoded, as far as reading a header needs.</summary>
internal static class DicomVr
{
    private static readonly string[] Known =
    [
        "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN",
        "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
    ];

    private static readonly Dictionary<ushort, string> ByCode = Known.ToDictionary(vr => (ushort)(vr[0] | vr[1] << 8));

    /// <summary>The VR as a shared string (no allocation for the VRs of the standard).</summary>
    public static string Intern(ReadOnlySpan<byte> bytes) =>
        ByCode.TryGetValue((ushort)(bytes[0] | bytes[1] << 8), out var vr) ? vr : string.Create(2, (bytes[0], bytes[1]), (span, b) => { span[0] = (char)b.Item1; span[1] = (char)b.Item2; });

    /// <summary>
    /// Whether an explicit VR element of this VR has 2 reserved bytes and a 4-byte length (PS3.5 7.1.2). VRs the
    /// standard may add later take this form too, so an unknown VR does.
    /// </summary>
    public static bool HasLongLength(string vr) => vr switch
    {
        "AE" or "AS" or "AT" or "CS" or "DA" or "DS" or "DT" or "FD" or "FL" or "IS" or "LO" or "LT" or "PN" or "SH" or "SL"
            or "SS" or "ST" or "TM" or "UI" or "UL" or "US" => false,
        _ => true,
    };

    /// <summary>Whether values of this VR are character strings.</summary>
    public static bool IsText(string vr) => vr is "AE" or "AS" or "CS" or "DA" or "DS" or "DT" or "IS" or "LO" or "LT" or "PN" or "SH" or "ST" or "TM" or "UC" or "UI" or "UR" or "UT";

    /// <summary>Whether values of this VR are 16- or 32-bit integers.</summary>
    public static bool IsBinaryInteger(string? vr) => vr is "US" or "SS" or "UL" or "SL";
}
