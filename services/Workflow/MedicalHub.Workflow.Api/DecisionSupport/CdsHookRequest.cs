using System.Text.Json;
using System.Text.RegularExpressions;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>A CDS Hooks 2.0 request, checked against the specification's shape for the service's hook.</summary>
public sealed partial record CdsHookRequest(
    string Hook,
    Guid HookInstance,
    Uri? FhirServer,
    string? FhirAccessToken,
    string PatientId,
    string UserId,
    string? EncounterId,
    IReadOnlyList<string> Selections,
    JsonElement? DraftOrders,
    IReadOnlyDictionary<string, JsonElement> Prefetch)
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>The request, or the problems by field (a 400's ValidationProblem).</summary>
    public static (CdsHookRequest? Request, Dictionary<string, string[]> Errors) Parse(JsonElement root, CdsServiceDefinition service)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors[""] = ["The request body must be a JSON object."];
            return (null, errors);
        }
        var hook = String(root, "hook");
        if (hook is null)
        {
            errors["hook"] = ["Required."];
        }
        else if (hook != service.Hook)
        {
            errors["hook"] = [$"The service '{service.Id}' answers '{service.Hook}', not '{hook}'."];
        }
        if (!Guid.TryParse(String(root, "hookInstance"), out var hookInstance))
        {
            errors["hookInstance"] = ["Required: a UUID."];
        }

        Uri? fhirServer = null;
        if (root.TryGetProperty("fhirServer", out var server) && server.ValueKind != JsonValueKind.Null
            && (server.ValueKind != JsonValueKind.String || !Uri.TryCreate(server.GetString(), UriKind.Absolute, out fhirServer) || fhirServer.Scheme is not ("http" or "https")))
        {
            errors["fhirServer"] = ["An absolute http(s) URL."];
        }
        string? accessToken = null;
        if (root.TryGetProperty("fhirAuthorization", out var authorization) && authorization.ValueKind != JsonValueKind.Null)
        {
            if (authorization.ValueKind != JsonValueKind.Object)
            {
                errors["fhirAuthorization"] = ["An object."];
            }
            else
            {
                accessToken = String(authorization, "access_token");
                if (string.IsNullOrEmpty(accessToken))
                {
                    errors["fhirAuthorization.access_token"] = ["Required."];
                }
                if (!string.Equals(String(authorization, "token_type"), "Bearer", StringComparison.OrdinalIgnoreCase))
                {
                    errors["fhirAuthorization.token_type"] = ["Required: Bearer."];
                }
                if (!authorization.TryGetProperty("expires_in", out var expires) || expires.ValueKind != JsonValueKind.Number)
                {
                    errors["fhirAuthorization.expires_in"] = ["Required: a number of seconds."];
                }
                if (String(authorization, "scope") is null)
                {
                    errors["fhirAuthorization.scope"] = ["Required."];
                }
                if (String(authorization, "subject") is null)
                {
                    errors["fhirAuthorization.subject"] = ["Required."];
                }
                if (fhirServer is null && !errors.ContainsKey("fhirServer"))
                {
                    errors["fhirServer"] = ["Required when fhirAuthorization is given."];
                }
            }
        }

        string? patientId = null, userId = null, encounterId = null;
        List<string> selections = [];
        JsonElement? draftOrders = null;
        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            errors["context"] = ["Required: an object."];
        }
        else
        {
            userId = String(context, "userId");
            if (userId is null || !UserReference().IsMatch(userId))
            {
                errors["context.userId"] = ["Required: Practitioner/<id>, PractitionerRole/<id>, Patient/<id> or RelatedPerson/<id>."];
            }
            patientId = String(context, "patientId");
            if (patientId is null || !FhirId().IsMatch(patientId))
            {
                errors["context.patientId"] = ["Required: a FHIR id."];
            }
            encounterId = String(context, "encounterId");
            if (service.Hook == CdsCodes.OrderSelect)
            {
                if (!context.TryGetProperty("selections", out var selected) || selected.ValueKind != JsonValueKind.Array
                    || selected.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String || !TypedId().IsMatch(s.GetString()!)))
                {
                    errors["context.selections"] = ["Required: an array of Type/id references to draft orders."];
                }
                else
                {
                    selections = [.. selected.EnumerateArray().Select(s => s.GetString()!)];
                }
                if (!context.TryGetProperty("draftOrders", out var drafts) || drafts.ValueKind != JsonValueKind.Object
                    || String(drafts, "resourceType") != "Bundle")
                {
                    errors["context.draftOrders"] = ["Required: a FHIR Bundle of the draft orders."];
                }
                else
                {
                    draftOrders = drafts.Clone();
                }
            }
        }

        var prefetch = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.TryGetProperty("prefetch", out var prefetched) && prefetched.ValueKind != JsonValueKind.Null)
        {
            if (prefetched.ValueKind != JsonValueKind.Object)
            {
                errors["prefetch"] = ["An object of prefetch keys."];
            }
            else
            {
                foreach (var item in prefetched.EnumerateObject())
                {
                    if (item.Value.ValueKind == JsonValueKind.Null)
                    {
                        continue; // the client could not fetch it: the service fetches it itself
                    }
                    if (!service.Prefetch.ContainsKey(item.Name))
                    {
                        continue; // keys the service did not ask for are ignored
                    }
                    if (item.Value.ValueKind != JsonValueKind.Object || String(item.Value, "resourceType") is null)
                    {
                        errors[$"prefetch.{item.Name}"] = ["A FHIR resource (or a Bundle), or null."];
                    }
                    else
                    {
                        prefetch[item.Name] = item.Value.Clone();
                    }
                }
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new CdsHookRequest(hook!, hookInstance, fhirServer, accessToken, patientId!, userId!, encounterId, selections, draftOrders, prefetch), errors);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("^[A-Za-z0-9\\-.]{1,64}$")]
    private static partial Regex FhirId();

    [GeneratedRegex("^(Practitioner|PractitionerRole|Patient|RelatedPerson)/[A-Za-z0-9\\-.]{1,64}$")]
    private static partial Regex UserReference();

    [GeneratedRegex("^[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}$")]
    private static partial Regex TypedId();
}
