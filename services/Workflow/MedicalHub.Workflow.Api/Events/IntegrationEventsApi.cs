using MedicalHub.Data.Events;
using MedicalHub.Data.Inbox;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalHub.Workflow.Api.Events;

/// <summary>
/// <c>POST /api/internal/events</c>: the subscriber side of the integration-event contract. Only another platform
/// service's client-credentials token, and only for events of its own kind (<c>source</c> = the token's client; Content
/// publishes patient, document and observation events, Communication delivery events). Each message is handled once
/// (the inbox dedupes by message id); a redelivery answers 200 with result <c>duplicate</c>. Not routed by the gateway.
/// </summary>
public static class IntegrationEventsApi
{
    public sealed record Received(Guid MessageId, string Result);

    public static IEndpointRouteBuilder MapIntegrationEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(IntegrationEvent.SubscriberPath, ReceiveAsync).WithName("ReceiveIntegrationEvent").WithTags("Internal")
            .WithSummary("Receive an integration event (service tokens only; idempotent per message id)")
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireClaim(ClaimNames.ClientKind, ClientKinds.Service));
        return app;
    }

    private static async Task<Results<Ok<Received>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(IntegrationEvent message, CurrentCaller caller,
        IntegrationEventInbox<WorkflowDbContext> inbox, WaitingSteps waiting, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (message.MessageId == Guid.Empty)
        {
            errors["messageId"] = ["The publisher's outbox message id."];
        }
        if (message.OrganizationId == Guid.Empty)
        {
            errors["organizationId"] = ["The organization the event belongs to."];
        }
        if (string.IsNullOrEmpty(message.Type) || message.Type.Length > 100 || !message.Type.Contains('.', StringComparison.Ordinal))
        {
            errors["type"] = ["{aggregate}.{past-tense verb}, at most 100 characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (message.Source != caller.ClientId || !IntegrationEventTypes.IsPublishedBy(message.Type, message.Source))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not this service's event to publish.",
                detail: $"The client '{caller.ClientId}' may publish only its own events (source = its client id), and '{message.Type}' is not one of them.");
        }
        try
        {
            var result = await inbox.ReceiveAsync(message, ct);
            var name = result.ToString().ToLowerInvariant();
            waiting.Count(message, name);
            return TypedResults.Ok(new Received(message.MessageId, name));
        }
        catch (InvalidIntegrationEventException invalid)
        {
            waiting.Count(message, "invalid");
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The event cannot be handled.", detail: invalid.Message);
        }
    }
}
