using System.Text.Json;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Providers.Mailgun;
using MedicalHub.Communication.Api.Providers.SendGrid;
using MedicalHub.Communication.Api.Providers.Twilio;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MedicalHub.Communication.Api.Webhooks;

/// <summary>
/// Delivery reports from providers, one endpoint per provider type and configured provider name (the name keys the
/// secret that verifies the signature, and becomes <see cref="ProviderStatusEvent.Provider"/>). Anonymous, because
/// providers hold no token of ours, but nothing unsigned is read: 401 on a missing, wrong or stale signature; 404
/// for a name that is not a configured provider of that type with its webhook secret.
/// </summary>
public static class DeliveryWebhooksApi
{
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapDeliveryWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("api/webhooks/communication").WithTags("Delivery webhooks").AllowAnonymous().DisableAntiforgery();

        webhooks.MapPost("sendgrid/{name}", SendGridEventsAsync)
            .WithName("SendGridEventWebhook")
            .WithSummary("SendGrid Event Webhook (signed): delivered, bounce and dropped events update the attempts they name.");
        webhooks.MapPost("twilio/{name}", TwilioStatusAsync)
            .WithName("TwilioStatusCallback")
            .WithSummary("Twilio message status callback (X-Twilio-Signature): delivered, undelivered and failed update the attempt.");
        webhooks.MapPost("mailgun/{name}", MailgunEventAsync)
            .WithName("MailgunEventWebhook")
            .WithSummary("Mailgun webhook (signed JSON): delivered, permanent failures and rejections update the attempt.");

        return app;
    }

    public static async Task<Results<Ok, UnauthorizedHttpResult, NotFound, ProblemHttpResult>> SendGridEventsAsync(
        string name, HttpRequest request, [FromServices] IServiceProvider services, [FromServices] IDeliveryStatusSink sink,
        [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        if (services.GetKeyedService<SendGridOptions>(name) is not { WebhookPublicKey: { Length: > 0 } publicKey } options)
        {
            return TypedResults.NotFound();
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return TooLarge();
        }

        if (!SendGridEventWebhook.IsAuthentic(publicKey, request.Headers[SendGridEventWebhook.SignatureHeader], request.Headers[SendGridEventWebhook.TimestampHeader],
                body, time.GetUtcNow(), options.WebhookTolerance))
        {
            return TypedResults.Unauthorized();
        }

        List<ProviderStatusEvent> events;
        try
        {
            using var document = JsonDocument.Parse(body);
            events = SendGridEventWebhook.Translate(name, document.RootElement, time.GetUtcNow());
        }
        catch (JsonException exception)
        {
            return Unreadable(exception);
        }

        foreach (var statusEvent in events)
        {
            await sink.RecordAsync(statusEvent, cancellationToken);
        }

        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, UnauthorizedHttpResult, NotFound, ProblemHttpResult>> TwilioStatusAsync(
        string name, HttpRequest request, [FromServices] IServiceProvider services, [FromServices] IDeliveryStatusSink sink,
        [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        if (services.GetKeyedService<TwilioOptions>(name) is not { } options)
        {
            return TypedResults.NotFound();
        }

        if (!request.HasFormContentType)
        {
            return TypedResults.Unauthorized(); // Twilio signs form posts only; anything else is not from Twilio
        }

        var form = await request.ReadFormAsync(cancellationToken);
        var parameters = form.SelectMany(field => field.Value.Select(value => new KeyValuePair<string, string>(field.Key, value ?? ""))).ToList();
        // Twilio signs the URL it was given; behind a proxy that is the configured callback URL, not the one we see.
        var url = options.StatusCallbackUrl
            ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}");
        if (!TwilioStatusCallback.IsAuthentic(options.AuthToken, request.Headers[TwilioStatusCallback.SignatureHeader], url, parameters))
        {
            return TypedResults.Unauthorized();
        }

        var fields = form.ToDictionary(field => field.Key, field => field.Value.ToString(), StringComparer.Ordinal);
        if (TwilioStatusCallback.Translate(name, fields, time.GetUtcNow()) is { } statusEvent)
        {
            await sink.RecordAsync(statusEvent, cancellationToken);
        }

        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, UnauthorizedHttpResult, NotFound, ProblemHttpResult>> MailgunEventAsync(
        string name, HttpRequest request, [FromServices] IServiceProvider services, [FromServices] IDeliveryStatusSink sink,
        [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        if (services.GetKeyedService<MailgunOptions>(name) is not { WebhookSigningKey: { Length: > 0 } signingKey } options)
        {
            return TypedResults.NotFound();
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return TooLarge();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return TypedResults.Unauthorized(); // no readable signature block, so nothing proves it came from Mailgun
        }

        using (document)
        {
            var (timestamp, token, signature) = MailgunEventWebhook.ReadSignature(document.RootElement);
            if (!MailgunEventWebhook.IsAuthentic(signingKey, timestamp, token, signature, time.GetUtcNow(), options.WebhookTolerance))
            {
                return TypedResults.Unauthorized();
            }

            ProviderStatusEvent? statusEvent;
            try
            {
                statusEvent = MailgunEventWebhook.Translate(name, document.RootElement, time.GetUtcNow());
            }
            catch (JsonException exception)
            {
                return Unreadable(exception);
            }

            if (statusEvent is not null)
            {
                await sink.RecordAsync(statusEvent, cancellationToken);
            }
        }

        return TypedResults.Ok();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The webhook body is too large", detail: $"At most {MaxBodyBytes} bytes are read.");

    private static ProblemHttpResult Unreadable(JsonException exception) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The webhook body is not in the provider's format", detail: exception.Message);
}
