using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalHub.Communication.Api.Providers.Fcm;

/// <summary>
/// OAuth2 access tokens for a Google service account (RFC 7523 JWT bearer grant): a JWT signed RS256 with the
/// account's private key is exchanged at the token URI, and the token is reused until shortly before it expires.
/// </summary>
public sealed class GoogleAccessTokenSource(FcmOptions options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan RenewBeforeExpiry = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CachedToken? _current;

    /// <summary>A valid token, or the reason none could be had (never throws for an HTTP failure).</summary>
    public async Task<(string? Token, string? Error)> GetTokenAsync(HttpClient client, CancellationToken cancellationToken)
    {
        if (_current is { } cached && time.GetUtcNow() < cached.RenewAt)
        {
            return (cached.Token, null);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } renewed && time.GetUtcNow() < renewed.RenewAt)
            {
                return (renewed.Token, null);
            }

            return await RequestTokenAsync(client, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached token, e.g. after the API refused it.</summary>
    public void Invalidate() => _current = null;

    public void Dispose() => _gate.Dispose();

    private async Task<(string? Token, string? Error)> RequestTokenAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var issuedAt = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenUri)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                new("assertion", CreateAssertion(issuedAt)),
            ]),
        };

        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                return (null, $"The token endpoint answered {(int)response.StatusCode}: {body}");
            }

            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
            if (string.IsNullOrEmpty(token?.AccessToken))
            {
                return (null, "The token endpoint answered without an access_token");
            }

            var lifetime = TimeSpan.FromSeconds(token.ExpiresIn > 0 ? token.ExpiresIn : 3600);
            _current = new CachedToken(token.AccessToken, issuedAt + lifetime - RenewBeforeExpiry);
            return (token.AccessToken, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"The token endpoint could not be reached: {exception.Message}");
        }
    }

    internal string CreateAssertion(DateTimeOffset issuedAt)
    {
        var header = new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (!string.IsNullOrWhiteSpace(options.PrivateKeyId))
        {
            header["kid"] = options.PrivateKeyId;
        }

        var claims = new Dictionary<string, object>
        {
            ["iss"] = options.ClientEmail!,
            ["scope"] = FcmOptions.MessagingScope,
            ["aud"] = options.TokenUri!.AbsoluteUri,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = (issuedAt + AssertionLifetime).ToUnixTimeSeconds(),
        };

        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(NormalizePem(options.PrivateKey!));
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>Keys pasted into environment variables often carry literal <c>\n</c> instead of line breaks.</summary>
    public static string NormalizePem(string pem) => pem.Replace("\\n", "\n", StringComparison.Ordinal);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record CachedToken(string Token, DateTimeOffset RenewAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("token_type")] string? TokenType);
}
