using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using MedicalHub.Security.Authentication;
using Microsoft.Extensions.Options;

namespace MedicalHub.Security.ServiceClients;

/// <summary>
/// Client-credentials access tokens for this service, one per target audience, cached and replaced before they
/// expire. Concurrent callers needing a new token for the same audience share one request to Identity.
/// </summary>
public sealed class ServiceTokenClient(
    IHttpClientFactory httpClients,
    IOptions<ServiceClientSettings> settings,
    IOptions<AuthenticationSettings> authentication,
    TimeProvider time)
{
    internal const string TokenHttpClient = "medicalhub-identity-token";

    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    private sealed record CachedToken(string AccessToken, DateTimeOffset RefreshAt);

    public async Task<string> GetTokenAsync(string audience, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(audience, out var cached) && cached.RefreshAt > time.GetUtcNow())
        {
            return cached.AccessToken;
        }

        var gate = _locks.GetOrAdd(audience, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have fetched it while this one waited.
            if (_tokens.TryGetValue(audience, out cached) && cached.RefreshAt > time.GetUtcNow())
            {
                return cached.AccessToken;
            }
            var fresh = await RequestAsync(audience, cancellationToken);
            _tokens[audience] = fresh;
            return fresh.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the cached token (the target refused it), so the next call gets a new one.</summary>
    public void Invalidate(string audience) => _tokens.TryRemove(audience, out _);

    /// <summary>
    /// How a token for one audience is asked for. The only place that knows it, so it can follow Identity's side:
    /// the audience is requested as a scope of the same name.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, string>> AudienceRequest(string audience) =>
        [new("scope", audience)];

    private async Task<CachedToken> RequestAsync(string audience, CancellationToken cancellationToken)
    {
        var s = settings.Value;
        if (string.IsNullOrEmpty(s.ClientId) || string.IsNullOrEmpty(s.Secret))
        {
            throw new InvalidOperationException($"{ServiceClientSettings.SectionName}:ClientId and :Secret must be configured to call other services.");
        }

        var http = httpClients.CreateClient(TokenHttpClient);
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", s.ClientId),
            new("client_secret", s.Secret),
            .. AudienceRequest(audience),
        ]);
        var issuedAt = time.GetUtcNow();
        using var response = await http.PostAsync(new Uri(authentication.Value.IdentityUrl, s.TokenPath), form, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Identity refused a token for audience '{audience}': {(int)response.StatusCode} {error}", null, response.StatusCode);
        }

        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new HttpRequestException("Identity's token response was empty.");
        var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 1));
        return new CachedToken(token.AccessToken, issuedAt + lifetime * (1 - s.RefreshBeforeExpiryRatio));
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
