using MedicalHub.Communication.Api.Model;

namespace MedicalHub.Communication.Api.Engine;

/// <summary>A notification's status from its channels' statuses.</summary>
public static class NotificationStatusRules
{
    public static NotificationStatus Aggregate(IReadOnlyCollection<NotificationStatus> channels)
    {
        if (channels.Count == 0 || channels.All(s => s == NotificationStatus.Cancelled))
        {
            return NotificationStatus.Cancelled;
        }
        if (channels.Contains(NotificationStatus.Sending))
        {
            return NotificationStatus.Sending;
        }
        if (channels.Contains(NotificationStatus.Queued))
        {
            return NotificationStatus.Queued;
        }
        if (channels.Contains(NotificationStatus.Scheduled))
        {
            return NotificationStatus.Scheduled;
        }
        if (channels.Contains(NotificationStatus.Sent))
        {
            return NotificationStatus.Sent;
        }
        if (channels.Contains(NotificationStatus.Delivered))
        {
            return NotificationStatus.Delivered;
        }
        return channels.Contains(NotificationStatus.Bounced) ? NotificationStatus.Bounced : NotificationStatus.Failed;
    }

    public static bool IsCancellable(NotificationStatus status) => status is NotificationStatus.Queued or NotificationStatus.Scheduled;
}
