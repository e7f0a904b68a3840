using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Data.Tenancy;
using MedicalHub.Data.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// Removes messages older than their organization's retention (<see cref="ConversationRetention"/>; none set: kept for
/// ever), with their earlier texts and reactions, in batches, every <see cref="ConversationSettings.RetentionSweepInterval"/>
/// in every replica (idempotent). A conversation keeps its sequence numbers: clients never see a number reused.
/// </summary>
public sealed class RetentionSweeper(IServiceScopeFactory scopes, IOptions<ConversationSettings> settings, TimeProvider time, ILogger<RetentionSweeper> logger)
    : PollingWorker(logger)
{
    private const int Batch = 1000;

    protected override int BatchSize => Batch;

    protected override TimeSpan PollInterval => settings.Value.RetentionSweepInterval;

    protected override TimeProvider Time => time;

    public override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunicationDbContext>();
        var retentions = await db.Set<ConversationRetention>().AcrossOrganizations().AsNoTracking()
            .Where(r => r.RetentionDays != null).ToListAsync(cancellationToken);
        var removed = 0;
        foreach (var retention in retentions)
        {
            var cutoff = time.GetUtcNow().AddDays(-retention.RetentionDays!.Value);
            removed += await db.Database.ExecuteSqlInterpolatedAsync($"""
                DELETE FROM conversation_messages WHERE id IN (
                    SELECT id FROM conversation_messages WHERE organization_id = {retention.OrganizationId} AND created_at < {cutoff} LIMIT {Batch})
                """, cancellationToken);
        }
        return Math.Min(removed, Batch);
    }
}
