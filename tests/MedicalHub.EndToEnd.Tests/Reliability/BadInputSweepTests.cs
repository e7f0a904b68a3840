using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Reliability;

/// <summary>
/// Every operation of every service's OpenAPI document receives hostile input — in each path parameter,
/// each query parameter, each JSON property and as whole malformed bodies — anonymously, with an
/// organization administrator's token and, for internal operations, with service tokens. No answer may be
/// a server error: bad input is the caller's mistake and gets a 4xx. Operations that appear later are
/// swept without a change here, since the list comes from the services themselves.
/// </summary>
public sealed class BadInputSweepTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Operation(string Method, string Path, JsonObject Definition);

    /// <summary>One request to send, with a body given as bytes so that each token's request gets content of its own.</summary>
    private sealed record Attempt(string Variant, string Url, (byte[] Bytes, string ContentType)? Body = null)
    {
        public ByteArrayContent? Content()
        {
            if (Body is not { } body)
            {
                return null;
            }
            var content = new ByteArrayContent(body.Bytes);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
            return content;
        }
    }

    [Theory]
    [MemberData(nameof(ServiceUnderTest.Names), MemberType = typeof(ServiceUnderTest))]
    public async Task No_operation_answers_hostile_input_with_a_server_error(string service)
    {
        using var caller = new ServiceCaller(stack, service);
        // A plain client: the suite's clients retry and break circuits on 5xx and 429, which would hide or multiply what this test counts.
        using var http = new HttpClient { BaseAddress = stack.App.GetEndpoint(service, "http") };
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json", Ct))!.AsObject();
        var operations = Operations(document).ToList();
        Assert.NotEmpty(operations);

        // Ids that exist, but in another organization: a handler that forgets its organization scope finds them.
        var other = await caller.NewOrganizationAdminAsync();
        Guid[] foreignIds = [other.OrganizationId, other.Account.UserId];
        var serviceTokens = await ServiceTokensForAsync(stack, caller, service);
        var reader = await caller.NewOrganizationAdminAsync();

        // Each from an address of its own: Identity throttles sign-ups per address.
        async Task<ServiceCaller.User> NewAdministratorAsync()
        {
            using var signUp = new ServiceCaller(stack, service);
            return await signUp.NewOrganizationAdminAsync();
        }

        var failures = new List<string>();
        var sent = 0;
        foreach (var operation in operations)
        {
            // A mutation may end the caller's session, change its roles or policy: each gets a fresh administrator.
            var admin = operation.Method == "GET" ? reader : await NewAdministratorAsync();
            string?[] tokens = operation.Path.Contains("/internal/", StringComparison.Ordinal)
                ? [null, admin.Token, .. serviceTokens]
                : [null, admin.Token];
            foreach (var attempt in Attempts(document, operation, foreignIds))
            {
                foreach (var token in tokens)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(operation.Method), attempt.Url) { Content = attempt.Content() };
                    if (token is not null)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    }
                    // Each request from an address of its own, so Identity's per-address throttling lets every variant reach its handler.
                    request.Headers.Add("X-Forwarded-For", StackFixture.TestAddress());
                    // A service may refuse before reading the body (too large, wrong type): with 100-continue it answers
                    // before the body is sent instead of resetting a connection still carrying it.
                    request.Headers.ExpectContinue = request.Content is not null;
                    HttpResponseMessage response;
                    try
                    {
                        response = await http.SendAsync(request, Ct);
                    }
                    catch (HttpRequestException) when (attempt.Url.Length > KestrelRequestLineLimit)
                    {
                        // Kestrel refuses a request line over its limit with a 414 and closes the connection, which a
                        // client still sending the request sees as a reset: the request never reached the service.
                        sent++;
                        continue;
                    }
                    catch (HttpRequestException broken)
                    {
                        failures.Add($"{operation.Method} {operation.Path} [{attempt.Variant}, {(token is null ? "anonymous" : "token")}] -> no answer: {broken.InnerException?.Message ?? broken.Message}");
                        continue;
                    }
                    using var answered = response;
                    sent++;
                    if ((int)response.StatusCode >= 500)
                    {
                        var excerpt = await response.Content.ReadAsStringAsync(Ct);
                        failures.Add($"{operation.Method} {operation.Path} [{attempt.Variant}, {(token is null ? "anonymous" : "token")}] -> {(int)response.StatusCode}: {excerpt[..Math.Min(200, excerpt.Length)]}");
                    }
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"{service}: {operations.Count} operations, {sent} hostile requests, {failures.Count} server errors");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} hostile requests got a server error:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(40))}");
    }

    private const int KestrelRequestLineLimit = 8 * 1024;

    private static IEnumerable<Operation> Operations(JsonObject document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, definition) in item!.AsObject())
            {
                if (method is "get" or "post" or "put" or "patch" or "delete")
                {
                    yield return new Operation(method.ToUpperInvariant(), path, definition!.AsObject());
                }
            }
        }
    }

    private static IEnumerable<Attempt> Attempts(JsonObject document, Operation operation, IReadOnlyList<Guid> foreignIds)
    {
        var parameters = (operation.Definition["parameters"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => (Name: p["name"]!.GetValue<string>(), In: p["in"]!.GetValue<string>(), Schema: Resolve(document, p["schema"] as JsonObject)))
            .ToList();
        var pathParameters = parameters.Where(p => p.In == "path").ToList();
        var queryParameters = parameters.Where(p => p.In == "query").ToList();
        string Url(string? hostileName = null, string? hostileValue = null, string? query = null)
        {
            var url = operation.Path;
            foreach (var p in pathParameters)
            {
                url = url.Replace("{" + p.Name + "}", p.Name == hostileName ? hostileValue : Plausible(p.Schema), StringComparison.Ordinal);
            }
            return query is null ? url : url + "?" + query;
        }
        var body = RequestSchema(document, operation.Definition);

        yield return new("plausible input", Url(), body is null ? null : Json(PlausibleObject(document, body)));
        foreach (var p in pathParameters)
        {
            foreach (var value in HostileInputs.ForUrl(p.Schema, foreignIds))
            {
                yield return new($"path {p.Name}: {value.Name}", Url(p.Name, value.Raw));
            }
        }
        foreach (var p in queryParameters)
        {
            foreach (var value in HostileInputs.ForUrl(p.Schema, foreignIds))
            {
                yield return new($"query {p.Name}: {value.Name}", Url(query: $"{Uri.EscapeDataString(p.Name)}={value.Raw}"));
            }
        }
        yield return new("unknown query parameter with NUL", Url(query: "zz%00=%00&page=1&page=2"));

        if (body is not null && PlausibleObject(document, body) is JsonObject plausible)
        {
            foreach (var (property, schema) in Properties(document, body))
            {
                foreach (var (name, node) in HostileInputs.ForJson(schema))
                {
                    var hostile = plausible.DeepClone().AsObject();
                    hostile[property] = node?.DeepClone();
                    yield return new($"body {property}: {name}", Url(), Json(hostile));
                }
            }
        }
        foreach (var (name, contentType, bytes) in HostileInputs.MalformedBodies())
        {
            yield return new($"body: {name}", Url(), (bytes, contentType));
        }
    }

    private static JsonObject? RequestSchema(JsonObject document, JsonObject operation) =>
        operation["requestBody"]?["content"] is JsonObject content
            ? content.Select(c => Resolve(document, c.Value?["schema"] as JsonObject)).FirstOrDefault(s => s is not null)
            : null;

    private static IEnumerable<(string Name, JsonObject? Schema)> Properties(JsonObject document, JsonObject schema) =>
        (schema["properties"] as JsonObject ?? []).Select(p => (p.Key, Resolve(document, p.Value as JsonObject)));

    /// <summary>A body of the right shape with ordinary values, so one hostile property at a time gets past the others.</summary>
    private static JsonNode? PlausibleObject(JsonObject document, JsonObject schema, int depth = 0)
    {
        if (HostileInputs.TypeOf(schema) != "object" && schema["properties"] is null)
        {
            return PlausibleValue(schema);
        }
        var result = new JsonObject();
        if (depth > 4)
        {
            return result;
        }
        foreach (var (name, property) in Properties(document, schema))
        {
            result[name] = property is null ? null : HostileInputs.TypeOf(property) == "object" || property["properties"] is not null
                ? PlausibleObject(document, property, depth + 1)
                : PlausibleValue(property);
        }
        return result;
    }

    private static JsonNode? PlausibleValue(JsonObject? schema) => HostileInputs.TypeOf(schema) switch
    {
        "integer" or "number" => JsonValue.Create(1),
        "boolean" => JsonValue.Create(true),
        "array" => new JsonArray(),
        "string" when schema?["format"]?.GetValue<string>() == "uuid" => JsonValue.Create(Guid.NewGuid()),
        "string" when schema?["format"]?.GetValue<string>() == "date-time" => JsonValue.Create(DateTimeOffset.UtcNow),
        "string" when schema?["format"]?.GetValue<string>() == "email" => JsonValue.Create($"sweep.{Guid.NewGuid():N}@example.org"),
        "string" => JsonValue.Create("sweep"),
        _ => null,
    };

    private static string Plausible(JsonObject? schema) => HostileInputs.TypeOf(schema) switch
    {
        "integer" or "number" => "1",
        _ when schema?["format"]?.GetValue<string>() == "uuid" => Guid.NewGuid().ToString(),
        _ => "sweep",
    };

    /// <summary>Follows a <c>$ref</c> into <c>components/schemas</c>, and an <c>allOf</c>/<c>oneOf</c>/<c>anyOf</c> to its first concrete member.</summary>
    private static JsonObject? Resolve(JsonObject document, JsonObject? schema, int depth = 0)
    {
        if (schema is null || depth > 8)
        {
            return schema;
        }
        if (schema["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
        {
            return Resolve(document, document["components"]?["schemas"]?[reference["#/components/schemas/".Length..]] as JsonObject, depth + 1);
        }
        foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
        {
            if (schema[combinator] is JsonArray members)
            {
                return members.OfType<JsonObject>().Select(m => Resolve(document, m, depth + 1)).FirstOrDefault(m => HostileInputs.TypeOf(m) != "null") ?? schema;
            }
        }
        return schema;
    }

    private static (byte[], string)? Json(JsonNode? node) =>
        node is null ? null : (Encoding.UTF8.GetBytes(node.ToJsonString()), "application/json");

    /// <summary>Every service client's token for this service that Identity grants (which ones may call it is Identity's business).</summary>
    private static async Task<string[]> ServiceTokensForAsync(StackFixture stack, ServiceCaller caller, string audience)
    {
        var tokens = new List<string>();
        foreach (var client in ServiceUnderTest.All.Select(s => s.Name).Append(GatewayUnderTest.Name))
        {
            using var granted = await caller.Identity.ClientCredentialsAsync(client, await ParameterOrNullAsync(stack, $"{client}-client-secret") ?? "", audience);
            if (granted.StatusCode == HttpStatusCode.OK)
            {
                tokens.Add((await Identity.IdentityClient.JsonAsync(granted)).GetProperty("access_token").GetString()!);
            }
        }
        return [.. tokens];
    }

    private static async Task<string?> ParameterOrNullAsync(StackFixture stack, string name)
    {
        try
        {
            return await stack.ParameterAsync(name);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
