using System.Net;

namespace MedicalHub.Data.Outbox;

/// <summary>How an outbox handler that calls another service over HTTP reads the answer.</summary>
public static class OutboxHttp
{
    /// <summary>
    /// Returns when the call succeeded; throws <see cref="HttpRequestException"/> (the relay retries) on 401 (the
    /// authentication handler dropped the refused token, the next attempt gets a new one), 408, 429 and 5xx; throws
    /// <see cref="PermanentOutboxFailureException"/> (dead letter) on any other refusal, which retrying cannot fix.
    /// </summary>
    /// <param name="what">Names the message in the failure, e.g. <c>workflow.notification 0193…</c>.</param>
    public static async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(ct);
        body = body.Length <= 500 ? body : body[..500];
        var failure = $"{response.RequestMessage?.RequestUri?.Host ?? "The service"} answered {status} to {what}: {body}";
        if (IsRetryable(response.StatusCode))
        {
            throw new HttpRequestException(failure, null, response.StatusCode);
        }
        throw new PermanentOutboxFailureException(failure);
    }

    /// <summary>401, 408, 429 and 5xx: the target is busy, failing, or refused a token that a new one may fix.</summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
