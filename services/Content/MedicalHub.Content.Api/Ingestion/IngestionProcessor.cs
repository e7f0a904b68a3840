using System.Diagnostics;
using System.Security.Cryptography;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Events;
using MedicalHub.Content.Api.Extensions;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Ingestion.Extraction;
using MedicalHub.Content.Api.Ingestion.Tools;
using MedicalHub.Content.Api.Search;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data.Retries;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Ingestion;

/// <summary>
/// Processes one claimed job: the version's bytes are copied to a private temporary folder, read by the extractor of
/// their media type (<see cref="DocumentExtractors"/>), and the results — the search entry, the pages, the extraction's
/// metadata, the thumbnails, what derivers make of it (results, patients, imaging studies) and <c>document.ingested</c>
/// — are written in one transaction that first checks the claim is still this worker's: a job's effects are committed
/// once. A document that cannot be processed fails at once with the reason; anything else is retried with backoff
/// until <see cref="IngestionSettings.MaxAttempts"/>, then fails. The claim's lease is renewed while the work runs.
/// </summary>
public sealed class IngestionProcessor(
    ContentDbContext db,
    OrganizationScope organization,
    ObjectStores stores,
    DocumentExtractors extractors,
    IEnumerable<IDocumentDeriver> derivers,
    IntegrationEventOutbox events,
    IServiceScopeFactory scopeFactory,
    IOptions<IngestionSettings> options,
    TimeProvider time,
    ILogger<IngestionProcessor> logger)
{
    public const string DocumentIngested = "document.ingested";

    private readonly IngestionSettings _settings = options.Value;

    public async Task ProcessAsync(Guid jobId, Guid claim, CancellationToken stopping)
    {
        var job = await db.Set<IngestionJob>().AcrossOrganizations().AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.LeaseOwner == claim, stopping);
        if (job is null)
        {
            return;
        }
        if (job.Attempts > _settings.MaxAttempts)
        {
            await FinishAsync(job, claim, IngestionStates.Failed,
                $"Gave up after {_settings.MaxAttempts} attempts: the last did not finish (its worker stopped while processing it).", stopping);
            return;
        }
        organization.ActFor(job.OrganizationId);
        var watch = Stopwatch.StartNew();
        var extractorName = "none";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_settings.JobTimeout);
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewal = RenewLeaseAsync(job.Id, claim, renewing.Token);
        var work = Directory.CreateTempSubdirectory("medicalhub-ingestion-");
        try
        {
            var document = await db.Documents.IgnoreQueryFilters([Document.NotDeletedFilter]).AsNoTracking().SingleOrDefaultAsync(d => d.Id == job.DocumentId, timeout.Token);
            if (document is null || document.DeletedAt is not null || job.VersionNumber < document.CurrentVersion)
            {
                await FinishAsync(job, claim, IngestionStates.Superseded, null, stopping);
                return;
            }
            var version = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.DocumentId == document.Id && v.Number == job.VersionNumber, timeout.Token);
            var stored = await db.StoredObjects.AsNoTracking().SingleAsync(o => o.Key == version.StoredObjectKey, timeout.Token);
            if (stored.SizeBytes > _settings.MaxDocumentBytes)
            {
                throw new UnprocessableDocumentException(
                    $"The document is {stored.SizeBytes} bytes; documents over {_settings.MaxDocumentBytes} bytes are stored but not processed (MaxDocumentBytes).");
            }

            var file = Path.Combine(work.FullName, "document");
            await using (var source = await stores.For(stored).OpenReadAsync(stored, 0, timeout.Token))
            await using (var target = File.Create(file))
            {
                await source.CopyToAsync(target, timeout.Token);
            }
            var input = new ExtractionInput(file, version.MediaType, stored.SizeBytes, work.FullName);
            var extractor = extractors.For(version.MediaType);
            extractorName = extractor?.Name ?? "none";
            var content = extractor is null ? Unread(version.MediaType) : await extractor.ExtractAsync(input, timeout.Token);

            await renewing.CancelAsync();
            await renewal;
            if (!await WriteAsync(job, claim, document, content, input, timeout.Token))
            {
                logger.LogWarning("Ingestion job {JobId} lost its claim before it finished; another worker has it", job.Id);
                return;
            }
            ContentMetrics.IngestionJobs.Add(1, Tag("outcome", IngestionStates.Indexed), Tag("extractor", extractorName));
            ContentMetrics.IngestionDuration.Record(watch.Elapsed.TotalSeconds, Tag("extractor", extractorName));
        }
        catch (UnprocessableDocumentException unprocessable)
        {
            await FinishAsync(job, claim, IngestionStates.Failed, unprocessable.Message, stopping);
            ContentMetrics.IngestionJobs.Add(1, Tag("outcome", IngestionStates.Failed), Tag("extractor", extractorName));
        }
        catch (Exception ex) when (stopping.IsCancellationRequested && ex is OperationCanceledException)
        {
            // Shutting down: the job goes back to the queue at once, this attempt not counted.
            await ReleaseAsync(job, claim);
        }
        catch (Exception ex)
        {
            var reason = ex is OperationCanceledException && timeout.IsCancellationRequested
                ? $"Processing took longer than {_settings.JobTimeout} and was stopped."
                : ex is ToolTimeoutException or ToolUnavailableException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            logger.LogWarning(ex, "Ingestion job {JobId} failed attempt {Attempt}", job.Id, job.Attempts);
            await RetryOrFailAsync(job, claim, reason, stopping);
            ContentMetrics.IngestionJobs.Add(1, Tag("outcome", job.Attempts >= _settings.MaxAttempts ? IngestionStates.Failed : "retried"), Tag("extractor", extractorName));
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException ex)
            {
                logger.LogWarning(ex, "Could not remove the temporary folder of ingestion job {JobId}", job.Id);
            }
        }
    }

    private static ExtractedContent Unread(string mediaType)
    {
        var content = new ExtractedContent("none");
        content.Warnings.Add($"No text is extracted from {mediaType}: the document is found by its title only.");
        return content;
    }

    /// <summary>Writes the results if the claim is still this worker's (locked for the transaction); false when it is not.</summary>
    private async Task<bool> WriteAsync(IngestionJob job, Guid claim, Document document, ExtractedContent content, ExtractionInput input, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var held = await db.Set<IngestionJob>().FromSql($"SELECT * FROM ingestion_jobs WHERE id = {job.Id} AND lease_owner = {claim} FOR UPDATE")
                .SingleOrDefaultAsync(token);
            if (held is null)
            {
                return false;
            }
            var now = time.GetUtcNow();
            var body = string.Join('\f', content.Pages.OrderBy(p => p.Number).Select(p => p.Text));
            if (body.Length > _settings.MaxIndexedCharacters)
            {
                body = body[.._settings.MaxIndexedCharacters];
                content.Warnings.Add($"Only the first {_settings.MaxIndexedCharacters} characters were indexed.");
            }
            await SearchIndexer.UpsertAsync(db, document, job.VersionNumber, body, now, token);
            await db.Set<DocumentTextPage>().Where(p => p.DocumentId == document.Id).ExecuteDeleteAsync(token);
            db.Set<DocumentTextPage>().AddRange(content.Pages.Select(p => new DocumentTextPage { DocumentId = document.Id, PageNumber = p.Number, Text = p.Text, Ocr = p.Ocr }));

            var extraction = await db.Set<DocumentExtraction>().SingleOrDefaultAsync(e => e.DocumentId == document.Id, token);
            if (extraction is null)
            {
                extraction = new DocumentExtraction { DocumentId = document.Id, Extractor = content.Extractor };
                db.Add(extraction);
            }
            extraction.VersionNumber = job.VersionNumber;
            extraction.Extractor = content.Extractor;
            extraction.PageCount = Math.Max(content.PageCount, content.Pages.Count);
            extraction.CharacterCount = body.Length;
            extraction.OcrPageCount = content.Pages.Count(p => p.Ocr);
            extraction.Metadata = content.Metadata;
            extraction.ExtractedAt = now;

            await db.Set<DocumentThumbnail>().Where(t => t.DocumentId == document.Id).ExecuteDeleteAsync(token);
            foreach (var (size, png) in content.Thumbnails)
            {
                db.Add(new DocumentThumbnail { DocumentId = document.Id, Size = size, VersionNumber = job.VersionNumber, Png = png, Sha256 = Convert.ToHexStringLower(SHA256.HashData(png)), CreatedAt = now });
            }

            var derivation = new DerivationContext(db, document, job.VersionNumber, input, content);
            foreach (var deriver in derivers.Where(d => d.Accepts(input.MediaType)))
            {
                await deriver.DeriveAsync(derivation, token);
            }
            extraction.Warnings = [.. content.Warnings.Take(50)];

            held.State = IngestionStates.Indexed;
            held.LeaseOwner = null;
            held.LeaseUntil = null;
            held.LastError = null;
            held.UpdatedAt = now;
            held.CompletedAt = now;
            events.Publish(db, DocumentIngested, document.OrganizationId, new DocumentIngestedData(
                document.Id, document.PatientId, document.Category, document.MediaType, job.VersionNumber, extraction.PageCount, content.Extractor));
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return true;
        }, ct);
    }

    private async Task RetryOrFailAsync(IngestionJob job, Guid claim, string reason, CancellationToken ct)
    {
        if (job.Attempts >= _settings.MaxAttempts)
        {
            await FinishAsync(job, claim, IngestionStates.Failed, $"Failed {job.Attempts} times; the last: {reason}", ct);
            return;
        }
        var now = time.GetUtcNow();
        var next = now + Backoff.ExponentialWithJitter(_settings.FirstRetryDelay, _settings.MaxRetryDelay, job.Attempts, Random.Shared.NextDouble());
        await UpdateClaimedAsync(job, claim, IngestionStates.Pending, Truncate(reason), next, completed: null, ct);
    }

    private async Task FinishAsync(IngestionJob job, Guid claim, string state, string? reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await UpdateClaimedAsync(job, claim, state, Truncate(reason), now, completed: now, ct);
    }

    /// <summary>Puts a job back to pending at once (the worker is stopping), without counting the attempt.</summary>
    private async Task ReleaseAsync(IngestionJob job, Guid claim)
    {
        try
        {
            var now = time.GetUtcNow();
            await db.Set<IngestionJob>().AcrossOrganizations().Where(j => j.Id == job.Id && j.LeaseOwner == claim)
                .ExecuteUpdateAsync(set => set.SetProperty(j => j.State, IngestionStates.Pending).SetProperty(j => j.LeaseOwner, (Guid?)null)
                    .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null).SetProperty(j => j.NextAttemptAt, now)
                    .SetProperty(j => j.Attempts, j => j.Attempts - 1).SetProperty(j => j.UpdatedAt, now), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not release ingestion job {JobId}; it is claimed again when its lease ends", job.Id);
        }
    }

    private Task<int> UpdateClaimedAsync(IngestionJob job, Guid claim, string state, string? reason, DateTimeOffset next, DateTimeOffset? completed, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return db.Set<IngestionJob>().AcrossOrganizations().Where(j => j.Id == job.Id && j.LeaseOwner == claim)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.State, state).SetProperty(j => j.LastError, reason)
                .SetProperty(j => j.LeaseOwner, (Guid?)null).SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(j => j.NextAttemptAt, next).SetProperty(j => j.UpdatedAt, now).SetProperty(j => j.CompletedAt, completed), ct);
    }

    /// <summary>Renews the claim's lease every third of its length while the job runs, from a context of its own.</summary>
    private async Task RenewLeaseAsync(Guid jobId, Guid claim, CancellationToken stop)
    {
        try
        {
            using var timer = new PeriodicTimer(_settings.LeaseDuration / 3, time);
            while (await timer.WaitForNextTickAsync(stop))
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                var renewer = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
                var until = time.GetUtcNow() + _settings.LeaseDuration;
                await renewer.Set<IngestionJob>().AcrossOrganizations().Where(j => j.Id == jobId && j.LeaseOwner == claim)
                    .ExecuteUpdateAsync(set => set.SetProperty(j => j.LeaseUntil, until).SetProperty(j => j.NextAttemptAt, until), stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The job ended.
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not renew the lease of ingestion job {JobId}", jobId);
        }
    }

    private static string? Truncate(string? reason) => reason is null || reason.Length <= 2000 ? reason : reason[..2000];

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}

/// <summary>The <c>data</c> of <c>document.ingested</c>: what Workflow's pathways wait for (documentId, patientId, category).</summary>
public sealed record DocumentIngestedData(Guid DocumentId, Guid? PatientId, string Category, string MediaType, int Version, int PageCount, string Extractor);

/// <summary>What a <see cref="IDocumentDeriver"/> works on, within the transaction that records the job's results.</summary>
public sealed record DerivationContext(ContentDbContext Db, Document Document, int VersionNumber, ExtractionInput Input, ExtractedContent Content);

/// <summary>
/// Makes structured data of a processed document (HL7 results, FHIR resources, DICOM studies) in the transaction that
/// records its results. Must be idempotent per document version (a re-run derives again); what cannot be derived is a
/// warning on <see cref="DerivationContext.Content"/>, not a failure.
/// </summary>
public interface IDocumentDeriver
{
    bool Accepts(string mediaType);

    Task DeriveAsync(DerivationContext context, CancellationToken ct);
}
