using System.Security.Cryptography;
using System.Text;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Webhooks;

/// <summary>
/// Twilio's status callbacks: <c>X-Twilio-Signature</c> is base64(HMAC-SHA1(auth token, the full URL Twilio called +
/// every POST parameter's name and value, sorted by name)). Twilio signs no timestamp, so replays cannot be dated;
/// a replayed status is harmless (the same status recorded again).
/// </summary>
public static class TwilioStatusCallback
{
    public const string SignatureHeader = "X-Twilio-Signature";

    public static string ComputeSignature(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

#pragma warning disable CA5350 // HMAC-SHA1 is what Twilio's signature scheme specifies
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    /// <summary>True when the signature matches the URL as given or with its default port added or removed (Twilio's own validators allow both).</summary>
    public static bool IsAuthentic(string authToken, string? signature, Uri url, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(signature);
        return UrlVariants(url).Any(candidate =>
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ComputeSignature(authToken, candidate, parameters)), expected));
    }

    private static IEnumerable<string> UrlVariants(Uri url)
    {
        yield return url.AbsoluteUri;
        var host = $"{url.Scheme}://{url.Host}";
        yield return url.IsDefaultPort ? $"{host}:{url.Port}{url.PathAndQuery}" : $"{host}{url.PathAndQuery}";
    }

    /// <summary>delivered → delivered, undelivered (the carrier could not reach the handset) → bounced, failed → failed; other statuses change nothing.</summary>
    public static ProviderStatusEvent? Translate(string provider, IReadOnlyDictionary<string, string> form, DateTimeOffset receivedAt)
    {
        var status = form.GetValueOrDefault("MessageStatus") switch
        {
            "delivered" => ProviderStatus.Delivered,
            "undelivered" => ProviderStatus.Bounced,
            "failed" => ProviderStatus.Failed,
            _ => (ProviderStatus?)null,
        };
        var sid = form.GetValueOrDefault("MessageSid") ?? form.GetValueOrDefault("SmsSid");
        if (status is null || string.IsNullOrEmpty(sid))
        {
            return null;
        }

        var errorCode = form.GetValueOrDefault("ErrorCode");
        return new ProviderStatusEvent(provider, sid, status.Value, receivedAt, string.IsNullOrEmpty(errorCode) ? null : $"Twilio error {errorCode}");
    }
}
