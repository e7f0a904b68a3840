using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Engine;

/// <summary>Applies providers' delivery reports (from their webhooks) to the delivery their message id belongs to.</summary>
public sealed class DeliveryStatusSink(IServiceScopeFactory scopeFactory, TimeProvider time, ILogger<DeliveryStatusSink> logger) : IDeliveryStatusSink
{
    public async Task<bool> RecordAsync(ProviderStatusEvent statusEvent, CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunicationDbContext>();

        // A provider's report names its message, not an organization: find the delivery wherever it belongs, then act as its organization.
        var target = await db.DeliveryAttempts
            .Where(a => a.Provider == statusEvent.Provider && a.ProviderMessageId == statusEvent.ProviderMessageId)
            .Join(db.Deliveries.AcrossOrganizations(), a => a.DeliveryId, d => d.Id, (a, d) => new { d.Id, d.OrganizationId, d.NotificationId })
            .FirstOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            logger.LogInformation("A {Provider} status report names an unknown message {ProviderMessageId}", statusEvent.Provider, statusEvent.ProviderMessageId);
            return false;
        }
        scope.ServiceProvider.GetRequiredService<OrganizationScope>().ActFor(target.OrganizationId);
        var deliveryId = target.Id;

        var status = statusEvent.Status switch
        {
            ProviderStatus.Delivered => NotificationStatus.Delivered,
            ProviderStatus.Bounced => NotificationStatus.Bounced,
            _ => NotificationStatus.Failed,
        };

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Reports arrive out of order: only a message handed to the provider (Sent) or reported delivered can change,
            // and a bounce or failure outranks an earlier "delivered".
            var onlyFromSent = status == NotificationStatus.Delivered;
            var now = time.GetUtcNow();
            await db.Deliveries
                .Where(d => d.Id == deliveryId
                    && (d.Status == NotificationStatus.Sent || (!onlyFromSent && d.Status == NotificationStatus.Delivered)))
                .ExecuteUpdateAsync(d => d
                    .SetProperty(x => x.Status, status)
                    .SetProperty(x => x.LastError, statusEvent.Detail)
                    .SetProperty(x => x.UpdatedAt, now), ct);
            await NotificationStatusUpdater.RefreshAsync(db, target.NotificationId, now, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        return true;
    }
}
