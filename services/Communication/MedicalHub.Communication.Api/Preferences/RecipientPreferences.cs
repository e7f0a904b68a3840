using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Communication.Api.Notifications;

namespace MedicalHub.Communication.Api.Preferences;

/// <summary>What a recipient's preferences make of one channel of a notification.</summary>
/// <param name="OptedOut">The recipient turned this category off on this channel (never for critical categories).</param>
/// <param name="SendAt">When it may go out: the requested time, moved past the recipient's quiet hours.</param>
/// <param name="Headers">Channel headers the preferences call for (e-mail: one-click unsubscribe).</param>
public sealed record DeliveryPlan(bool OptedOut, DateTimeOffset SendAt, Dictionary<string, string> Headers);

public sealed class RecipientPreferences
{
    public Task<DeliveryPlan> PlanAsync(Notification notification, NotificationRecipient recipient, Channel channel, DateTimeOffset requestedAt, CancellationToken ct) =>
        Task.FromResult(new DeliveryPlan(false, requestedAt, new Dictionary<string, string>(StringComparer.Ordinal)));
}
