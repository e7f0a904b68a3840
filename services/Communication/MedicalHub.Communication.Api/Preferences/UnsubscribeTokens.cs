using System.Security.Cryptography;
using System.Text;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Routing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace MedicalHub.Communication.Api.Preferences;

/// <summary>
/// The token in a one-click unsubscribe link: who opts out of which category on which channel, signed with HMAC-SHA256
/// under <c>MedicalHub:Communication:UnsubscribeKey</c> (an AppHost secret), so a link cannot be forged or altered.
/// </summary>
public sealed class UnsubscribeTokens
{
    private readonly byte[] _key;

    public UnsubscribeTokens(IOptions<CommunicationSettings> settings, ILogger<UnsubscribeTokens> logger)
    {
        if (string.IsNullOrEmpty(settings.Value.UnsubscribeKey))
        {
            // Links then only work until this process stops: fine for a test host, wrong for a deployment.
            logger.LogWarning("MedicalHub:Communication:UnsubscribeKey is not set: unsubscribe links are signed with a key that dies with this process");
            _key = RandomNumberGenerator.GetBytes(32);
        }
        else
        {
            _key = SHA256.HashData(Encoding.UTF8.GetBytes(settings.Value.UnsubscribeKey));
        }
    }

    public sealed record Subscription(Guid UserId, string Category, Channel Channel);

    public string Create(Subscription subscription)
    {
        var payload = $"{subscription.UserId:N}|{subscription.Category}|{subscription.Channel}";
        return $"{Base64UrlEncoder.Encode(payload)}.{Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload)))}";
    }

    public Subscription? Read(string? token)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 2 })
        {
            return null;
        }
        try
        {
            var payload = Base64UrlEncoder.Decode(parts[0]);
            var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload));
            if (!CryptographicOperations.FixedTimeEquals(expected, Base64UrlEncoder.DecodeBytes(parts[1])))
            {
                return null;
            }
            var fields = payload.Split('|');
            return fields.Length == 3 && Guid.TryParse(fields[0], out var user) && Enum.TryParse<Channel>(fields[2], out var channel)
                ? new Subscription(user, fields[1], channel)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
