using System.Buffers.Binary;
using System.Text;
using MedicalHub.Content.Formats.Dicom;

namespace MedicalHub.Content.Formats.Tests.Dicom;

public class DicomFormatErrorTests(DicomCorpus corpus)
{
    private static readonly DicomReadOptions Collect = new() { CollectElements = true };

    private static DicomFormatException Refuse(byte[] bytes) =>
        Assert.Throws<DicomFormatException>(() => DicomFileReader.Read(new MemoryStream(bytes)));

    private (byte[] Bytes, IReadOnlyList<DicomElement> Elements) Load(string name)
    {
        var path = corpus.Get(name).Path;
        return (File.ReadAllBytes(path), DicomFileReader.Read(path, Collect).Elements!);
    }

    private static DicomElement Find(IReadOnlyList<DicomElement> elements, ushort group, ushort element, int depth = 0) =>
        elements.First(e => e.Tag == new DicomTag(group, element) && e.Depth == depth);

    [Fact]
    public void A_file_without_DICM_after_the_preamble_is_refused_at_byte_128()
    {
        var (bytes, _) = Load("explicit-defined-lengths");
        "DICN"u8.CopyTo(bytes.AsSpan(128));

        var error = Refuse(bytes);

        Assert.Equal(DicomErrorKind.MissingPrefix, error.Kind);
        Assert.Equal(128, error.Offset);
        Assert.Contains("not a DICOM Part 10 file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(131)]
    public void A_file_shorter_than_preamble_and_prefix_is_refused_as_truncated(int length)
    {
        var (bytes, _) = Load("explicit-defined-lengths");

        Assert.Equal(DicomErrorKind.Truncated, Refuse(bytes[..length]).Kind);
    }

    [Fact]
    public void A_file_cut_inside_an_element_header_is_refused_at_that_element()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var name = Find(elements, 0x0010, 0x0010);

        var error = Refuse(bytes[..(int)(name.Offset + 5)]);

        Assert.Equal(DicomErrorKind.Truncated, error.Kind);
        Assert.Equal(name.Offset, error.Offset);
    }

    [Fact]
    public void A_file_cut_inside_the_file_meta_information_is_refused()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var transferSyntax = Find(elements, 0x0002, 0x0010);

        var error = Refuse(bytes[..(int)(transferSyntax.Offset + 12)]);

        Assert.Equal(DicomErrorKind.LyingLength, error.Kind);
        Assert.Equal(DicomTag.TransferSyntaxUid, error.Tag);
    }

    [Fact]
    public void A_file_cut_inside_the_pixel_data_is_refused_naming_the_pixel_data_length()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var pixels = Find(elements, 0x7FE0, 0x0010);

        var error = Refuse(bytes[..^100]);

        Assert.Equal(DicomErrorKind.LyingLength, error.Kind);
        Assert.Equal(pixels.Offset, error.Offset);
        Assert.Equal(DicomTag.PixelData, error.Tag);
        Assert.Contains($"declares {pixels.Length} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_length_beyond_the_end_of_the_file_is_refused_as_a_lying_length()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var name = Find(elements, 0x0010, 0x0010);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)name.Offset + 6), 0xFFF0);

        var error = Refuse(bytes);

        Assert.Equal(DicomErrorKind.LyingLength, error.Kind);
        Assert.Equal(name.Offset, error.Offset);
        Assert.Equal(new DicomTag(0x0010, 0x0010), error.Tag);
        Assert.Equal($"DICOM: at byte {name.Offset}, (0010,0010): the value declares 65520 bytes but the file has {bytes.Length - name.Offset - 8} left", error.Message);
    }

    [Fact]
    public void A_4_GB_pixel_data_length_is_refused_without_reading_or_allocating()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var pixels = Find(elements, 0x7FE0, 0x0010);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)pixels.Offset + 8), 0xFFFFFFF0);

        DicomFormatException? error = null;
        var allocated = DicomFileReaderTests.AllocatedBy(() => error = Refuse(bytes));

        Assert.Equal(DicomErrorKind.LyingLength, error!.Kind);
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_shorter_length_that_misaligns_what_follows_is_refused_where_the_misalignment_shows()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var description = Find(elements, 0x0008, 0x1030);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)description.Offset + 6), (ushort)(description.Length!.Value - 4));

        var error = Refuse(bytes);

        Assert.True(error.Kind is DicomErrorKind.InvalidVr or DicomErrorKind.OutOfOrder, error.Message);
        Assert.Equal(description.Offset + 8 + description.Length.Value - 4, error.Offset - (error.Kind == DicomErrorKind.InvalidVr ? 4 : 0));
        Assert.Contains("a preceding length is probably wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Elements_out_of_ascending_tag_order_are_refused_naming_both_tags()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var patientId = Find(elements, 0x0010, 0x0020);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)patientId.Offset), 0x0008);

        var error = Refuse(bytes);

        Assert.Equal(DicomErrorKind.OutOfOrder, error.Kind);
        Assert.Equal(patientId.Offset, error.Offset);
        Assert.Equal(new DicomTag(0x0008, 0x0020), error.Tag);
        Assert.Contains("follows (0010,0010)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_element_longer_than_its_item_is_refused_as_a_lying_length()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var nested = Find(elements, 0x0040, 0x0007, depth: 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)nested.Offset + 6), 2000);

        var error = Refuse(bytes);

        Assert.Equal(DicomErrorKind.LyingLength, error.Kind);
        Assert.Equal(nested.Offset, error.Offset);
        Assert.Contains("its item has", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_item_longer_than_its_sequence_is_refused_as_a_lying_length()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var sequence = Find(elements, 0x0040, 0x0275);
        var itemOffset = (int)sequence.Offset + 12;
        Assert.Equal(DicomTag.Item, new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(itemOffset)), BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(itemOffset + 2))));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(itemOffset + 4), (uint)sequence.Length!.Value);

        var error = Refuse(bytes);

        Assert.Equal(DicomErrorKind.LyingLength, error.Kind);
        Assert.Equal(itemOffset, error.Offset);
        Assert.Contains("its sequence has", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequence_of_undefined_length_that_is_never_closed_is_refused_as_truncated()
    {
        var (bytes, elements) = Load("explicit-undefined-lengths");
        var inside = Find(elements, 0x0008, 0x0100, depth: 2);

        var error = Refuse(bytes[..(int)(inside.Offset + 8 + inside.Length!.Value)]);

        Assert.Equal(DicomErrorKind.Truncated, error.Kind);
        Assert.Equal(inside.Offset + 8 + inside.Length!.Value, error.Offset);
        Assert.Contains($"the sequence that starts at byte {Find(elements, 0x0040, 0x0008, depth: 1).Offset}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_implicit_VR_length_beyond_the_file_is_refused_as_a_lying_length()
    {
        var (bytes, elements) = Load("implicit-defined-lengths");
        var modality = Find(elements, 0x0008, 0x0060);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)modality.Offset + 4), 0x7FFFFFF0);

        var error = Refuse(bytes);

        Assert.Equal(DicomErrorKind.LyingLength, error.Kind);
        Assert.Equal(modality.Offset, error.Offset);
    }

    [Fact]
    public void A_delimiter_among_the_dataset_elements_is_refused()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var modality = Find(elements, 0x0008, 0x0060);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)modality.Offset), 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)modality.Offset + 2), 0xE0DD);

        var error = Refuse(bytes);

        Assert.Equal(DicomErrorKind.InvalidStructure, error.Kind);
        Assert.Equal(modality.Offset, error.Offset);
    }

    [Fact]
    public void The_meta_information_must_name_a_transfer_syntax()
    {
        var (bytes, elements) = Load("explicit-defined-lengths");
        var transferSyntax = Find(elements, 0x0002, 0x0010);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)transferSyntax.Offset + 2), 0x0011);

        Assert.Equal(DicomErrorKind.MissingTransferSyntax, Refuse(bytes).Kind);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_and_up_to_it_is_read()
    {
        var deep = Nested(corpus.Directory, 40);
        var shallow = Nested(corpus.Directory, 20);

        var error = Assert.Throws<DicomFormatException>(() => DicomFileReader.Read(deep));
        var header = DicomFileReader.Read(shallow, Collect);

        Assert.Equal(DicomErrorKind.TooDeep, error.Kind);
        Assert.Equal(20, header.Elements!.Max(e => e.Depth));
        Assert.Equal("deepest", header.Elements!.Single(e => e.Depth == 20 && e.Tag == new DicomTag(0x0040, 0x0007)).Value);
    }

    private static string Nested(string directory, int depth)
    {
        var dump = new StringBuilder("(0002,0010) UI =LittleEndianExplicit\n(0008,0060) CS [OT]\n");
        for (var i = 0; i < depth; i++)
        {
            dump.Append(' ', 2 * i).Append("(0040,0275) SQ (Sequence with undefined length)\n");
            dump.Append(' ', 2 * i).Append("(fffe,e000) na (Item with undefined length)\n");
        }
        dump.Append("(0040,0007) LO [deepest]\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            dump.Append("(fffe,e00d) na (ItemDelimitationItem)\n(fffe,e0dd) na (SequenceDelimitationItem)\n");
        }
        var dumpPath = Path.Combine(directory, $"nested-{depth}.dump");
        File.WriteAllText(dumpPath, dump.ToString());
        var path = Path.Combine(directory, $"nested-{depth}.dcm");
        Dcmtk.Run("dump2dcm", directory, null, "+te", "-e", dumpPath, path);
        return path;
    }

    [Fact]
    public void An_extracted_attribute_longer_than_1_KiB_is_refused()
    {
        var dumpPath = Path.Combine(corpus.Directory, "long-name.dump");
        File.WriteAllText(dumpPath, $"(0002,0010) UI =LittleEndianExplicit\n(0010,0010) PN [{new string('A', 2000)}]\n");
        var path = Path.Combine(corpus.Directory, "long-name.dcm");
        Dcmtk.Run("dump2dcm", corpus.Directory, null, "+te", dumpPath, path);

        var error = Assert.Throws<DicomFormatException>(() => DicomFileReader.Read(path));

        Assert.Equal(DicomErrorKind.ValueTooLong, error.Kind);
        Assert.Equal(new DicomTag(0x0010, 0x0010), error.Tag);
    }

    [Fact]
    public void An_undefined_length_UN_is_read_as_an_implicit_VR_sequence()
    {
        // CP-246: what a sender that did not know a private sequence writes when it converts implicit VR to explicit VR.
        var (bytes, elements) = Load("explicit-defined-lengths");
        var patientName = Find(elements, 0x0010, 0x0010);
        var unknown = new List<byte>();
        void Add(ReadOnlySpan<byte> b) => unknown.AddRange(b.ToArray());
        void U16(ushort v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); Add(b); }
        void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); Add(b); }
        U16(0x0009); U16(0x1002); Add("UN"u8); U16(0); U32(0xFFFFFFFF);           // (0009,1002) UN, undefined length
        U16(0xFFFE); U16(0xE000); U32(0xFFFFFFFF);                               // item, undefined length
        U16(0x0009); U16(0x1003); U32(4); Add("ab  "u8);                        // implicit VR element inside
        U16(0xFFFE); U16(0xE00D); U32(0);                                        // item delimiter
        U16(0xFFFE); U16(0xE0DD); U32(0);                                        // sequence delimiter
        // Inserted right before Patient's Name: after the private creator (0009,0010) and value (0009,1001), before group 0010.
        var rebuilt = bytes[..(int)patientName.Offset].Concat(unknown).Concat(bytes[(int)patientName.Offset..]).ToArray();

        var header = DicomFileReader.Read(new MemoryStream(rebuilt), Collect);

        Assert.Equal("Durand^Émilie^Anne^Mme", header.PatientName!.Raw);
        var inner = header.Elements!.Single(e => e.Tag == new DicomTag(0x0009, 0x1003));
        Assert.Equal(1, inner.Depth);
        Assert.Null(inner.Vr);
        Assert.Equal(4, inner.Length);
    }
}
