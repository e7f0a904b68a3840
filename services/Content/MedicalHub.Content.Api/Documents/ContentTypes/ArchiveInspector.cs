using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MedicalHub.Content.Api.Storage;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Documents.ContentTypes;

/// <summary>
/// Looks inside an uploaded ZIP archive (or a document that is one: DOCX, XLSX, ODT…) through its central directory,
/// read from the store by range, never expanding anything: refuses archives that would expand past
/// <see cref="DocumentSettings.MaxExpandedBytes"/>, compress an entry more than <see cref="DocumentSettings.MaxCompressionRatio"/>
/// times (the mark of a zip bomb), or hold more than <see cref="DocumentSettings.MaxArchiveEntries"/> entries; and tells
/// the office formats apart by their entries.
/// </summary>
public sealed class ArchiveInspector(IOptions<DocumentSettings> settings)
{
    public abstract record Verdict;

    public sealed record Accepted(string MediaType) : Verdict;

    public sealed record Refused(string Reason) : Verdict;

    private const long MinimumEntryForRatio = 1 << 20;

    public async Task<Verdict> InspectAsync(Stream archive, string claimedOrDetected, CancellationToken ct)
    {
        var limits = settings.Value;
        var entryCount = await EntryCountAsync(archive, ct);
        if (entryCount is null)
        {
            return new Refused("The file starts like a ZIP archive but has no valid central directory.");
        }
        if (entryCount > limits.MaxArchiveEntries)
        {
            return new Refused($"The archive holds {entryCount} entries; at most {limits.MaxArchiveEntries} are accepted.");
        }

        archive.Position = 0;
        try
        {
            await using var zip = await ZipArchive.CreateAsync(archive, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, ct);
            long expanded = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                expanded += entry.Length;
                if (expanded > limits.MaxExpandedBytes)
                {
                    return new Refused($"The archive would expand to more than {limits.MaxExpandedBytes} bytes.");
                }
                if (entry.Length > MinimumEntryForRatio && entry.Length > limits.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
                {
                    return new Refused($"An entry of the archive is compressed {entry.Length / Math.Max(entry.CompressedLength, 1)} times; more than {limits.MaxCompressionRatio} is refused (a zip bomb).");
                }
                names.Add(entry.FullName);
            }
            var kind = await OfficeKindAsync(zip, names, ct);
            if (kind is null)
            {
                return claimedOrDetected == MediaTypes.Zip ? new Accepted(MediaTypes.Zip) : new Refused($"The archive is not a {claimedOrDetected} document.");
            }
            return claimedOrDetected == MediaTypes.Zip || claimedOrDetected == kind
                ? new Accepted(kind)
                : new Refused($"The archive is a {kind} document, not {claimedOrDetected}.");
        }
        catch (InvalidDataException ex)
        {
            return new Refused($"The ZIP archive is damaged: {ex.Message}");
        }
    }

    private static async Task<string?> OfficeKindAsync(ZipArchive zip, HashSet<string> names, CancellationToken ct)
    {
        if (names.Contains("[Content_Types].xml"))
        {
            return names.Contains("word/document.xml") ? MediaTypes.Docx
                : names.Contains("xl/workbook.xml") ? MediaTypes.Xlsx
                : names.Contains("ppt/presentation.xml") ? MediaTypes.Pptx
                : null;
        }
        if (zip.GetEntry("mimetype") is { Length: < 200 } mimetype)
        {
            await using var stream = await mimetype.OpenAsync(ct);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var declared = (await reader.ReadToEndAsync(ct)).Trim();
            return declared is MediaTypes.Odt or MediaTypes.Ods ? declared : null;
        }
        return null;
    }

    /// <summary>
    /// The number of entries the end-of-central-directory record (or its ZIP64 form) declares, read before anything else so
    /// that a directory of millions of entries is never loaded; null when there is no such record.
    /// </summary>
    private static async Task<long?> EntryCountAsync(Stream archive, CancellationToken ct)
    {
        const int eocdLength = 22;
        var tailLength = (int)Math.Min(archive.Length, eocdLength + ushort.MaxValue);
        var tail = new byte[tailLength];
        archive.Position = archive.Length - tailLength;
        await archive.ReadExactlyAsync(tail, ct);
        for (var i = tailLength - eocdLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != 0x06054b50)
            {
                continue;
            }
            var entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 10));
            if (entries != ushort.MaxValue)
            {
                return entries;
            }
            // ZIP64: the locator just before the record points at the ZIP64 end record.
            var locator = i - 20;
            if (locator < 0 || BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(locator)) != 0x07064b50)
            {
                return null;
            }
            var zip64End = (long)BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(locator + 8));
            if (zip64End < 0 || zip64End > archive.Length - 56)
            {
                return null;
            }
            var record = new byte[56];
            archive.Position = zip64End;
            await archive.ReadExactlyAsync(record, ct);
            return BinaryPrimitives.ReadUInt32LittleEndian(record) == 0x06064b50
                ? (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32)), long.MaxValue)
                : null;
        }
        return null;
    }
}
