using System.Text;
using MedicalHub.Content.Formats.Dicom;

[assembly: AssemblyFixture(typeof(MedicalHub.Content.Formats.Tests.Dicom.DicomCorpus))]

namespace MedicalHub.Content.Formats.Tests.Dicom;

/// <summary>One file of the corpus and what it was made with.</summary>
public sealed record CorpusFile(string Name, string Path, string TransferSyntaxUid, Encoding TextEncoding, bool NestedElementsVisible, long PixelDataLength);

/// <summary>
/// DICOM files written by dcmtk for this test run (dump2dcm from text dumps, then dcmcrle and dcmcjpeg for
/// encapsulated pixel data), across transfer syntaxes, with sequences of defined and undefined length.
/// </summary>
public sealed class DicomCorpus : IDisposable
{
    public const string StudyUid = "1.2.826.0.1.3680043.8.498.10";
    public const string SeriesUid = "1.2.826.0.1.3680043.8.498.11";
    public const string InstanceUid = "1.2.826.0.1.3680043.8.498.12";
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    public const int Rows = 64;
    public const int Columns = 64;

    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly Dictionary<string, CorpusFile> _files = [];

    public DicomCorpus()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("medicalhub-dicom-corpus-").FullName;
        WritePixels("pixels.raw", Rows * Columns);
        WritePixels("large.raw", 2048 * 2048);
        File.WriteAllText(System.IO.Path.Combine(Directory, "ct.dump"), CtDump("pixels.raw", Rows, Columns), Utf8WithoutBom);
        File.WriteAllText(System.IO.Path.Combine(Directory, "large.dump"), CtDump("large.raw", 2048, 2048), Utf8WithoutBom);
        File.WriteAllText(System.IO.Path.Combine(Directory, "mr.dump"), MrDump, Encoding.Latin1);

        Add("explicit-defined-lengths", "ct.dump", TransferSyntax.ExplicitVrLittleEndian, Encoding.UTF8, nested: true, Rows * Columns * 2, "+te", "+e");
        Add("explicit-undefined-lengths", "ct.dump", TransferSyntax.ExplicitVrLittleEndian, Encoding.UTF8, nested: true, Rows * Columns * 2, "+te", "-e");
        // Implicit VR stores no VR: a sequence of defined length cannot be told from any other value, so its items are stepped over.
        Add("implicit-defined-lengths", "ct.dump", TransferSyntax.ImplicitVrLittleEndian, Encoding.UTF8, nested: false, Rows * Columns * 2, "+ti", "+e");
        Add("implicit-undefined-lengths", "ct.dump", TransferSyntax.ImplicitVrLittleEndian, Encoding.UTF8, nested: true, Rows * Columns * 2, "+ti", "-e");
        Add("latin1-explicit", "mr.dump", TransferSyntax.ExplicitVrLittleEndian, Encoding.Latin1, nested: true, Rows * Columns * 2, "+te", "-e");
        Add("big-endian", "ct.dump", TransferSyntax.ExplicitVrBigEndian, Encoding.UTF8, nested: true, Rows * Columns * 2, "+tb");
        Add("deflated", "ct.dump", TransferSyntax.DeflatedExplicitVrLittleEndian, Encoding.UTF8, nested: true, Rows * Columns * 2, "+td");
        Add("large-pixel-data", "large.dump", TransferSyntax.ExplicitVrLittleEndian, Encoding.UTF8, nested: true, 2048 * 2048 * 2, "+te", "-e");

        var source = Get("explicit-undefined-lengths").Path;
        Dcmtk.Run("dcmcrle", Directory, null, source, System.IO.Path.Combine(Directory, "rle.dcm"));
        _files["rle-encapsulated"] = new CorpusFile("rle-encapsulated", System.IO.Path.Combine(Directory, "rle.dcm"), "1.2.840.10008.1.2.5", Encoding.UTF8, true, -1);
        Dcmtk.Run("dcmcjpeg", Directory, null, source, System.IO.Path.Combine(Directory, "jpeg.dcm"));
        _files["jpeg-lossless-encapsulated"] = new CorpusFile("jpeg-lossless-encapsulated", System.IO.Path.Combine(Directory, "jpeg.dcm"), "1.2.840.10008.1.2.4.70", Encoding.UTF8, true, -1);
    }

    public string Directory { get; }

    public IEnumerable<CorpusFile> Files => _files.Values;

    public CorpusFile Get(string name) => _files[name];

    /// <summary>The names of the corpus files, for theories.</summary>
    public static TheoryData<string> Names =>
    [
        "explicit-defined-lengths", "explicit-undefined-lengths", "implicit-defined-lengths", "implicit-undefined-lengths", "latin1-explicit",
        "big-endian", "deflated", "large-pixel-data", "rle-encapsulated", "jpeg-lossless-encapsulated",
    ];

    private void Add(string name, string dump, string transferSyntax, Encoding encoding, bool nested, long pixelLength, params string[] options)
    {
        var path = System.IO.Path.Combine(Directory, name + ".dcm");
        Dcmtk.Run("dump2dcm", Directory, null, [.. options, dump, path]);
        if (!File.Exists(path)) throw new InvalidOperationException($"dump2dcm wrote no {path}");
        _files[name] = new CorpusFile(name, path, transferSyntax, encoding, nested, pixelLength);
    }

    private void WritePixels(string name, int count)
    {
        var bytes = new byte[count * 2];
        for (var i = 0; i < count; i++)
        {
            var value = (ushort)((i * 7 + i / Columns * 13) % 4096);
            bytes[2 * i] = (byte)value;
            bytes[2 * i + 1] = (byte)(value >> 8);
        }
        File.WriteAllBytes(System.IO.Path.Combine(Directory, name), bytes);
    }

    private static string CtDump(string pixels, int rows, int columns) => $"""
        (0002,0002) UI =CTImageStorage
        (0002,0003) UI [{InstanceUid}]
        (0002,0010) UI =LittleEndianExplicit
        (0008,0005) CS [ISO_IR 192]
        (0008,0008) CS [ORIGINAL\PRIMARY\AXIAL]
        (0008,0016) UI =CTImageStorage
        (0008,0018) UI [{InstanceUid}]
        (0008,0020) DA [20261124]
        (0008,0030) TM [083015.123]
        (0008,0050) SH [ACC-0042]
        (0008,0060) CS [CT]
        (0008,0090) PN []
        (0008,1030) LO [Thorax sans injection]
        (0008,103e) LO [Axial 1.25mm]
        (0009,0010) LO [MEDICALHUB TEST]
        (0009,1001) LO [private value]
        (0010,0010) PN [Durand^Émilie^Anne^Mme]
        (0010,0020) LO [MRN0012345]
        (0010,0021) LO [PRACTICE42]
        (0010,0030) DA [19850712]
        (0010,0040) CS [F]
        (0018,0050) DS [1.25]
        (0020,000d) UI [{StudyUid}]
        (0020,000e) UI [{SeriesUid}]
        (0020,0010) SH [S1]
        (0020,0011) IS [3]
        (0020,0013) IS [17]
        (0020,0032) DS [-125.0\-125.0\30.5]
        (0028,0002) US 1
        (0028,0004) CS [MONOCHROME2]
        (0028,0010) US {rows}
        (0028,0011) US {columns}
        (0028,0100) US 16
        (0028,0101) US 12
        (0028,0102) US 11
        (0028,0103) US 0
        (0028,1050) DS [40]
        (0028,1051) DS [400]
        (0040,0275) SQ (Sequence with undefined length)
          (fffe,e000) na (Item with undefined length)
            (0040,0007) LO [Scheduled step]
            (0040,0008) SQ (Sequence with undefined length)
              (fffe,e000) na (Item with undefined length)
                (0008,0100) SH [T-D3000]
                (0008,0102) SH [SRT]
                (0008,0104) LO [Chest]
              (fffe,e00d) na (ItemDelimitationItem)
            (fffe,e0dd) na (SequenceDelimitationItem)
            (0040,1001) SH [RP-1]
          (fffe,e00d) na (ItemDelimitationItem)
          (fffe,e000) na (Item with undefined length)
            (0040,0007) LO [Second step]
          (fffe,e00d) na (ItemDelimitationItem)
        (fffe,e0dd) na (SequenceDelimitationItem)
        (0040,0260) SQ (Sequence with undefined length)
        (fffe,e0dd) na (SequenceDelimitationItem)
        (7fe0,0010) OW ={pixels}
        """;

    private const string MrDump = """
        (0002,0002) UI =MRImageStorage
        (0002,0003) UI [1.2.826.0.1.3680043.8.498.22]
        (0002,0010) UI =LittleEndianExplicit
        (0008,0005) CS [ISO_IR 100]
        (0008,0016) UI =MRImageStorage
        (0008,0018) UI [1.2.826.0.1.3680043.8.498.22]
        (0008,0020) DA [19991231]
        (0008,0030) TM [2359]
        (0008,0060) CS [MR]
        (0008,1030) LO [IRM cérébrale]
        (0010,0010) PN [Müller^Zoë]
        (0010,0020) LO [P-0099]
        (0010,0040) CS [O]
        (0020,000d) UI [1.2.826.0.1.3680043.8.498.20]
        (0020,000e) UI [1.2.826.0.1.3680043.8.498.21]
        (0028,0002) US 1
        (0028,0004) CS [MONOCHROME2]
        (0028,0010) US 64
        (0028,0011) US 64
        (0028,0100) US 16
        (0028,0101) US 12
        (0028,0102) US 11
        (0028,0103) US 0
        (7fe0,0010) OW =pixels.raw
        """;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
