namespace MedicalHub.Communication.Api.Model;

public enum NotificationStatus
{
    Queued,
    Scheduled,
    Sending,
    Sent,
    Delivered,
    Failed,
    Bounced,
    Cancelled,
}
