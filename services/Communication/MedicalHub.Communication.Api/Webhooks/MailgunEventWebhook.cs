using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Webhooks;

/// <summary>
/// Mailgun's JSON webhooks: <c>{"signature": {"timestamp", "token", "signature"}, "event-data": {...}}</c>, where the
/// signature is hex(HMAC-SHA256(webhook signing key, timestamp + token)).
/// </summary>
public static class MailgunEventWebhook
{
    public static bool IsAuthentic(string signingKey, string? timestamp, string? token, string? signature, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(signature)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes(timestamp + token));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The signature block's three fields, or nulls when the body does not have them.</summary>
    public static (string? Timestamp, string? Token, string? Signature) ReadSignature(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("signature", out var block) && block.ValueKind == JsonValueKind.Object
            ? (Text(block, "timestamp"), Text(block, "token"), Text(block, "signature"))
            : (null, null, null);

    /// <summary>
    /// delivered → delivered; failed with permanent severity → bounced (temporary failures are still being retried by
    /// Mailgun); rejected → failed; other events change nothing.
    /// </summary>
    public static ProviderStatusEvent? Translate(string provider, JsonElement body, DateTimeOffset receivedAt)
    {
        if (!body.TryGetProperty("event-data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A Mailgun webhook body has an event-data object");
        }

        var status = (Text(data, "event"), Text(data, "severity")) switch
        {
            ("delivered", _) => ProviderStatus.Delivered,
            ("failed", "permanent") => ProviderStatus.Bounced,
            ("rejected", _) => ProviderStatus.Failed,
            _ => (ProviderStatus?)null,
        };
        var messageId = data.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
            ? Text(headers, "message-id")
            : null;
        if (status is null || string.IsNullOrEmpty(messageId))
        {
            return null;
        }

        var occurredAt = data.TryGetProperty("timestamp", out var ts) && ts.TryGetDouble(out var unix)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(unix * 1000))
            : receivedAt;
        string? detail = null;
        if (data.TryGetProperty("delivery-status", out var delivery) && delivery.ValueKind == JsonValueKind.Object)
        {
            detail = Text(delivery, "description") is { Length: > 0 } description ? description : Text(delivery, "message");
        }

        detail ??= Text(data, "reason");
        return new ProviderStatusEvent(provider, messageId.Trim('<', '>'), status.Value, occurredAt, string.IsNullOrEmpty(detail) ? null : detail);
    }

    private static string? Text(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
