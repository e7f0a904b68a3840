namespace MedicalHub.Content.Api.Storage;

/// <summary>Where document bytes are kept (<c>MedicalHub:Content:Storage</c>; the AppHost sets <c>Backend</c>).</summary>
public sealed class StorageSettings
{
    public const string SectionName = "MedicalHub:Content:Storage";

    /// <summary>The Aspire connection name of the object store (an Azure Blob endpoint: Azurite in run mode).</summary>
    public const string BlobConnectionName = "content-blobs";

    public StorageBackend Backend { get; set; } = StorageBackend.Postgres;

    /// <summary>The blob container that holds every organization's objects (<c>{organization}/{key}</c>).</summary>
    public string BlobContainer { get; set; } = "documents";

    /// <summary>
    /// An upload that has written nothing for this long is abandoned (its client or this process died): the sweeper
    /// removes its bytes. A live upload renews its mark four times within this period.
    /// </summary>
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a FHIR Binary created on its own waits for a DocumentReference to file it before the sweeper removes it.</summary>
    public TimeSpan UnfiledLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the sweeper looks for abandoned uploads, unfiled Binaries, unreferenced objects and orphaned blobs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}

public enum StorageBackend
{
    /// <summary>The content database itself, in 1 MiB chunks: nothing else to run (the default).</summary>
    Postgres,

    /// <summary>An Azure Blob Storage account (block blobs): production's object store.</summary>
    AzureBlob,
}
