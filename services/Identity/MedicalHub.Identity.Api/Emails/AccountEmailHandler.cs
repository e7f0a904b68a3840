using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.Data.Outbox;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Identity.Api.Emails;

/// <summary>
/// Delivers one kind of Identity's account e-mails (<see cref="Type"/>: verification, password reset, invitation) through
/// the Communication service's <c>POST /api/notifications</c>, with Identity's client-credentials token: category
/// <c>account-security</c> (critical, so opt-outs and quiet hours do not apply), template = the message type, the
/// recipient's locale, the organization the e-mail is sent for, and the outbox message id as idempotency key, so a
/// delivery repeated by the relay never sends twice. Refusals that retrying cannot fix (4xx other than 401, 408 and
/// 429) dead-letter the message; everything else (5xx, timeouts, Communication or Identity's token endpoint
/// unreachable) is retried with the relay's backoff.
/// </summary>
public sealed class AccountEmailHandler(
    string type,
    IHttpClientFactory httpClients,
    IServiceScopeFactory scopes,
    IOptions<AccountEmailSettings> settings,
    ILogger<AccountEmailHandler> logger) : IOutboxHandler
{
    public const string HttpClientName = "medicalhub-communication-notifications";
    public const string Category = "account-security";

    public string Type => type;

    /// <summary>Every field any of the three payloads carries (older messages may lack <see cref="OrganizationId"/>).</summary>
    private sealed record Payload(Guid? UserId, Guid? InvitationId, Guid? OrganizationId, string? Email, string? GivenName, string? Locale,
        string? Token, string? OrganizationName, string? InviterName, DateTimeOffset? ExpiresAt);

    public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var payload = Parse(message);
        var organizationId = payload.OrganizationId ?? await OrganizationOfAsync(payload, cancellationToken)
            ?? throw new PermanentOutboxFailureException($"No organization to send {message.Type} {message.MessageId} for: the account has no membership and the invitation no longer exists.");
        var links = new EmailLinks(settings.Value.PublicAppUrl
            ?? throw new InvalidOperationException($"{AccountEmailSettings.SectionName}:PublicAppUrl is not configured."));

        var isInvitation = type == AccountEmails.Invitation;
        object data = isInvitation
            ? new
            {
                invitationId = payload.InvitationId,
                email = payload.Email,
                organizationName = payload.OrganizationName,
                inviterName = payload.InviterName,
                token = payload.Token,
                expiresAt = payload.ExpiresAt,
                link = links.AcceptInvitation(payload.InvitationId!.Value, payload.Token!),
            }
            : new
            {
                userId = payload.UserId,
                email = payload.Email,
                givenName = payload.GivenName,
                token = payload.Token,
                link = type == AccountEmails.PasswordReset
                    ? links.ResetPassword(payload.UserId!.Value, payload.Token!)
                    : links.VerifyEmail(payload.UserId!.Value, payload.Token!),
            };
        var notification = new
        {
            recipient = new { userId = isInvitation ? null : payload.UserId, email = payload.Email, locale = payload.Locale },
            category = Category,
            template = type,
            data,
            channels = new[] { "email" },
            organizationId,
        };

        var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.Value.CommunicationUrl, "/api/notifications"))
        {
            Content = JsonContent.Create(notification, options: JsonSerializerOptions.Web),
        };
        request.Headers.Add("Idempotency-Key", message.MessageId.ToString());
        using var response = await http.SendAsync(request, cancellationToken);
        await ThrowUnlessAcceptedAsync(message, response, cancellationToken);
    }

    private Payload Parse(OutboxMessage message)
    {
        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(message.Payload, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            throw new PermanentOutboxFailureException($"The {message.Type} payload is not valid JSON.", ex);
        }
        var complete = payload is { Email.Length: > 0, Token.Length: > 0 }
            && (type == AccountEmails.Invitation ? payload.InvitationId is not null : payload.UserId is not null);
        return complete ? payload! : throw new PermanentOutboxFailureException($"The {message.Type} payload lacks the recipient, the token or the id its link needs.");
    }

    /// <summary>For messages queued before payloads named it: the invitation's organization, or the account's oldest (active first) membership.</summary>
    private async Task<Guid?> OrganizationOfAsync(Payload payload, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        if (payload.InvitationId is { } invitationId)
        {
            return await db.Invitations.Where(i => i.Id == invitationId).Select(i => (Guid?)i.OrganizationId).SingleOrDefaultAsync(ct);
        }
        return await db.Memberships.Where(m => m.UserId == payload.UserId)
            .OrderByDescending(m => m.IsActive).ThenBy(m => m.CreatedAt)
            .Select(m => (Guid?)m.OrganizationId).FirstOrDefaultAsync(ct);
    }

    private async Task ThrowUnlessAcceptedAsync(OutboxMessage message, HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(ct);
        body = body.Length <= 500 ? body : body[..500];
        var failure = $"Communication answered {status} to {message.Type} {message.MessageId}: {body}";

        // 401: the token was refused (keys rotated, the cached token outlived a restart); the authentication handler has
        // dropped it, so the next attempt asks Identity for a new one. 408, 429 and 5xx: the service is busy or failing.
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || status >= 500)
        {
            throw new HttpRequestException(failure, null, response.StatusCode);
        }
        // The key names a notification already accepted for this message (a request changed between attempts, e.g. a new
        // public app URL): that e-mail is on its way, so this message is delivered.
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity && body.Contains("Idempotency key reused", StringComparison.Ordinal))
        {
            logger.LogWarning("{Type} {MessageId} was already accepted by Communication with other content; not sent again", message.Type, message.MessageId);
            return;
        }
        throw new PermanentOutboxFailureException(failure);
    }
}
