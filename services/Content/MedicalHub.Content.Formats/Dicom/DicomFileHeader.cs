namespace MedicalHub.Content.Formats.Dicom;

/// <summary>Whether the dataset was read.</summary>
public enum DicomReadStatus
{
    /// <summary>The file meta information and the dataset header were read.</summary>
    Read,
    /// <summary>
    /// The file meta information was read, the dataset was not: its transfer syntax is deflated, big endian or private
    /// (<see cref="DicomFileHeader.UnsupportedReason"/> says which). The meta group's SOP class and instance UIDs are still set.
    /// </summary>
    UnsupportedTransferSyntax,
}

/// <summary>
/// What <see cref="DicomFileReader"/> reads from a DICOM Part 10 file: the file meta information and the attributes
/// that identify and group the instance (patient, study, series, instance), and where the pixel data lies (never read).
/// Text attributes are as stored, trailing padding (spaces, NUL) removed, decoded with the file's specific character
/// set; an attribute that is absent or empty is null.
/// </summary>
public sealed class DicomFileHeader
{
    /// <summary>Whether the dataset was read.</summary>
    public required DicomReadStatus Status { get; init; }

    /// <summary>Why the dataset was not read, when <see cref="Status"/> is <see cref="DicomReadStatus.UnsupportedTransferSyntax"/>.</summary>
    public string? UnsupportedReason { get; init; }

    /// <summary>The file meta information (group 0002).</summary>
    public required DicomFileMeta Meta { get; init; }

    /// <summary>(0002,0010) Transfer Syntax UID.</summary>
    public string TransferSyntaxUid => Meta.TransferSyntaxUid;

    /// <summary>(0008,0016) SOP Class UID (what kind of object: CT Image Storage…), else the meta group's (0002,0002).</summary>
    public string? SopClassUid { get; init; }

    /// <summary>(0008,0018) SOP Instance UID, the instance's identity, else the meta group's (0002,0003).</summary>
    public string? SopInstanceUid { get; init; }

    /// <summary>(0008,0005) Specific Character Set as stored (null: the default repertoire, ASCII).</summary>
    public string? SpecificCharacterSet { get; init; }

    /// <summary>(0010,0010) Patient's Name.</summary>
    public DicomPersonName? PatientName { get; init; }

    /// <summary>(0010,0020) Patient ID.</summary>
    public string? PatientId { get; init; }

    /// <summary>(0010,0021) Issuer of Patient ID (the assigning authority of <see cref="PatientId"/>).</summary>
    public string? IssuerOfPatientId { get; init; }

    /// <summary>(0010,0030) Patient's Birth Date.</summary>
    public DateOnly? PatientBirthDate { get; init; }

    /// <summary>(0010,0040) Patient's Sex (M, F, O).</summary>
    public string? PatientSex { get; init; }

    /// <summary>(0020,000D) Study Instance UID: instances with the same value are one study.</summary>
    public string? StudyInstanceUid { get; init; }

    /// <summary>(0020,000E) Series Instance UID: instances with the same value are one series of the study.</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>(0020,0010) Study ID.</summary>
    public string? StudyId { get; init; }

    /// <summary>(0020,0011) Series Number.</summary>
    public int? SeriesNumber { get; init; }

    /// <summary>(0020,0013) Instance Number.</summary>
    public int? InstanceNumber { get; init; }

    /// <summary>(0008,0060) Modality (CT, MR, US, CR, DX…).</summary>
    public string? Modality { get; init; }

    /// <summary>(0008,0020) Study Date.</summary>
    public DateOnly? StudyDate { get; init; }

    /// <summary>(0008,0030) Study Time.</summary>
    public TimeOnly? StudyTime { get; init; }

    /// <summary>(0008,0050) Accession Number.</summary>
    public string? AccessionNumber { get; init; }

    /// <summary>(0008,1030) Study Description.</summary>
    public string? StudyDescription { get; init; }

    /// <summary>(0008,103E) Series Description.</summary>
    public string? SeriesDescription { get; init; }

    /// <summary>Where the top-level (7FE0,0010) Pixel Data is, when there is one. Its bytes are skipped, never read.</summary>
    public DicomPixelData? PixelData { get; init; }

    /// <summary>Every element visited, in file order, when <see cref="DicomReadOptions.CollectElements"/> was set; else null.</summary>
    public IReadOnlyList<DicomElement>? Elements { get; init; }

    /// <summary>What was read leniently (a malformed date, an unsupported character set read as Latin-1…).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}

/// <summary>The file meta information, group 0002 (always explicit VR little endian).</summary>
/// <param name="TransferSyntaxUid">(0002,0010), how the dataset is encoded.</param>
/// <param name="MediaStorageSopClassUid">(0002,0002).</param>
/// <param name="MediaStorageSopInstanceUid">(0002,0003).</param>
/// <param name="ImplementationClassUid">(0002,0012), the software that wrote the file.</param>
/// <param name="ImplementationVersionName">(0002,0013).</param>
/// <param name="SourceApplicationEntityTitle">(0002,0016).</param>
/// <param name="DatasetOffset">Byte offset where the dataset begins.</param>
public sealed record DicomFileMeta(string TransferSyntaxUid, string? MediaStorageSopClassUid, string? MediaStorageSopInstanceUid, string? ImplementationClassUid,
    string? ImplementationVersionName, string? SourceApplicationEntityTitle, long DatasetOffset);

/// <summary>A person name (VR PN): up to three component groups (alphabetic=ideographic=phonetic) of <c>family^given^middle^prefix^suffix</c>.</summary>
/// <param name="Raw">The value as stored.</param>
public sealed record DicomPersonName(string Raw)
{
    private string[] Alphabetic => Raw.Split('=')[0].Split('^');

    /// <summary>Family name of the alphabetic group.</summary>
    public string? Family => Component(0);
    /// <summary>Given name of the alphabetic group.</summary>
    public string? Given => Component(1);
    /// <summary>Middle name of the alphabetic group.</summary>
    public string? Middle => Component(2);
    /// <summary>Prefix of the alphabetic group.</summary>
    public string? Prefix => Component(3);
    /// <summary>Suffix of the alphabetic group.</summary>
    public string? Suffix => Component(4);
    /// <summary>The ideographic group (e.g. kanji), when stored.</summary>
    public string? Ideographic => Raw.Split('=') is { Length: > 1 } groups && groups[1].Length > 0 ? groups[1] : null;
    /// <summary>The phonetic group, when stored.</summary>
    public string? Phonetic => Raw.Split('=') is { Length: > 2 } groups && groups[2].Length > 0 ? groups[2] : null;

    private string? Component(int index)
    {
        var parts = Alphabetic;
        return index < parts.Length && parts[index].Trim().Length > 0 ? parts[index].Trim() : null;
    }

    /// <inheritdoc />
    public override string ToString() => Raw;
}

/// <summary>Where the pixel data lies in the file.</summary>
/// <param name="Offset">Byte offset of the (7FE0,0010) element's header.</param>
/// <param name="ValueOffset">Byte offset of its value.</param>
/// <param name="Length">The value's length; null for encapsulated (compressed) pixel data, whose length is undefined.</param>
/// <param name="Fragments">For encapsulated pixel data, the number of items after the basic offset table (the compressed fragments).</param>
public sealed record DicomPixelData(long Offset, long ValueOffset, long? Length, int? Fragments);

/// <summary>One element visited by the reader (see <see cref="DicomReadOptions.CollectElements"/>).</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Vr">The value representation as stored; null in implicit VR, which stores none.</param>
/// <param name="Offset">Byte offset of the element's header.</param>
/// <param name="Length">The value length; null when undefined (a sequence, or encapsulated pixel data).</param>
/// <param name="Depth">0 for the dataset's own elements, 1 inside an item of a top-level sequence, and so on.</param>
/// <param name="Value">
/// For text VRs up to <see cref="DicomReadOptions.MaxCollectedValueLength"/> bytes, the value (trailing padding removed);
/// for US, SS, UL, SL the numbers separated by <c>\</c>; else null.
/// </param>
public sealed record DicomElement(DicomTag Tag, string? Vr, long Offset, long? Length, int Depth, string? Value);

/// <summary>Options of <see cref="DicomFileReader"/>.</summary>
public sealed record DicomReadOptions
{
    /// <summary>The default options.</summary>
    public static DicomReadOptions Default { get; } = new();

    /// <summary>List every element visited in <see cref="DicomFileHeader.Elements"/> (for diagnostics and tests; it costs memory per element).</summary>
    public bool CollectElements { get; init; }

    /// <summary>Longest value that <see cref="CollectElements"/> decodes (at most 1 KiB, the reader's limit for any value it reads).</summary>
    public int MaxCollectedValueLength { get; init; } = 1024;

    /// <summary>Deepest sequence nesting followed; deeper is refused.</summary>
    public int MaxSequenceDepth { get; init; } = 32;
}
