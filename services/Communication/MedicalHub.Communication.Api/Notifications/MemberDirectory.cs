using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.Communication.Api.Templates;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.ServiceClients;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Notifications;

/// <summary>
/// A recipient given by user id: Identity tells how to reach them (verified e-mail, phone, locale, time zone), for the
/// organization the notification is sent for only (<c>GET /api/internal/organizations/{org}/members/{user}/contact</c>,
/// with this service's client-credentials token for the audience <c>identity</c>). Asked at every intake, not cached, so a
/// deactivated member or a changed address takes effect at once.
/// </summary>
public sealed partial class MemberDirectory(IHttpClientFactory clients, IOptions<MemberDirectorySettings> settings, ILogger<MemberDirectory> logger)
{
    public const string HttpClientName = "MedicalHub.Communication.MemberDirectory";

    /// <summary>The audience of the service token the lookup carries.</summary>
    public const string IdentityAudience = "identity";

    /// <summary>Identity's answer (<c>MemberContactApi.MemberContact</c>).</summary>
    /// <param name="PatientId">A patient portal account's record in the organization; null for staff.</param>
    public sealed record MemberContact(Guid UserId, string? Email, string? Phone, string? Locale, string? TimeZone, string? GivenName, string? FamilyName, Guid? PatientId = null);

    public abstract record Lookup;

    public sealed record Found(MemberContact Contact) : Lookup;

    /// <summary>No active member of the organization has this id (unknown user, or another organization's).</summary>
    public sealed record NotAMember : Lookup;

    /// <summary>Identity could not be asked (down, slow, or refusing this service's token): nothing can be decided now.</summary>
    public sealed record Unavailable : Lookup;

    /// <summary>The request with its recipient completed from Identity.</summary>
    public sealed record Completed(SendNotificationRequest Request) : NotificationIntake.Outcome;

    /// <summary>Identity could not be asked: the caller is told to retry (503 with <c>Retry-After</c>); nothing is stored.</summary>
    public sealed record RecipientUnavailable(TimeSpan RetryAfter) : NotificationIntake.Outcome
    {
        public const string Title = "The recipient cannot be looked up now.";

        public const string Detail = "Identity could not be asked how to reach this user. Nothing was accepted: send the same request again "
            + "(with the same idempotency key) after the Retry-After delay.";
    }

    /// <summary>
    /// <paramref name="request"/> with its recipient completed from Identity (<see cref="Completed"/>): what the caller gave
    /// wins, Identity fills in the rest (only values this service can use: an E.164 phone, a known locale and time zone).
    /// A user id that is not an active member of <paramref name="organizationId"/> (unknown, deactivated, or another
    /// organization's: the answer is the same, so nothing leaks across organizations) is refused (422); an Identity that
    /// cannot be asked gives <see cref="RecipientUnavailable"/> (503).
    /// </summary>
    public async Task<NotificationIntake.Outcome> CompleteRecipientAsync(SendNotificationRequest request, Guid organizationId, CancellationToken ct)
    {
        if (request.Recipient is not { UserId: { } userId } recipient)
        {
            return new Completed(request);
        }
        return await FindAsync(organizationId, userId, ct) switch
        {
            Found { Contact: var contact } => new Completed(request with
            {
                Recipient = recipient with
                {
                    Email = recipient.Email ?? contact.Email,
                    Phone = recipient.Phone ?? UsablePhone(contact.Phone),
                    Locale = recipient.Locale ?? (contact.Locale is { } locale && Locales.Normalize(locale) is not null ? locale : null),
                    TimeZone = recipient.TimeZone ?? (contact.TimeZone is { } zone && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _) ? zone : null),
                },
            }),
            NotAMember => new NotificationIntake.Unprocessable("Unknown recipient.",
                $"No active member of this organization has the user id {userId}: nothing was sent. Check the id, or give the recipient's address without it."),
            _ => new RecipientUnavailable(settings.Value.RetryAfter),
        };
    }

    public async Task<Lookup> FindAsync(Guid organizationId, Guid userId, CancellationToken ct)
    {
        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .GetAsync(new Uri($"/api/internal/organizations/{organizationId}/members/{userId}/contact", UriKind.Relative), ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return await response.Content.ReadFromJsonAsync<MemberContact>(ct) is { } contact ? new Found(contact) : new Unavailable();
                case HttpStatusCode.NotFound:
                    return new NotAMember();
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    // A configuration fault, not an outage: this service's client lacks the audience or the permission.
                    LogRefused(logger, (int)response.StatusCode, userId, IdentityAudience);
                    return new Unavailable();
                default:
                    LogUnavailable(logger, null, userId, $"Identity answered {(int)response.StatusCode}");
                    return new Unavailable();
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            LogUnavailable(logger, exception, userId, exception.Message);
            return new Unavailable();
        }
    }

    /// <summary>Identity keeps a phone as the user typed it; only its E.164 form (spaces, dots, dashes, brackets removed) can be sent to.</summary>
    internal static string? UsablePhone(string? phone)
    {
        if (phone is null)
        {
            return null;
        }
        var compact = new string([.. phone.Where(c => c is not (' ' or '.' or '-' or '(' or ')'))]);
        return NotificationIntake.E164().IsMatch(compact) ? compact : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity could not tell how to reach user {UserId}: {Reason}.")]
    private static partial void LogUnavailable(ILogger logger, Exception? exception, Guid userId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Identity refused this service's token ({Status}) when asked how to reach user {UserId}: "
        + "the communication service client needs the audience '{Audience}' and the permission 'users:read-contact' (Identity's MedicalHub:Identity:ServiceClients).")]
    private static partial void LogRefused(ILogger logger, int status, Guid userId, string audience);
}

/// <summary><c>MedicalHub:Communication:MemberDirectory</c>.</summary>
public sealed class MemberDirectorySettings
{
    public const string SectionName = "MedicalHub:Communication:MemberDirectory";

    /// <summary>How long an intake waits for Identity (token included) before answering 503: a caller is waiting.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> of that 503.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}

public static class MemberDirectoryExtensions
{
    public static IHostApplicationBuilder AddMemberDirectory(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<MemberDirectorySettings>(builder.Configuration.GetSection(MemberDirectorySettings.SectionName));
        // A caller is waiting: one attempt bounded by the timeout, then 503 with Retry-After, instead of the default
        // pipeline's retries over up to 30 s. Retrying is the caller's (idempotent) part.
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience, and the documented way to undo ConfigureHttpClientDefaults
        builder.Services.AddHttpClient(MemberDirectory.HttpClientName, (sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<AuthenticationSettings>>().Value.IdentityUrl;
                http.Timeout = sp.GetRequiredService<IOptions<MemberDirectorySettings>>().Value.Timeout;
            })
            .AddServiceAuthentication(MemberDirectory.IdentityAudience)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddScoped<MemberDirectory>();
        return builder;
    }
}
