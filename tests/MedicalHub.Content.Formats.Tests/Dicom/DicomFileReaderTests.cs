using MedicalHub.Content.Formats.Dicom;

namespace MedicalHub.Content.Formats.Tests.Dicom;

public class DicomFileReaderTests(DicomCorpus corpus)
{
    private static readonly DicomReadOptions Collect = new() { CollectElements = true };

    [Theory]
    [MemberData(nameof(DicomCorpus.Names), MemberType = typeof(DicomCorpus))]
    public void Agrees_with_dcmdump_element_by_element(string name)
    {
        var file = corpus.Get(name);
        var header = DicomFileReader.Read(file.Path, Collect);
        var dump = DcmDump.Read(file.Path, file.TextEncoding).Where(line => !line.IsItemOrDelimiter).ToList();
        if (header.Status == DicomReadStatus.UnsupportedTransferSyntax) dump = dump.Where(line => line.Group == 0x0002).ToList();
        if (!file.NestedElementsVisible) dump = dump.Where(line => line.Depth == 0).ToList();
        var ours = header.Elements!;

        Assert.Equal(dump.Select(line => $"{new DicomTag(line.Group, line.Element)}@{line.Depth}"), ours.Select(element => $"{element.Tag}@{element.Depth}"));
        var comparedValues = 0;
        for (var i = 0; i < dump.Count; i++)
        {
            var (expected, actual) = (dump[i], ours[i]);
            var where = $"element {i} {actual.Tag}";
            Assert.True(new DicomTag(expected.Group, expected.Element) == actual.Tag, $"{where}: dcmdump has ({expected.Group:x4},{expected.Element:x4})");
            Assert.True(expected.Depth == actual.Depth, $"{where}: depth {actual.Depth}, dcmdump {expected.Depth}");
            Assert.True(expected.Length == actual.Length, $"{where}: length {actual.Length}, dcmdump {expected.Length}");
            if (actual.Vr is not null) Assert.True(expected.Vr == actual.Vr, $"{where}: VR {actual.Vr}, dcmdump {expected.Vr}");
            if (actual.Value is not null)
            {
                Assert.True(expected.Value == actual.Value, $"{where}: value '{actual.Value}', dcmdump '{expected.Value}'");
                comparedValues++;
            }
            else if (actual.Vr is not null && expected.Value is not null && actual.Length <= 1024)
            {
                Assert.Fail($"{where}: dcmdump shows the value '{expected.Value}', the reader none");
            }
        }
        // Values are compared for every text or integer element in explicit VR, and for the extracted ones in implicit VR.
        Assert.True(comparedValues >= (header.Status == DicomReadStatus.Read ? 20 : 5), $"only {comparedValues} values compared");
    }

    [Theory]
    [InlineData("explicit-defined-lengths")]
    [InlineData("explicit-undefined-lengths")]
    [InlineData("implicit-defined-lengths")]
    [InlineData("implicit-undefined-lengths")]
    [InlineData("large-pixel-data")]
    [InlineData("rle-encapsulated")]
    [InlineData("jpeg-lossless-encapsulated")]
    public void Extracts_the_identifying_attributes_in_every_readable_transfer_syntax(string name)
    {
        var file = corpus.Get(name);

        var header = DicomFileReader.Read(file.Path);

        Assert.Equal(DicomReadStatus.Read, header.Status);
        Assert.Equal(file.TransferSyntaxUid, header.TransferSyntaxUid);
        Assert.Equal(DicomCorpus.CtImageStorage, header.SopClassUid);
        Assert.Equal(DicomCorpus.InstanceUid, header.SopInstanceUid);
        Assert.Equal(DicomCorpus.StudyUid, header.StudyInstanceUid);
        Assert.Equal(DicomCorpus.SeriesUid, header.SeriesInstanceUid);
        Assert.Equal("Durand^Émilie^Anne^Mme", header.PatientName!.Raw);
        Assert.Equal(("Durand", "Émilie", "Anne", "Mme"), (header.PatientName.Family, header.PatientName.Given, header.PatientName.Middle, header.PatientName.Prefix));
        Assert.Equal("MRN0012345", header.PatientId);
        Assert.Equal("PRACTICE42", header.IssuerOfPatientId);
        Assert.Equal(new DateOnly(1985, 7, 12), header.PatientBirthDate);
        Assert.Equal("F", header.PatientSex);
        Assert.Equal("CT", header.Modality);
        Assert.Equal(new DateOnly(2026, 11, 24), header.StudyDate);
        Assert.Equal(new TimeOnly(8, 30, 15, 123), header.StudyTime);
        Assert.Equal("ACC-0042", header.AccessionNumber);
        Assert.Equal("Thorax sans injection", header.StudyDescription);
        Assert.Equal("Axial 1.25mm", header.SeriesDescription);
        Assert.Equal("S1", header.StudyId);
        Assert.Equal(3, header.SeriesNumber);
        Assert.Equal(17, header.InstanceNumber);
        Assert.Equal("ISO_IR 192", header.SpecificCharacterSet);
        Assert.Equal("1.2.276.0.7230010.3.0.3.6.7", header.Meta.ImplementationClassUid);
        Assert.Null(header.Elements);
        Assert.Empty(header.Warnings);
    }

    [Fact]
    public void Records_where_native_and_encapsulated_pixel_data_lie_without_reading_them()
    {
        var native = DicomFileReader.Read(corpus.Get("large-pixel-data").Path);
        var rle = DicomFileReader.Read(corpus.Get("rle-encapsulated").Path);

        var fileLength = new FileInfo(corpus.Get("large-pixel-data").Path).Length;
        Assert.Equal(2048L * 2048 * 2, native.PixelData!.Length);
        Assert.Equal(fileLength, native.PixelData.ValueOffset + native.PixelData.Length);
        Assert.Null(native.PixelData.Fragments);
        Assert.Null(rle.PixelData!.Length);
        Assert.Equal(1, rle.PixelData.Fragments);
    }

    [Fact]
    public void Decodes_Latin_1_text_of_an_ISO_IR_100_file()
    {
        var header = DicomFileReader.Read(corpus.Get("latin1-explicit").Path);

        Assert.Equal("Müller^Zoë", header.PatientName!.Raw);
        Assert.Equal("IRM cérébrale", header.StudyDescription);
        Assert.Equal(MrStorage, header.SopClassUid);
        Assert.Equal(new TimeOnly(23, 59), header.StudyTime);
        Assert.Equal(new DateOnly(1999, 12, 31), header.StudyDate);
        Assert.Null(header.PatientBirthDate);
        Assert.Null(header.AccessionNumber);
        Assert.Equal("O", header.PatientSex);
    }

    private const string MrStorage = DicomCorpus.MrImageStorage;

    [Theory]
    [InlineData("big-endian", "Big Endian")]
    [InlineData("deflated", "deflate")]
    public void Big_endian_and_deflated_files_give_a_clear_unsupported_result_with_the_meta_information(string name, string reason)
    {
        var header = DicomFileReader.Read(corpus.Get(name).Path);

        Assert.Equal(DicomReadStatus.UnsupportedTransferSyntax, header.Status);
        Assert.Contains(reason, header.UnsupportedReason, StringComparison.Ordinal);
        Assert.Equal(corpus.Get(name).TransferSyntaxUid, header.TransferSyntaxUid);
        Assert.Equal(DicomCorpus.CtImageStorage, header.SopClassUid);
        Assert.Equal(DicomCorpus.InstanceUid, header.SopInstanceUid);
        Assert.Null(header.PatientName);
        Assert.Null(header.StudyInstanceUid);
    }

    [Fact]
    public void Reading_a_file_allocates_a_small_fixed_amount_whatever_the_size_of_its_pixel_data()
    {
        var small = corpus.Get("explicit-undefined-lengths").Path;
        var large = corpus.Get("large-pixel-data").Path;
        DicomFileReader.Read(small);
        DicomFileReader.Read(large);

        var smallBytes = AllocatedBy(() => DicomFileReader.Read(small));
        var largeBytes = AllocatedBy(() => DicomFileReader.Read(large));

        Assert.True(new FileInfo(large).Length > 8_000_000);
        Assert.True(largeBytes < 16 * 1024, $"reading the 8 MB file allocated {largeBytes} bytes");
        Assert.True(Math.Abs(largeBytes - smallBytes) < 1024, $"{largeBytes} bytes for the 8 MB file, {smallBytes} for the small one");
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_read_through_with_the_same_result()
    {
        var path = corpus.Get("large-pixel-data").Path;
        using var stream = new NonSeekableStream(File.OpenRead(path));

        var header = DicomFileReader.Read(stream);

        Assert.Equal(DicomCorpus.InstanceUid, header.SopInstanceUid);
        Assert.Equal(2048L * 2048 * 2, header.PixelData!.Length);
    }

    [Fact]
    public void Reads_a_file_that_starts_partway_into_a_stream()
    {
        var bytes = File.ReadAllBytes(corpus.Get("explicit-defined-lengths").Path);
        using var stream = new MemoryStream([.. new byte[100], .. bytes]);
        stream.Position = 100;

        var header = DicomFileReader.Read(stream);

        Assert.Equal(DicomCorpus.StudyUid, header.StudyInstanceUid);
        Assert.Equal(bytes.Length, header.PixelData!.ValueOffset + header.PixelData.Length);
    }

    internal static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

/// <summary>A read-only stream that cannot seek, as a network stream.</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
