namespace MedicalHub.Content.Formats.Dicom;

/// <summary>How a transfer syntax encodes the dataset, as far as reading its header is concerned.</summary>
public enum DatasetEncoding
{
    /// <summary>Implicit VR little endian (1.2.840.10008.1.2).</summary>
    ImplicitVrLittleEndian,
    /// <summary>Explicit VR little endian: 1.2.840.10008.1.2.1 and every compressed (encapsulated) syntax of the standard.</summary>
    ExplicitVrLittleEndian,
    /// <summary>Not read: explicit VR big endian (retired), deflated explicit VR little endian, or a private transfer syntax.</summary>
    Unsupported,
}

/// <summary>Transfer syntax UIDs and what the reader does with each.</summary>
public static class TransferSyntax
{
    /// <summary>Implicit VR Little Endian, the default.</summary>
    public const string ImplicitVrLittleEndian = "1.2.840.10008.1.2";
    /// <summary>Explicit VR Little Endian.</summary>
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    /// <summary>Deflated Explicit VR Little Endian: the dataset is a zlib (deflate) stream.</summary>
    public const string DeflatedExplicitVrLittleEndian = "1.2.840.10008.1.2.1.99";
    /// <summary>Explicit VR Big Endian (retired since 2006).</summary>
    public const string ExplicitVrBigEndian = "1.2.840.10008.1.2.2";
    /// <summary>JPEG Baseline (Process 1), the usual encapsulated syntax.</summary>
    public const string JpegBaseline = "1.2.840.10008.1.2.4.50";

    /// <summary>How <paramref name="uid"/> encodes its dataset, and why it is not read when it is not.</summary>
    public static (DatasetEncoding Encoding, string? UnsupportedReason) Classify(string uid) => uid switch
    {
        ImplicitVrLittleEndian => (DatasetEncoding.ImplicitVrLittleEndian, null),
        ExplicitVrLittleEndian => (DatasetEncoding.ExplicitVrLittleEndian, null),
        DeflatedExplicitVrLittleEndian => (DatasetEncoding.Unsupported,
            "the dataset is deflate-compressed (Deflated Explicit VR Little Endian); reading it would mean inflating the whole dataset, pixel data included. Convert it (e.g. dcmconv +te) to read its header"),
        ExplicitVrBigEndian => (DatasetEncoding.Unsupported,
            "Explicit VR Big Endian is retired and not read; convert the file (e.g. dcmconv +te) to read its header"),
        _ when uid.StartsWith("1.2.840.10008.1.2.", StringComparison.Ordinal) => (DatasetEncoding.ExplicitVrLittleEndian, null),
        _ => (DatasetEncoding.Unsupported, "a transfer syntax outside the DICOM standard (private): its encoding is unknown"),
    };
}
