namespace MedicalHub.Content.Formats.Dicom;

/// <summary>The dataset attributes the reader extracts, by index, with their names and VRs (needed in implicit VR).</summary>
internal static class Extracted
{
    public const int SpecificCharacterSet = 0;
    public const int SopClassUid = 1;
    public const int SopInstanceUid = 2;
    public const int StudyDate = 3;
    public const int StudyTime = 4;
    public const int AccessionNumber = 5;
    public const int Modality = 6;
    public const int StudyDescription = 7;
    public const int SeriesDescription = 8;
    public const int PatientName = 9;
    public const int PatientId = 10;
    public const int IssuerOfPatientId = 11;
    public const int PatientBirthDate = 12;
    public const int PatientSex = 13;
    public const int StudyInstanceUid = 14;
    public const int SeriesInstanceUid = 15;
    public const int StudyId = 16;
    public const int SeriesNumber = 17;
    public const int InstanceNumber = 18;
    public const int Count = 19;

    private static readonly (uint Tag, string Vr, string Name)[] Attributes =
    [
        (0x00080005, "CS", "(0008,0005) Specific Character Set"),
        (0x00080016, "UI", "(0008,0016) SOP Class UID"),
        (0x00080018, "UI", "(0008,0018) SOP Instance UID"),
        (0x00080020, "DA", "(0008,0020) Study Date"),
        (0x00080030, "TM", "(0008,0030) Study Time"),
        (0x00080050, "SH", "(0008,0050) Accession Number"),
        (0x00080060, "CS", "(0008,0060) Modality"),
        (0x00081030, "LO", "(0008,1030) Study Description"),
        (0x0008103E, "LO", "(0008,103E) Series Description"),
        (0x00100010, "PN", "(0010,0010) Patient's Name"),
        (0x00100020, "LO", "(0010,0020) Patient ID"),
        (0x00100021, "LO", "(0010,0021) Issuer of Patient ID"),
        (0x00100030, "DA", "(0010,0030) Patient's Birth Date"),
        (0x00100040, "CS", "(0010,0040) Patient's Sex"),
        (0x0020000D, "UI", "(0020,000D) Study Instance UID"),
        (0x0020000E, "UI", "(0020,000E) Series Instance UID"),
        (0x00200010, "SH", "(0020,0010) Study ID"),
        (0x00200011, "IS", "(0020,0011) Series Number"),
        (0x00200013, "IS", "(0020,0013) Instance Number"),
    ];

    public static int IndexOf(DicomTag tag)
    {
        var value = tag.Value;
        if (value < 0x00080005 || value > 0x00200013) return -1;
        for (var i = 0; i < Attributes.Length; i++)
        {
            if (Attributes[i].Tag == value) return i;
        }
        return -1;
    }

    public static string Name(int index) => Attributes[index].Name;

    /// <summary>The VR of an extracted attribute (what implicit VR leaves unsaid), or null for any other tag.</summary>
    public static string? ImplicitVr(DicomTag tag) => IndexOf(tag) is var i and >= 0 ? Attributes[i].Vr : null;
}
