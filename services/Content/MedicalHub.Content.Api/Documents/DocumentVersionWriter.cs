using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// Makes a staged upload (or a Binary filed by a FHIR DocumentReference) a document's newest version, or an earlier
/// version the newest again, in one transaction with its PHI access record: identical bytes already kept for the
/// organization are reused (the staged copy is dropped), the document's revision is checked against <c>If-Match</c> and
/// against concurrent writers (optimistic concurrency), and only a committed transaction makes anything visible.
/// </summary>
public sealed class DocumentVersionWriter(ContentDbContext db, ObjectStores stores, PhiAccessAudit audit, TimeProvider time, ILogger<DocumentVersionWriter> logger)
{
    public abstract record Outcome;

    public sealed record Written(Document Document, DocumentVersion Version) : Outcome;

    public sealed record NotFound : Outcome;

    /// <summary>The document changed since the caller's <c>If-Match</c> (412), or concurrently without one (409).</summary>
    public sealed record Stale(bool PreconditionGiven, string CurrentETag) : Outcome;

    /// <summary>A Binary (an unfiled object) that another DocumentReference filed first: 409.</summary>
    public sealed record AlreadyFiled : Outcome;

    public sealed record NewDocument(string Title, string Category, Guid? PatientId);

    /// <summary>
    /// A new document whose first version is <paramref name="staged"/>: an upload just received, or a Binary created
    /// earlier (<see cref="StoredObjectState.Unfiled"/>), whose id becomes the version's so that <c>Binary/{id}</c> stays
    /// the same bytes once filed.
    /// </summary>
    public async Task<Outcome> CreateAsync(NewDocument fields, StoredObject staged, string? fileName, Guid userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var document = new Document
        {
            Title = fields.Title,
            Category = fields.Category,
            PatientId = fields.PatientId,
            MediaType = staged.MediaType!,
            CreatedBy = userId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Documents.Add(document);
        return await CommitAsync(document, staged, fileName, restoredFrom: null, userId, ct,
            versionId: staged.State == StoredObjectState.Unfiled ? staged.Key : null);
    }

    public async Task<Outcome> AddVersionAsync(Guid documentId, string? ifMatch, UploadReceiver.Received upload, Guid userId, CancellationToken ct)
    {
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId, ct);
        if (document is null)
        {
            return new NotFound();
        }
        if (ifMatch is not null && !Matches(ifMatch, document.ETag))
        {
            return new Stale(true, document.ETag);
        }
        return await CommitAsync(document, upload.Staged, upload.Field("fileName") ?? document.FileName, restoredFrom: null, userId, ct, ifMatch is not null);
    }

    /// <summary>Version <paramref name="number"/> becomes the newest again, as a new version referring to the same bytes.</summary>
    public async Task<Outcome> RestoreVersionAsync(Guid documentId, int number, string? ifMatch, Guid userId, CancellationToken ct)
    {
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId, ct);
        var earlier = document is null ? null : await db.DocumentVersions.AsNoTracking().SingleOrDefaultAsync(v => v.DocumentId == documentId && v.Number == number, ct);
        if (document is null || earlier is null)
        {
            return new NotFound();
        }
        if (ifMatch is not null && !Matches(ifMatch, document.ETag))
        {
            return new Stale(true, document.ETag);
        }
        var version = NextVersion(document, earlier.StoredObjectKey, earlier.FileName, earlier.MediaType, earlier.SizeBytes, earlier.Sha256, number, userId);
        try
        {
            await audit.SaveWithRecordAsync(db, Change(document, PhiActions.Update, $"version {number} restored as version {version.Number}"), ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Stale(ifMatch is not null, await CurrentETagAsync(documentId, ct));
        }
        return new Written(document, version);
    }

    /// <summary>The record of a change of <paramref name="document"/> (in its organization, the caller's).</summary>
    public static PhiAccess Change(Document document, string action, string? detail) =>
        new(action, "DocumentReference", document.Id.ToString(), document.PatientId is { } patient ? [patient] : [], Detail: detail);

    private async Task<Outcome> CommitAsync(Document document, StoredObject staged, string? fileName, int? restoredFrom, Guid userId, CancellationToken ct,
        bool preconditionGiven = false, Guid? versionId = null)
    {
        var isNew = document.CurrentVersion == 0;
        var stagedState = staged.State;
        var strategy = db.Database.CreateExecutionStrategy();
        // A concurrent upload of the same bytes may commit them first (the unique index says so): then they are reused.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (version, duplicate) = await strategy.ExecuteAsync(async token =>
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(token);
                    var kept = await db.StoredObjects.AsNoTracking()
                        .Where(o => o.State == StoredObjectState.Committed && o.Sha256 == staged.Sha256 && o.SizeBytes == staged.SizeBytes)
                        .Select(o => (Guid?)o.Key).FirstOrDefaultAsync(token);
                    if (kept is null)
                    {
                        staged.State = StoredObjectState.Committed;
                    }
                    else
                    {
                        db.StoredObjects.Remove(staged);
                    }
                    var version = NextVersion(document, kept ?? staged.Key, fileName, staged.MediaType!, staged.SizeBytes, staged.Sha256!, restoredFrom, userId, versionId);
                    await audit.RecordWithinTransactionAsync(db, Change(document, isNew ? PhiActions.Create : PhiActions.Update, $"version {version.Number}"), token);
                    await db.SaveChangesAsync(token);
                    await transaction.CommitAsync(token);
                    return (version, kept is not null);
                }, ct);
                if (duplicate)
                {
                    await DropDuplicateBytesAsync(staged);
                }
                return new Written(document, version);
            }
            catch (DbUpdateConcurrencyException) when (versionId is not null)
            {
                return new AlreadyFiled(); // the Binary's row was claimed by another filing
            }
            catch (DbUpdateConcurrencyException)
            {
                return new Stale(preconditionGiven, await CurrentETagAsync(document.Id, ct));
            }
            catch (DbUpdateException ex) when (versionId is not null && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_document_versions" })
            {
                return new AlreadyFiled();
            }
            catch (DbUpdateException ex) when (attempt == 1 && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: var constraint }
                                               && constraint?.Contains("sha256", StringComparison.Ordinal) == true)
            {
                // Undo this attempt's changes to the tracked entities and take the other upload's bytes.
                var entry = db.Entry(staged);
                entry.State = EntityState.Unchanged;
                entry.Property(o => o.State).IsModified = false;
                staged.State = stagedState;
                foreach (var added in db.ChangeTracker.Entries<DocumentVersion>().Where(e => e.State == EntityState.Added).ToList())
                {
                    added.State = EntityState.Detached;
                    document.Versions.Remove(added.Entity);
                }
                document.CurrentVersion--;
                document.Revision--;
            }
        }
    }

    private DocumentVersion NextVersion(Document document, Guid storedObjectKey, string? fileName, string mediaType, long size, string sha256, int? restoredFrom, Guid userId,
        Guid? versionId = null)
    {
        var now = time.GetUtcNow();
        var version = new DocumentVersion
        {
            Id = versionId ?? Guid.CreateVersion7(),
            DocumentId = document.Id,
            Number = document.CurrentVersion + 1,
            StoredObjectKey = storedObjectKey,
            FileName = fileName,
            MediaType = mediaType,
            SizeBytes = size,
            Sha256 = sha256,
            RestoredFrom = restoredFrom,
            CreatedBy = userId,
            CreatedAt = now,
        };
        db.DocumentVersions.Add(version);
        db.Add(Ingestion.IngestionJob.For(document.Id, version.Number)); // processed by the ingestion pipeline once committed
        document.CurrentVersion = version.Number;
        document.Revision++;
        document.MediaType = mediaType;
        document.SizeBytes = size;
        document.Sha256 = sha256;
        document.FileName = fileName;
        document.UpdatedAt = now;
        return version;
    }

    private async Task DropDuplicateBytesAsync(StoredObject staged)
    {
        try
        {
            await stores.For(staged).DeleteAsync(staged.OrganizationId, staged.Key, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not delete the duplicate bytes of {Key}; the sweeper will", staged.Key);
        }
    }

    private async Task<string> CurrentETagAsync(Guid documentId, CancellationToken ct) =>
        $"\"r{await db.Documents.IgnoreQueryFilters([Document.NotDeletedFilter]).Where(d => d.Id == documentId).Select(d => d.Revision).SingleOrDefaultAsync(ct)}\"";

    /// <summary>RFC 9110 If-Match: <c>*</c>, or a list of entity tags compared strongly.</summary>
    public static bool Matches(string ifMatch, string etag) =>
        ifMatch.Trim() == "*" || ifMatch.Split(',', StringSplitOptions.TrimEntries).Any(tag => tag == etag);
}
