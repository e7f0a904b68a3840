using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
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

    /// <summary>
    /// <see cref="RefreshAsync"/> after the engine changed <paramref name="delivery"/>, inside the same transaction, in one
    /// statement when the notification has no other channel (the common case): its status is then the delivery's, and
    /// the delivery's row, locked by the change, already orders any other writer. With other channels, the full refresh.
    /// </summary>
    public static async Task RefreshAfterChangeAsync(CommunicationDbContext db, NotificationDelivery delivery, DateTimeOffset now, CancellationToken ct)
    {
        var status = NotificationStatusRules.Aggregate([delivery.Status]).ToString();
        // Not composed (a data-modifying WITH must stay at the top level): the list holds the one count.
        var otherChannels = await db.Database.SqlQuery<long>($"""
            WITH other_channels AS (
                SELECT count(*) AS n FROM deliveries WHERE notification_id = {delivery.NotificationId} AND id <> {delivery.Id}),
            only_channel AS (
                UPDATE notifications SET status = {status}, updated_at = {now}
                WHERE id = {delivery.NotificationId} AND status <> {status} AND (SELECT n FROM other_channels) = 0)
            SELECT n AS "Value" FROM other_channels
            """).ToListAsync(ct);
        if (otherChannels.Single() > 0)
        {
            await RefreshAsync(db, delivery.NotificationId, now, ct);
        }
    }
}
