using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalHub.Communication.Api.Providers.Fcm;

public sealed class FcmOptions : ProviderOptions
{
    public const string MessagingScope = "https://www.googleapis.com/auth/firebase.messaging";

    public override Uri BaseUrl { get; set; } = new("https://fcm.googleapis.com/");

    /// <summary>
    /// The whole service-account key file (JSON, secret) as Google issues it. The separate keys below, when set, win
    /// over the file's fields.
    /// </summary>
    public string? ServiceAccountJson { get; set; }

    /// <summary>The Firebase project, as in <c>/v1/projects/{projectId}/messages:send</c>.</summary>
    public string? ProjectId { get; set; }

    /// <summary>The service account's e-mail: the JWT's issuer.</summary>
    public string? ClientEmail { get; set; }

    /// <summary>The service account's RSA private key in PEM (secret).</summary>
    public string? PrivateKey { get; set; }

    public string? PrivateKeyId { get; set; }

    /// <summary>Where the signed JWT is exchanged for an access token.</summary>
    public Uri? TokenUri { get; set; }

    /// <summary>Fills the unset keys from <see cref="ServiceAccountJson"/>; the result is what the provider uses.</summary>
    public FcmOptions Resolve()
    {
        if (string.IsNullOrWhiteSpace(ServiceAccountJson))
        {
            TokenUri ??= new Uri("https://oauth2.googleapis.com/token");
            return this;
        }

        var account = JsonSerializer.Deserialize<ServiceAccountKey>(ServiceAccountJson)
            ?? throw new JsonException("The service account JSON is empty");
        ProjectId ??= account.ProjectId;
        ClientEmail ??= account.ClientEmail;
        PrivateKey ??= account.PrivateKey;
        PrivateKeyId ??= account.PrivateKeyId;
        TokenUri ??= account.TokenUri is null ? null : new Uri(account.TokenUri);
        TokenUri ??= new Uri("https://oauth2.googleapis.com/token");
        return this;
    }

    public override IEnumerable<string> Validate()
    {
        try
        {
            Resolve();
        }
        catch (JsonException exception)
        {
            return [$"{nameof(ServiceAccountJson)} is not a service account key file: {exception.Message}"];
        }

        var errors = base.Validate().Concat(Required(
            (nameof(ProjectId), ProjectId),
            (nameof(ClientEmail), ClientEmail),
            (nameof(PrivateKey), PrivateKey))).ToList();
        if (!string.IsNullOrWhiteSpace(PrivateKey))
        {
            try
            {
                using var rsa = System.Security.Cryptography.RSA.Create();
                rsa.ImportFromPem(GoogleAccessTokenSource.NormalizePem(PrivateKey));
            }
            catch (ArgumentException)
            {
                errors.Add($"{nameof(PrivateKey)} is not an RSA private key in PEM");
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                errors.Add($"{nameof(PrivateKey)} is not an RSA private key in PEM");
            }
        }

        return errors;
    }

    private sealed record ServiceAccountKey(
        [property: JsonPropertyName("project_id")] string? ProjectId,
        [property: JsonPropertyName("client_email")] string? ClientEmail,
        [property: JsonPropertyName("private_key")] string? PrivateKey,
        [property: JsonPropertyName("private_key_id")] string? PrivateKeyId,
        [property: JsonPropertyName("token_uri")] string? TokenUri);
}
