using System.Net;
using System.Net.Http.Json;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.ServiceClients;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// Whether a user is an active member of an organization, and who holds a role in one, as Identity says
/// (<c>GET /api/internal/organizations/{org}/members/{user}/contact</c> and <c>…/roles/{role}/members</c>, with Content's
/// client-credentials token for the audience <c>identity</c> and the permission <c>users:read-contact</c>). Asked when a
/// share is made, so a share never names someone or a role that cannot use it, and when a role's share is notified. The
/// answer for an unknown user and for another organization's is the same.
/// </summary>
public sealed class ShareRecipients(IHttpClientFactory clients, ILogger<ShareRecipients> logger)
{
    public const string HttpClientName = "MedicalHub.Content.ShareRecipients";

    public enum Membership
    {
        Member,
        NotAMember,
        Unknown,
    }

    /// <summary>The outcome of asking who holds a role.</summary>
    public abstract record RoleLookup;

    /// <summary>The active members holding the role (possibly none).</summary>
    public sealed record RoleMembers(Guid[] UserIds) : RoleLookup;

    /// <summary>The organization has no role of that name (or there is no such organization).</summary>
    public sealed record UnknownRole : RoleLookup;

    /// <summary>Identity could not be asked.</summary>
    public sealed record RoleUnavailable : RoleLookup;

    private sealed record RoleMembersAnswer(string Role, Guid[] UserIds);

    public async Task<RoleLookup> RoleMembersAsync(Guid organizationId, string role, CancellationToken ct)
    {
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(
                new Uri($"/api/internal/organizations/{organizationId}/roles/{Uri.EscapeDataString(role)}/members", UriKind.Relative), ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var answer = await response.Content.ReadFromJsonAsync<RoleMembersAnswer>(ct);
                    return new RoleMembers(answer?.UserIds ?? []);
                case HttpStatusCode.NotFound:
                    return new UnknownRole();
                default:
                    logger.LogWarning("Identity answered {Status} when asked who holds a share's role", (int)response.StatusCode);
                    return new RoleUnavailable();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Identity could not be asked who holds a share's role");
            return new RoleUnavailable();
        }
    }

    public async Task<Membership> CheckAsync(Guid organizationId, Guid userId, CancellationToken ct)
    {
        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .GetAsync(new Uri($"/api/internal/organizations/{organizationId}/members/{userId}/contact", UriKind.Relative), ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return Membership.Member;
                case HttpStatusCode.NotFound:
                    return Membership.NotAMember;
                default:
                    logger.LogWarning("Identity answered {Status} when asked whether a share's recipient is a member", (int)response.StatusCode);
                    return Membership.Unknown;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Identity could not be asked whether a share's recipient is a member");
            return Membership.Unknown;
        }
    }

    public static void Register(IHostApplicationBuilder builder)
    {
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience, and the documented way to undo ConfigureHttpClientDefaults
        builder.Services.AddHttpClient(HttpClientName, (sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<AuthenticationSettings>>().Value.IdentityUrl;
                http.Timeout = TimeSpan.FromSeconds(5);
            })
            .AddServiceAuthentication("identity")
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<ShareRecipients>(); // stateless: also used by the share notifications' outbox handler
    }
}
