using System.Globalization;

namespace MedicalHub.Content.Formats.Dicom;

/// <summary>A DICOM attribute tag, (group,element), written as dcmdump writes it: <c>(0010,0010)</c>.</summary>
public readonly record struct DicomTag(ushort Group, ushort Element)
{
    /// <summary>The tag as one number, group in the high half (the order of elements in a dataset).</summary>
    public uint Value => (uint)Group << 16 | Element;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Group:x4},{Element:x4})");

    internal static DicomTag FromValue(uint value) => new((ushort)(value >> 16), (ushort)value);

    /// <summary>(0002,0010) Transfer Syntax UID.</summary>
    public static readonly DicomTag TransferSyntaxUid = new(0x0002, 0x0010);
    /// <summary>(7FE0,0010) Pixel Data.</summary>
    public static readonly DicomTag PixelData = new(0x7FE0, 0x0010);
    /// <summary>(FFFE,E000) Item.</summary>
    public static readonly DicomTag Item = new(0xFFFE, 0xE000);
    /// <summary>(FFFE,E00D) Item Delimitation Item.</summary>
    public static readonly DicomTag ItemDelimitation = new(0xFFFE, 0xE00D);
    /// <summary>(FFFE,E0DD) Sequence Delimitation Item.</summary>
    public static readonly DicomTag SequenceDelimitation = new(0xFFFE, 0xE0DD);
}
