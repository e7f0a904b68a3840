using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Communication.Api.Notifications;
using MedicalHub.Communication.Api.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Preferences;

/// <summary>What a recipient's preferences make of one channel of a notification.</summary>
/// <param name="OptedOut">The recipient turned this category off on this channel (never for critical categories).</param>
/// <param name="SendAt">When it may go out: the requested time, moved past the recipient's quiet hours.</param>
/// <param name="Headers">Channel headers the preferences call for (e-mail: one-click unsubscribe).</param>
public sealed record DeliveryPlan(bool OptedOut, DateTimeOffset SendAt, Dictionary<string, string> Headers);

/// <summary>
/// Applies a user recipient's preferences: opt-outs per category and channel, quiet hours in their time zone (the message
/// waits until they end; it is not dropped), and the RFC 8058 one-click unsubscribe headers on e-mail they can opt out of.
/// Critical categories (account security) ignore all of it.
/// </summary>
public sealed class RecipientPreferences(CommunicationDbContext db, UnsubscribeTokens unsubscribe, IOptions<CommunicationSettings> settings)
{
    public bool IsCritical(string category) => settings.Value.CriticalCategories.Contains(category, StringComparer.Ordinal);

    public async Task<DeliveryPlan> PlanAsync(Notification notification, NotificationRecipient recipient, Channel channel, DateTimeOffset requestedAt, CancellationToken ct)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (recipient.UserId is not { } userId || IsCritical(notification.Category))
        {
            return new DeliveryPlan(false, requestedAt, headers);
        }

        var optedOut = await db.ChannelPreferences.AsNoTracking()
            .AnyAsync(p => p.UserId == userId && p.Category == notification.Category && p.Channel == channel && !p.Enabled, ct);
        if (optedOut)
        {
            return new DeliveryPlan(true, requestedAt, headers);
        }

        var own = await db.RecipientSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId, ct);
        var zoneId = recipient.TimeZone ?? own?.TimeZone;
        var sendAt = requestedAt;
        // The inbox makes no sound: quiet hours hold back what would reach a phone or a mailbox, not the inbox.
        if (own is { QuietHoursStart: { } start, QuietHoursEnd: { } end } && start != end && channel != Channel.InApp)
        {
            var zone = zoneId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found) ? found : TimeZoneInfo.Utc;
            sendAt = AfterQuietHours(requestedAt, start, end, zone);
        }

        if (channel == Channel.Email)
        {
            var token = unsubscribe.Create(new UnsubscribeTokens.Subscription(userId, notification.Category, channel));
            var url = new Uri(settings.Value.PublicUrl, $"/api/notification-preferences/unsubscribe?token={Uri.EscapeDataString(token)}");
            headers["List-Unsubscribe"] = $"<{url}>";
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
        }
        return new DeliveryPlan(false, sendAt, headers);
    }

    /// <summary><paramref name="at"/>, or the end of the quiet hours it falls in (quiet hours may span midnight), in <paramref name="zone"/>.</summary>
    public static DateTimeOffset AfterQuietHours(DateTimeOffset at, TimeOnly start, TimeOnly end, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var quiet = start < end ? time >= start && time < end : time >= start || time < end;
        if (!quiet)
        {
            return at;
        }

        var endDay = DateOnly.FromDateTime(local.DateTime);
        if (start > end && time >= start)
        {
            endDay = endDay.AddDays(1);
        }
        var localEnd = endDay.ToDateTime(end, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(localEnd))
        {
            localEnd = localEnd.AddHours(1); // the end falls in a spring-forward gap
        }
        return new DateTimeOffset(localEnd, zone.GetUtcOffset(localEnd)).ToUniversalTime();
    }
}
