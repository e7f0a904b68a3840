using MedicalHub.Content.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// Purges documents deleted longer ago than <see cref="DocumentSettings.DeletedRetention"/>, with their versions (and
/// their shares and links, by cascade). Their bytes, once no version of any document refers to them, are then removed
/// by the storage sweeper. Idempotent, so every replica may run it.
/// </summary>
public sealed class DeletedDocumentPurger(IServiceScopeFactory scopes, IOptions<DocumentSettings> settings, TimeProvider time,
    ILogger<DeletedDocumentPurger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.PurgeInterval, time);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The purge of deleted documents failed; it runs again in {Interval}", settings.Value.PurgeInterval);
            }
            try
            {
                if (!await timer.WaitForNextTickAsync(stoppingToken))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (true);
    }

    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContentDbContext>();
        var before = time.GetUtcNow() - settings.Value.DeletedRetention;
        // Across organizations by nature; nothing here is read, only removed.
        var purged = await db.Documents.IgnoreQueryFilters()
            .Where(d => d.DeletedAt != null && d.DeletedAt < before)
            .ExecuteDeleteAsync(ct);
        if (purged > 0)
        {
            logger.LogInformation("Purged {Count} deleted document(s) past their retention", purged);
        }
        return purged;
    }
}
