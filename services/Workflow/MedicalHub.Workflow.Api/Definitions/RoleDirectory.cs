using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Net.Http.Headers;

namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>
/// The role names an organization's tasks may be assigned to: Identity's built-in roles, and the organization's custom
/// roles read from Identity's <c>GET /api/organizations/current/roles</c> with the caller's own token (a read the caller
/// is entitled to: it needs users:read), cached for a minute per organization. When Identity cannot be asked, only the
/// built-in roles are known and the answer says so (<see cref="Roles.Complete"/> false).
/// </summary>
public sealed class RoleDirectory(IHttpClientFactory httpClients, TimeProvider time, ILogger<RoleDirectory> logger)
{
    public const string HttpClientName = "workflow-identity-roles";

    /// <summary>Identity's built-in roles, which every organization has.</summary>
    public static readonly IReadOnlyList<string> BuiltIn = ["OrgAdmin", "Practitioner", "Nurse", "Receptionist"];

    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, (IReadOnlySet<string> Names, DateTimeOffset Until)> _cache = new();

    public sealed record Roles(IReadOnlySet<string> Names, bool Complete);

    private sealed record RoleView(string Name);

    public async Task<Roles> KnownAsync(Guid organizationId, HttpContext http, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(organizationId, out var cached) && cached.Until > now)
        {
            return new Roles(cached.Names, Complete: true);
        }
        var authorization = http.Request.Headers[HeaderNames.Authorization].ToString();
        if (!AuthenticationHeaderValue.TryParse(authorization, out var bearer) || bearer.Scheme != "Bearer")
        {
            return new Roles(BuiltIn.ToHashSet(StringComparer.Ordinal), Complete: false);
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/organizations/current/roles");
            request.Headers.Authorization = bearer;
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("Identity answered {Status} for the organization's roles; only the built-in roles are known", (int)response.StatusCode);
                return new Roles(BuiltIn.ToHashSet(StringComparer.Ordinal), Complete: false);
            }
            var roles = await response.Content.ReadFromJsonAsync<RoleView[]>(ct) ?? [];
            var names = roles.Select(r => r.Name).Concat(BuiltIn).ToHashSet(StringComparer.Ordinal);
            _cache[organizationId] = (names, now + CacheFor);
            return new Roles(names, Complete: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            logger.LogWarning(ex, "Identity could not be asked for the organization's roles");
            return new Roles(BuiltIn.ToHashSet(StringComparer.Ordinal), Complete: false);
        }
    }
}
