using System.Net;
using System.Text;
using System.Text.Json;
using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Providers;

/// <summary>
/// One HTTP call to a provider, classified the same way for every provider: 2xx → sent; 408, 429, 5xx, a timeout or a
/// connection error → transient (with the provider's <c>Retry-After</c>); any other 4xx → permanent. Never throws for
/// a provider-side failure; only the caller's own cancellation propagates.
/// </summary>
internal static class ProviderExchange
{
    private const int MaxErrorBodyLength = 500;

    public static async Task<DeliveryResult> SendAsync(
        HttpClient client,
        HttpRequestMessage request,
        Func<HttpResponseMessage, CancellationToken, Task<DeliveryResult>> onSuccess,
        TimeProvider time,
        CancellationToken cancellationToken,
        Func<HttpStatusCode, bool>? isTransient = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Transient($"{request.RequestUri?.Host} did not answer within {client.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException exception)
        {
            return DeliveryResult.Transient($"{request.RequestUri?.Host} could not be reached: {exception.Message}");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return await onSuccess(response, cancellationToken);
                }
                catch (JsonException)
                {
                    // The provider accepted the message; an unreadable receipt must not make the engine send it twice.
                    return DeliveryResult.Sent(null);
                }
            }

            return await ClassifyFailureAsync(response, time, isTransient ?? IsTransient, cancellationToken);
        }
    }

    /// <summary>A JSON body with a known length (no chunked upload), exactly the string that is sent.</summary>
    public static StringContent JsonBody<T>(T value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task<DeliveryResult> ClassifyFailureAsync(HttpResponseMessage response, TimeProvider time, Func<HttpStatusCode, bool> isTransient, CancellationToken cancellationToken)
    {
        var error = await DescribeAsync(response, cancellationToken);
        return isTransient(response.StatusCode)
            ? DeliveryResult.Transient(error, RetryAfter(response, time))
            : DeliveryResult.Permanent(error);
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary><c>Retry-After</c> as seconds or as an HTTP date; null when absent, never negative.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            body = "";
        }

        if (body.Length > MaxErrorBodyLength)
        {
            body = body[..MaxErrorBodyLength] + "…";
        }

        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        return body.Length == 0 ? status : $"{status}: {body}";
    }
}
