using System.Diagnostics;
using MedicalHub.Data.Events;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MedicalHub.Data.Inbox;

/// <summary>
/// The subscriber side of the integration-event contract (<see cref="IntegrationEvent"/>): records the message id in
/// <c>inbox_messages</c> and runs the handlers in one transaction. A redelivery finds its id recorded and does nothing;
/// two concurrent deliveries of one message race on the primary key and only one commits (the other is answered as a
/// duplicate). The context acts for the event's organization, so handlers see and write only that organization's rows.
/// </summary>
public sealed class IntegrationEventInbox<TContext>(
    TContext db,
    OrganizationScope organizations,
    IEnumerable<IIntegrationEventConsumer> handlers,
    TimeProvider time,
    ILogger<IntegrationEventInbox<TContext>> logger)
    where TContext : DbContext
{
    private static readonly ActivitySource ActivitySource = new("MedicalHub.Inbox");

    public enum Result
    {
        /// <summary>Recorded and handled now.</summary>
        Handled,

        /// <summary>Recorded; no handler reacts to its type.</summary>
        Ignored,

        /// <summary>Already recorded earlier: nothing done.</summary>
        Duplicate,
    }

    public async Task<Result> ReceiveAsync(IntegrationEvent message, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity($"inbox receive {message.Type}", ActivityKind.Consumer);
        activity?.SetTag("messaging.message.id", message.MessageId);
        organizations.ActFor(message.OrganizationId);
        var matching = handlers.Where(h => h.ReactsTo(message.Type)).ToList();

        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var now = time.GetUtcNow();
                var outcome = matching.Count > 0 ? "handled" : "ignored";
                var recorded = await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO inbox_messages (message_id, type, source, organization_id, occurred_at, received_at, outcome)
                    VALUES ({message.MessageId}, {message.Type}, {message.Source}, {message.OrganizationId}, {message.OccurredAt}, {now}, {outcome})
                    ON CONFLICT (message_id) DO NOTHING
                    """, ct);
                if (recorded == 0)
                {
                    return Result.Duplicate;
                }
                foreach (var handler in matching)
                {
                    await handler.HandleAsync(message, ct);
                }
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return matching.Count > 0 ? Result.Handled : Result.Ignored;
            }, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Another delivery of the same message committed first (its inbox row), or a handler's own unique key says
            // the effect exists already: nothing more to do.
            logger.LogInformation("Integration event {MessageId} ({Type}) was handled concurrently", message.MessageId, message.Type);
            return Result.Duplicate;
        }
    }
}
