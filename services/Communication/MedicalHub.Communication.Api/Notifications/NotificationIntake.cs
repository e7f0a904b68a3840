using System.Diagnostics;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Engine;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Communication.Api.Preferences;
using MedicalHub.Communication.Api.Templates;
using MedicalHub.Security.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Notifications;

/// <summary>
/// Accepts a notification: validates it, renders its content (a broken or missing template is refused now, not found
/// at send time), and stores it with one delivery per channel in one statement (<see cref="NotificationWriter"/>).
/// Idempotent per organization and key: the unique index decides, so concurrent duplicates store one notification.
/// </summary>
public sealed partial class NotificationIntake(
    CommunicationDbContext db,
    TemplateResolver templates,
    TemplateRenderer renderer,
    RecipientPreferences preferences,
    DeliveryEngineSignal engine,
    MemberDirectory members,
    NotificationWriter writer,
    TimeProvider time)
{
    public abstract record Outcome;

    public sealed record Accepted(Notification Notification, bool Replayed) : Outcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : Outcome;

    /// <summary>The key was used before for a different request (422), or the content cannot be rendered.</summary>
    public sealed record Unprocessable(string Title, string Detail) : Outcome;

    public async Task<Outcome> AcceptAsync(SendNotificationRequest request, string? idempotencyHeader, CurrentCaller caller, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];

        var organizationId = OrganizationOf(request, caller, Error);
        var key = IdempotencyKeyOf(request, idempotencyHeader, Error);
        var recipient = request.Recipient;
        if (recipient is null || (recipient.UserId is null && recipient.Email is null && recipient.Phone is null && recipient.DeviceToken is null))
        {
            Error("recipient", "Give the recipient: a userId and/or an email, phone or deviceToken.");
        }
        if (recipient?.Email is { } email && (email.Length > 320 || !MailAddress.TryCreate(email, out _)))
        {
            Error("recipient.email", "Not a valid e-mail address.");
        }
        if (recipient?.Phone is { } phone && !E164().IsMatch(phone))
        {
            Error("recipient.phone", "Give the number in E.164 form, e.g. +32470123456.");
        }
        if (recipient?.DeviceToken is { Length: 0 or > 4096 })
        {
            Error("recipient.deviceToken", "A device token is 1 to 4096 characters.");
        }
        if (recipient?.Locale is { } locale && Locales.Normalize(locale) is null)
        {
            Error("recipient.locale", "Not a known locale (BCP 47, e.g. fr-BE).");
        }
        if (recipient?.TimeZone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            Error("recipient.timeZone", "Not a known IANA time zone.");
        }
        if (request.Category is null || !Slug().IsMatch(request.Category))
        {
            Error("category", "A category is required: lower-case letters, digits and dashes (e.g. appointment-reminder).");
        }
        if ((request.Template is null) == (request.Body is null))
        {
            Error("template", "Give either a template (with its data) or a body (with a subject for e-mail).");
        }
        if (request.Template is { } template && !TemplateKey().IsMatch(template))
        {
            Error("template", "A template key is lower-case letters, digits, dots and dashes (e.g. email.verify-address).");
        }
        if (request.Data is { } data && data.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
        {
            Error("data", "Template data is a JSON object.");
        }
        var original = request;
        if (errors.Count == 0 && recipient?.UserId is not null)
        {
            // Identity completes how to reach a user (a member of this organization only); what the caller gave wins.
            var completion = await members.CompleteRecipientAsync(request, organizationId, ct);
            if (completion is not MemberDirectory.Completed { Request: var completed })
            {
                return completion;
            }
            (request, recipient) = (completed, completed.Recipient);
        }
        var channels = ChannelsOf(request, Error);
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        // The key is checked when the notification is stored (one statement); a request that cannot be rendered now is
        // still answered as the replay it may be. The hash is of the request as sent, before Identity completed it.
        var hash = key is null ? null : Hash(original with { IdempotencyKey = null }, organizationId);
        var rendered = await RenderAsync(request, organizationId, ct);
        if (rendered is Unprocessable unprocessable)
        {
            return await ReplayOrAsync(unprocessable);
        }
        var content = ((Rendered)rendered).Content;
        if (channels.Contains(Channel.Email) && string.IsNullOrWhiteSpace(content.Subject))
        {
            return await ReplayOrAsync(new Invalid(new() { ["subject"] = ["E-mail needs a subject (or a template with one)."] }));
        }

        var now = time.GetUtcNow();
        var requestedAt = request.SendAt is { } at && at > now ? at : now;
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
        var notification = new Notification
        {
            OrganizationId = organizationId,
            Category = request.Category!,
            Recipient = recipient!.Email ?? recipient.Phone ?? recipient.UserId?.ToString() ?? recipient.DeviceToken!,
            RecipientUserId = recipient.UserId,
            Status = requestedAt > now ? NotificationStatus.Scheduled : NotificationStatus.Queued,
            TemplateKey = request.Template,
            Locale = request.Template is null ? null : content.Locale,
            SendAt = request.SendAt,
            IdempotencyKey = key,
            RequestHash = hash,
            RequestedBy = caller.IsService ? caller.ClientId : caller.UserId?.ToString(),
            TraceParent = traceParent,
            CreatedAt = now,
            UpdatedAt = now,
        };

        foreach (var channel in channels)
        {
            var plan = await preferences.PlanAsync(notification, recipient, channel, requestedAt, ct);
            notification.Deliveries.Add(new NotificationDelivery
            {
                NotificationId = notification.Id,
                OrganizationId = organizationId,
                Channel = channel,
                Address = AddressOf(recipient, channel),
                // An opted-out channel is kept, cancelled with the reason, so the sender sees why nothing went out.
                Status = plan.OptedOut ? NotificationStatus.Cancelled : plan.SendAt > now ? NotificationStatus.Scheduled : NotificationStatus.Queued,
                LastError = plan.OptedOut ? $"The recipient opted out of {notification.Category} by {channel.ToString().ToLowerInvariant()}." : null,
                NextAttemptAt = plan.SendAt,
                Subject = content.Subject,
                TextBody = content.TextBody,
                HtmlBody = channel == Channel.Email ? content.HtmlBody : null,
                HeadersJson = JsonSerializer.Serialize(plan.Headers),
                DataJson = JsonSerializer.Serialize(FlatData(request.Data)),
                TraceParent = traceParent,
                UpdatedAt = now,
            });
        }
        notification.Status = NotificationStatusRules.Aggregate([.. notification.Deliveries.Select(d => d.Status)]);

        if (!await writer.TryInsertAsync(db, notification, ct))
        {
            // The key is taken (a replay, or a concurrent request with the same key that won the race): answer as it.
            return await ExistingAsync(organizationId, key!, hash!, ct) ?? throw new InvalidOperationException("The idempotency key conflicted but no notification holds it.");
        }

        if (notification.Deliveries.Any(d => d.Status == NotificationStatus.Queued))
        {
            engine.Wake();
        }
        return new Accepted(notification, Replayed: false);

        async Task<Outcome> ReplayOrAsync(Outcome refusal) =>
            key is not null && await ExistingAsync(organizationId, key, hash!, ct) is { } replay ? replay : refusal;
    }

    private sealed record Rendered(RenderedContent Content) : Outcome;

    private async Task<Outcome> RenderAsync(SendNotificationRequest request, Guid organizationId, CancellationToken ct)
    {
        var data = request.Data is { ValueKind: JsonValueKind.Object } d
            ? (Dictionary<string, object?>)LiquidTemplates.FromJson(d)!
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        var locale = request.Recipient?.Locale;
        TemplateContent? template;
        if (request.Template is { } key)
        {
            template = await templates.ResolveAsync(organizationId, key, locale, ct);
            if (template is null)
            {
                return new Unprocessable("Unknown template.", $"No template '{key}' exists for this organization or as a system default.");
            }
        }
        else
        {
            // An ad-hoc body is sent as given, not interpreted as Liquid.
            return new Rendered(new RenderedContent(request.Subject, request.Body!, request.HtmlBody, Locales.Normalize(locale) ?? ""));
        }

        try
        {
            return new Rendered(await renderer.RenderAsync(template, data));
        }
        catch (Exception ex) when (ex is TemplateException or InvalidOperationException or ArgumentException)
        {
            return new Unprocessable("The template cannot be rendered.", ex.Message);
        }
    }

    private async Task<Outcome?> ExistingAsync(Guid organizationId, string key, string hash, CancellationToken ct)
    {
        var existing = await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.OrganizationId == organizationId && n.IdempotencyKey == key, ct);
        if (existing is null)
        {
            return null;
        }
        return existing.RequestHash == hash
            ? new Accepted(existing, Replayed: true)
            : new Unprocessable("Idempotency key reused.", "This idempotency key was already used for a different notification; use a new key for a new notification.");
    }

    private static Guid OrganizationOf(SendNotificationRequest request, CurrentCaller caller, Action<string, string> error)
    {
        if (caller.IsService)
        {
            if (request.OrganizationId is not { } forOrganization || forOrganization == Guid.Empty)
            {
                error("organizationId", "A service sends on behalf of an organization: give its id.");
                return Guid.Empty;
            }
            return forOrganization;
        }
        if (caller.OrganizationId is not { } own)
        {
            error("organizationId", "The token names no organization.");
            return Guid.Empty;
        }
        if (request.OrganizationId is { } other && other != own)
        {
            error("organizationId", "A user sends only within the organization of their token.");
        }
        return own;
    }

    private static string? IdempotencyKeyOf(SendNotificationRequest request, string? header, Action<string, string> error)
    {
        if (header is not null && request.IdempotencyKey is not null && header != request.IdempotencyKey)
        {
            error("idempotencyKey", "The Idempotency-Key header and the idempotencyKey field differ.");
        }
        var key = header ?? request.IdempotencyKey;
        if (key is { Length: 0 or > 200 })
        {
            error("idempotencyKey", "An idempotency key is 1 to 200 characters.");
        }
        return key;
    }

    private static List<Channel> ChannelsOf(SendNotificationRequest request, Action<string, string> error)
    {
        var recipient = request.Recipient;
        var channels = new List<Channel>();
        if (request.Channels is null)
        {
            if (recipient?.Email is not null) channels.Add(Channel.Email);
            if (recipient?.Phone is not null) channels.Add(Channel.Sms);
            if (recipient?.DeviceToken is not null) channels.Add(Channel.Push);
            if (channels.Count == 0 && recipient?.UserId is not null)
            {
                error("recipient", "Identity knows no verified e-mail address or phone number for this user: give the recipient's address.");
            }
            return channels;
        }

        foreach (var name in request.Channels)
        {
            if (!Enum.TryParse<Channel>(name, ignoreCase: true, out var channel) || !Enum.IsDefined(channel) || int.TryParse(name, out _))
            {
                error("channels", $"Unknown channel '{name}' (email, sms, push, inapp).");
                continue;
            }
            if (recipient is not null && AddressOrNull(recipient, channel) is null)
            {
                error("channels", $"The {name} channel needs the recipient's {channel switch
                {
                    Channel.Email => "email",
                    Channel.Sms => "phone",
                    Channel.InApp => "userId (a member of the organization)",
                    _ => "deviceToken",
                }}.");
            }
            if (!channels.Contains(channel))
            {
                channels.Add(channel);
            }
        }
        if (channels.Count == 0)
        {
            error("channels", "Give at least one channel, or leave channels out.");
        }
        return channels;
    }

    private static string AddressOf(NotificationRecipient recipient, Channel channel) => AddressOrNull(recipient, channel)!;

    private static string? AddressOrNull(NotificationRecipient recipient, Channel channel) => channel switch
    {
        Channel.Email => recipient.Email,
        Channel.Sms => recipient.Phone,
        Channel.InApp => recipient.UserId?.ToString(),
        _ => recipient.DeviceToken,
    };

    /// <summary>Top-level scalar data as strings: what push providers carry as key/value data.</summary>
    private static Dictionary<string, string> FlatData(JsonElement? data) =>
        data is { ValueKind: JsonValueKind.Object } d
            ? d.EnumerateObject().Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal)
            : [];

    private static string Hash(SendNotificationRequest request, Guid organizationId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(organizationId + "\n" + JsonSerializer.Serialize(request, JsonSerializerOptions.Web))));

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    internal static partial Regex E164();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex Slug();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    internal static partial Regex TemplateKey();
}
