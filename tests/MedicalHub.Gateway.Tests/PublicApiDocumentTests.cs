using System.Text.Json.Nodes;
using MedicalHub.Gateway.ApiReference;
using Yarp.ReverseProxy.Configuration;

namespace MedicalHub.Gateway.Tests;

/// <summary>The one OpenAPI document of the public API, merged from the services' own.</summary>
public sealed class PublicApiDocumentTests
{
    private static RouteConfig Route(string id, string cluster, string path, params string[] methods) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Match = new RouteMatch { Path = path, Methods = methods.Length == 0 ? null : methods },
    };

    private static readonly RouteConfig[] Routes =
    [
        Route("identity-account", "identity", "/api/account/{**rest}"),
        Route("identity-token", "identity", "/connect/token", "POST"),
        Route("identity-openapi", "identity", "/openapi/identity/v1.json") with { Metadata = new Dictionary<string, string> { ["OpenApiDocument"] = "true" } },
        Route("content-patients", "content", "/api/patients/{**rest}"),
        Route("content-openapi", "content", "/openapi/content/v1.json") with { Metadata = new Dictionary<string, string> { ["OpenApiDocument"] = "true" } },
    ];

    private static JsonObject Document(string paths, string schemas) => JsonNode.Parse($$"""
        { "openapi": "3.1.1", "info": { "title": "x", "version": "1" }, "paths": {{{paths}}}, "components": { "schemas": {{{schemas}}} } }
        """)!.AsObject();

    private static JsonObject Identity => Document("""
        "/api/account/profile": { "get": { "operationId": "GetProfile", "tags": ["Account"], "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Profile" } } } } } } },
        "/connect/token": { "post": { "operationId": "Token", "tags": ["Tokens"], "responses": {} }, "get": { "operationId": "TokenGet", "responses": {} } },
        "/api/internal/organizations/{organizationId}/members/{userId}/contact": { "get": { "operationId": "GetContact", "tags": ["Internal"], "responses": {} } }
        """, """
        "Page": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Profile" } } } },
        "Profile": { "type": "object", "properties": { "name": { "type": "string" } } },
        "ProblemDetails": { "type": "object", "properties": { "title": { "type": "string" } } }
        """);

    private static JsonObject Content => Document("""
        "/api/patients": { "get": { "operationId": "ListPatients", "tags": ["Patients"], "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Page" } } } }, "400": { "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } } } } } },
        "/api/patients/{id}": { "parameters": [ { "name": "id", "in": "path" } ], "get": { "operationId": "GetProfile", "tags": ["Patients"], "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Profile" } } } } } } },
        "/api/documents": { "get": { "operationId": "ListDocuments", "tags": ["Documents"], "responses": {} } }
        """, """
        "Profile": { "type": "object", "properties": { "birthDate": { "type": "string" } } },
        "ProblemDetails": { "type": "object", "properties": { "title": { "type": "string" } } },
        "Page": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Profile" } } } }
        """);

    private static JsonObject Merged => PublicApiDocument.Merge(
        new Dictionary<string, JsonObject?> { ["identity"] = Identity, ["content"] = Content }, Routes, "https://medicalhub.example");

    private static string[] Paths(JsonObject document) => [.. document["paths"]!.AsObject().Select(p => p.Key)];

    [Fact]
    public void Only_operations_the_route_table_forwards_are_in_it_with_the_gateway_as_server()
    {
        var merged = Merged;

        Assert.Equal(["/api/account/profile", "/api/patients", "/api/patients/{id}", "/connect/token"], Paths(merged));
        Assert.Null(merged["paths"]!["/connect/token"]!["get"]); // the route forwards POST only
        Assert.NotNull(merged["paths"]!["/api/patients/{id}"]!["parameters"]); // path-level entries travel with their path
        Assert.Equal("https://medicalhub.example", merged["servers"]![0]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void Schemas_defined_differently_are_renamed_with_their_references_and_identical_ones_are_kept_once()
    {
        var merged = Merged;
        var schemas = merged["components"]!["schemas"]!.AsObject();

        // content comes first (services are merged in name order): it keeps the plain names.
        Assert.Equal("string", schemas["Profile"]!["properties"]!["birthDate"]!["type"]!.GetValue<string>());
        Assert.Equal("string", schemas["Identity.Profile"]!["properties"]!["name"]!["type"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Identity.Profile",
            merged["paths"]!["/api/account/profile"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        // Identity's Page has the same text as Content's but means a page of Identity's Profile: renamed too.
        Assert.Equal("#/components/schemas/Identity.Profile", schemas["Identity.Page"]!["properties"]!["items"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/Profile", schemas["Page"]!["properties"]!["items"]!["items"]!["$ref"]!.GetValue<string>());
        // ProblemDetails is the same everywhere: one.
        Assert.DoesNotContain("Identity.ProblemDetails", schemas.Select(s => s.Key));
        Assert.Contains("ProblemDetails", schemas.Select(s => s.Key));
    }

    [Fact]
    public void Operation_ids_two_services_use_are_prefixed_and_tags_are_grouped_by_service()
    {
        var merged = Merged;

        Assert.Equal("Content.GetProfile", merged["paths"]!["/api/patients/{id}"]!["get"]!["operationId"]!.GetValue<string>());
        Assert.Equal("Identity.GetProfile", merged["paths"]!["/api/account/profile"]!["get"]!["operationId"]!.GetValue<string>());
        Assert.Equal("ListPatients", merged["paths"]!["/api/patients"]!["get"]!["operationId"]!.GetValue<string>());
        var groups = merged["x-tagGroups"]!.AsArray().Select(g => (g!["name"]!.GetValue<string>(), string.Join(',', g["tags"]!.AsArray().Select(t => t!.GetValue<string>())))).ToList();
        Assert.Equal([("Content", "Patients"), ("Identity", "Account,Tokens")], groups);
    }

    [Theory]
    [InlineData("/api/patients/{**rest}", "/api/patients", "get", true)]
    [InlineData("/api/patients/{**rest}", "/api/patients/{id}/history", "get", true)]
    [InlineData("/api/patients/{**rest}", "/api/patientsx", "get", false)]
    [InlineData("/connect/token", "/connect/token", "post", true)]
    [InlineData("/connect/token", "/connect/token/x", "post", false)]
    public void A_route_exposes_its_prefix_and_what_is_under_it_or_exactly_its_path(string template, string path, string method, bool exposed) =>
        Assert.Equal(exposed, PublicApiDocument.Exposes(Route("r", "c", template), path, method));
}
