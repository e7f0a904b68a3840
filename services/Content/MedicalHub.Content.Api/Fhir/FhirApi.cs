using Hl7.Fhir.Model;
using MedicalHub.Fhir;
using MedicalHub.Security.Authorization;

namespace MedicalHub.Content.Api.Fhir;

/// <summary>
/// Content's FHIR R4 endpoint at <c>/fhir</c>: <c>metadata</c> (anonymous), and read, vread, search, create and update for
/// the resource types registered with <see cref="FhirExtensions.AddFhirResource{THandler}"/>, each routed to its handler
/// after the caller's permission for the interaction is checked. JSON only (<c>application/fhir+json</c>); every refusal
/// is an OperationOutcome. Described by its CapabilityStatement rather than by the OpenAPI document.
/// </summary>
public static class FhirApi
{
    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup(FhirProblemWriter.BasePath).WithTags("FHIR R4").ExcludeFromDescription();
        fhir.MapGet("/metadata", (HttpContext http, FhirCapabilities capabilities) =>
            AcceptsJson(http.Request) ?? new FhirResult(StatusCodes.Status200OK, capabilities.Statement(BaseUrl(http.Request))));

        var resources = fhir.MapGroup("/").RequireAuthorization();
        resources.MapGet("/{type}", (string type, HttpContext http, CancellationToken ct) =>
            DispatchAsync(http, type, "search-type", (handler, request, c) => handler.SearchAsync(request, FhirSearch.Parse(request), c), ct));
        resources.MapPost("/{type}", (string type, HttpContext http, CancellationToken ct) =>
            DispatchAsync(http, type, "create", (handler, request, c) => handler.CreateAsync(request, c), ct));
        resources.MapGet("/{type}/{id}", (string type, string id, HttpContext http, CancellationToken ct) =>
            DispatchAsync(http, type, "read", (handler, request, c) => handler.ReadAsync(request, id, c), ct));
        resources.MapPut("/{type}/{id}", (string type, string id, HttpContext http, CancellationToken ct) =>
            DispatchAsync(http, type, "update", (handler, request, c) => handler.UpdateAsync(request, id, c), ct));
        resources.MapGet("/{type}/{id}/_history/{versionId}", (string type, string id, string versionId, HttpContext http, CancellationToken ct) =>
            DispatchAsync(http, type, "vread", (handler, request, c) => handler.VReadAsync(request, id, versionId, c), ct));
        return app;
    }

    private static async Task<FhirResult> DispatchAsync(HttpContext http, string type, string interaction,
        Func<IFhirResourceHandler, FhirRequest, CancellationToken, Task<FhirResult>> call, CancellationToken ct)
    {
        var capabilities = http.RequestServices.GetRequiredService<FhirCapabilities>();
        if (capabilities.Find(type) is not { } capability)
        {
            return AcceptsJson(http.Request) ?? FhirResult.Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotSupported,
                $"This server does not serve the resource type '{(type.Length <= 64 ? type : type[..64])}'.");
        }
        if (!capability.RawContent && AcceptsJson(http.Request) is { } notAcceptable)
        {
            return notAcceptable;
        }
        var request = new FhirRequest(http, capability);
        if (!capability.Interactions.Contains(interaction))
        {
            return FhirResult.NotSupported(request, interaction);
        }
        var permission = interaction is "create" or "update" ? capability.WritePermission : capability.ReadPermission;
        if (permission is null || !http.RequestServices.GetRequiredService<CurrentCaller>().HasPermission(permission))
        {
            return FhirResult.Outcome(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden,
                $"{interaction} of {type} needs the permission {permission ?? "(none grants it)"}.");
        }
        var handler = http.RequestServices.GetRequiredKeyedService<IFhirResourceHandler>(capability.Type);
        try
        {
            return await call(handler, request, ct);
        }
        catch (FhirInputException input)
        {
            return FhirResult.Outcome(input.Status, FhirOutcomes.IssueTypeFor(input.Status), input.Message);
        }
        catch (BadHttpRequestException bad)
        {
            return FhirResult.Outcome(bad.StatusCode, OperationOutcome.IssueType.Invalid, bad.Message);
        }
    }

    /// <summary>Null when the client accepts JSON; a 406 OperationOutcome when it asks only for XML (or another format).</summary>
    public static FhirResult? AcceptsJson(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (format.Length > 0 && format is not ("json" or "application/json" or FhirRequest.FhirJson))
        {
            return FhirResult.Outcome(StatusCodes.Status406NotAcceptable, OperationOutcome.IssueType.NotSupported, "Only JSON (_format=json) is served.");
        }
        var accept = request.Headers.Accept.ToString();
        if (format.Length == 0 && accept.Length > 0 && !accept.Contains("json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal))
        {
            return FhirResult.Outcome(StatusCodes.Status406NotAcceptable, OperationOutcome.IssueType.NotSupported, $"Only {FhirRequest.FhirJson} is served.");
        }
        return null;
    }

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";
}
