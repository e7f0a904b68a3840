using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Webhooks;

/// <summary>
/// SendGrid's signed Event Webhook: an ECDSA P-256 / SHA-256 signature (DER, base64) over the timestamp header followed
/// by the raw body, checked with the account's verification key; the body is a JSON array of events.
/// </summary>
public static class SendGridEventWebhook
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    public static bool IsAuthentic(string publicKey, string? signature, string? timestamp, ReadOnlySpan<byte> payload, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(signature) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        try
        {
            using var key = ImportPublicKey(publicKey);
            var signed = new byte[Encoding.UTF8.GetByteCount(timestamp!) + payload.Length];
            var written = Encoding.UTF8.GetBytes(timestamp!, signed);
            payload.CopyTo(signed.AsSpan(written));
            return key.VerifyData(signed, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The key as SendGrid shows it (base64 SubjectPublicKeyInfo) or the same in PEM.</summary>
    public static ECDsa ImportPublicKey(string publicKey)
    {
        var key = ECDsa.Create();
        try
        {
            if (publicKey.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                key.ImportFromPem(publicKey);
            }
            else
            {
                key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey.Trim()), out _);
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Delivered, bounced (bounce and block) and dropped events; the rest (processed, deferred, open...) change nothing here.</summary>
    public static List<ProviderStatusEvent> Translate(string provider, JsonElement events, DateTimeOffset receivedAt)
    {
        var translated = new List<ProviderStatusEvent>();
        if (events.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("The SendGrid event webhook body is a JSON array");
        }

        foreach (var item in events.EnumerateArray())
        {
            var status = String(item, "event") switch
            {
                "delivered" => ProviderStatus.Delivered,
                "bounce" => ProviderStatus.Bounced,
                "dropped" => ProviderStatus.Failed,
                _ => (ProviderStatus?)null,
            };
            // sg_message_id is the X-Message-Id of the send followed by ".filter..." routing detail.
            var messageId = String(item, "sg_message_id")?.Split('.')[0];
            if (status is null || string.IsNullOrEmpty(messageId))
            {
                continue;
            }

            var occurredAt = item.TryGetProperty("timestamp", out var ts) && ts.TryGetInt64(out var unix)
                ? DateTimeOffset.FromUnixTimeSeconds(unix)
                : receivedAt;
            var detail = string.Join(": ", new[] { String(item, "type"), String(item, "reason") }.Where(part => !string.IsNullOrEmpty(part)));
            translated.Add(new ProviderStatusEvent(provider, messageId, status.Value, occurredAt, detail.Length == 0 ? null : detail));
        }

        return translated;
    }

    private static string? String(JsonElement item, string property) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
