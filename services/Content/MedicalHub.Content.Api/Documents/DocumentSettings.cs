namespace MedicalHub.Content.Api.Documents;

/// <summary><c>MedicalHub:Content:Documents</c>: upload limits, archive checks and the retention of deleted documents.</summary>
public sealed class DocumentSettings
{
    public const string SectionName = "MedicalHub:Content:Documents";

    /// <summary>The largest file accepted (default 1 GiB). The gateway's limit on the upload routes must allow it.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>How long an administrator can restore a deleted document before it is purged with its versions.</summary>
    public TimeSpan DeletedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often deleted documents past their retention are purged.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An archive (ZIP, DOCX…) whose entries would expand past this is refused.</summary>
    public long MaxExpandedBytes { get; set; } = 4L << 30;

    /// <summary>An archive entry (over 1 MiB) compressed more than this many times is refused as a zip bomb.</summary>
    public int MaxCompressionRatio { get; set; } = 100;

    public int MaxArchiveEntries { get; set; } = 10_000;
}
