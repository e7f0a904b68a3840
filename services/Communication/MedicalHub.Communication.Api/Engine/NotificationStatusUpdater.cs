using MedicalHub.Communication.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Engine;

internal static class NotificationStatusUpdater
{
    /// <summary>
    /// Recomputes a notification's status from its deliveries. Call inside the transaction that changed a delivery: the
    /// notification row is locked first, so two channels finishing at once are aggregated one after the other, the
    /// second seeing the first's change.
    /// </summary>
    public static async Task RefreshAsync(CommunicationDbContext db, Guid notificationId, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM notifications WHERE id = {notificationId} FOR UPDATE", ct);
        var statuses = await db.Deliveries.Where(d => d.NotificationId == notificationId).Select(d => d.Status).ToListAsync(ct);
        var status = NotificationStatusRules.Aggregate(statuses);
        await db.Notifications.Where(n => n.Id == notificationId && n.Status != status)
            .ExecuteUpdateAsync(n => n.SetProperty(x => x.Status, status).SetProperty(x => x.UpdatedAt, now), ct);
    }
}
