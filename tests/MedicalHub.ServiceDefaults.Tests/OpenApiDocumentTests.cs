using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace MedicalHub.ServiceDefaults.Tests;

/// <summary>
/// The OpenAPI document of a service built with the service defaults describes strings as strings, although the
/// storable-text rule reads them through a converter of its own (clients such as the web app are generated from it).
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private JsonObject _document = null!;

    public sealed record Note(string Title, string[] Tags, IReadOnlyList<string> Labels, Dictionary<string, string> Attributes, Inner? Inner, int Count);

    public sealed record Inner(string? Text);

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapPost("/notes", (Note note) => TypedResults.Ok(note));
        _app.MapGet("/notes", (string? search, string name) => TypedResults.Ok(search + name));
        await _app.StartAsync();
        using var client = _app.GetTestClient();
        _document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!.AsObject();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private JsonNode Property(string schema, string property) => _document["components"]!["schemas"]![schema]!["properties"]![property]!;

    [Fact]
    public void A_string_property_is_a_string_and_a_nullable_one_may_also_be_null()
    {
        Assert.Equal("string", Property("Note", "title")["type"]!.GetValue<string>());
        Assert.Equal(["null", "string"], Property("Inner", "text")["type"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        // Other types are the exporter's own (web defaults: a number may also be written as a string).
        Assert.Equal(["integer", "string"], Property("Note", "count")["type"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
    }

    [Fact]
    public void Arrays_and_dictionaries_of_strings_have_string_items_and_values()
    {
        Assert.Equal("string", Property("Note", "tags")["items"]!["type"]!.GetValue<string>());
        Assert.Equal("string", Property("Note", "labels")["items"]!["type"]!.GetValue<string>());
        Assert.Equal("string", Property("Note", "attributes")["additionalProperties"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void A_string_query_parameter_is_a_string()
    {
        var parameters = _document["paths"]!["/notes"]!["get"]!["parameters"]!.AsArray();
        Assert.All(parameters, p => Assert.Equal("string", p!["schema"]!["type"]!.GetValue<string>()));
        Assert.Equal(2, parameters.Count);
    }
}
