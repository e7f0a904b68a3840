using System.Net;

namespace MedicalHub.Data.Outbox;

/// <summary>
/// How a caller that owns its retries (an outbox handler, Workflow's service-call steps) reads another service's HTTP
/// answer: which refusals are worth another attempt and which retrying cannot fix. One rule for the platform.
/// </summary>
public static class OutboxHttp
{
    /// <summary>
    /// Returns when the call succeeded; throws <see cref="HttpRequestException"/> (the relay retries) on what
    /// <see cref="IsRetryable"/> says is worth another attempt; throws <see cref="PermanentOutboxFailureException"/> (dead
    /// letter) on any other refusal.
    /// </summary>
    /// <param name="what">Names the message in the failure, e.g. <c>workflow.notification 0193…</c>.</param>
    /// <param name="target">Names the service in the failure; the request's host when null.</param>
    /// <param name="notFoundIsRetryable">See <see cref="IsRetryable"/>.</param>
    public static async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct, string? target = null,
        bool notFoundIsRetryable = false)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(ct);
        body = body.Length <= 500 ? body : body[..500];
        var failure = $"{target ?? response.RequestMessage?.RequestUri?.Host ?? "The service"} answered {status} to {what}: {body}";
        if (IsRetryable(response.StatusCode, notFoundIsRetryable))
        {
            throw new HttpRequestException(failure, null, response.StatusCode);
        }
        throw new PermanentOutboxFailureException(failure);
    }

    /// <summary>
    /// 401 (the authentication handler dropped the refused token, the next attempt gets a new one), 408, 429 and 5xx: the
    /// target is busy, failing, or refused a token that a new one may fix. With <paramref name="notFoundIsRetryable"/>, 404
    /// too: a fixed path the target does not serve yet (a subscriber mid-deployment), not a missing resource.
    /// </summary>
    public static bool IsRetryable(HttpStatusCode status, bool notFoundIsRetryable = false) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500
        || (notFoundIsRetryable && status == HttpStatusCode.NotFound);
}
