using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace MedicalHub.ServiceDefaults.Tests;

/// <summary>A service built with the service defaults refuses text it could not store, with a 400 ProblemDetails, before any handler runs.</summary>
public sealed class StorableTextTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private int _handled;

    public sealed record Note(string Title, string[] Tags, Inner? Inner, System.Text.Json.JsonElement? Data = null);

    public sealed record Inner(string? Text);

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapPost("/notes", (Note note) => { Interlocked.Increment(ref _handled); return TypedResults.Ok(note); });
        _app.MapGet("/notes", (string? q) => { Interlocked.Increment(ref _handled); return TypedResults.Ok(q); });
        _app.MapPost("/form", (HttpRequest request) => { Interlocked.Increment(ref _handled); return TypedResults.Ok($"{request.Form["a"]}|{request.Form["b"]}"); });
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    public static TheoryData<string> UnstorableBodies => new()
    {
        """{"title":"a\u0000b","tags":[]}""",
        """{"title":"ok","tags":["x","\u0000"]}""",
        """{"title":"ok","tags":[],"inner":{"text":"\ud800"}}""",
        """{"title":"\udc00 low first","tags":[]}""",
        """{"title":"high at the end \ud83d","tags":[]}""",
        """{"title":"ok","tags":[],"data":{"name":"a\u0000"}}""",
        """{"title":"ok","tags":[],"data":{"list":[1,{"deep":["\u0000"]}]}}""",
        """{"title":"ok","tags":[],"data":{"a\u0000":1}}""",
    };

    [Theory]
    [MemberData(nameof(UnstorableBodies))]
    public async Task A_json_string_with_a_nul_or_a_lone_surrogate_anywhere_is_a_400_problem_and_reaches_no_handler(string body)
    {
        using var response = await _client.PostAsync("/notes", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, _handled);
    }

    [Theory]
    [InlineData("/notes?q=a%00b")]
    [InlineData("/notes?a%00=1")]
    // A NUL in the path never reaches the middleware under Kestrel (it refuses %00 in a path itself); the bad-input sweep checks that on the real stack.
    // Invalid UTF-8 in a URL decodes to U+FFFD, so a lone surrogate cannot arrive through the query string.
    public async Task A_query_with_a_nul_is_a_400_problem(string url)
    {
        using var response = await _client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(TestContext.Current.CancellationToken);
        Assert.Equal(400, problem!.Status);
        Assert.Equal(0, _handled);
    }

    [Theory]
    [InlineData("a=1&b=%00")]
    [InlineData("a%00=1")]
    public async Task A_url_encoded_form_with_a_nul_is_a_400_problem(string form)
    {
        using var content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _client.PostAsync("/form", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, _handled);
    }

    [Fact]
    public async Task A_url_encoded_form_of_storable_text_reaches_its_handler_whole()
    {
        using var content = new FormUrlEncodedContent([new("a", "Zoë 😀"), new("b", "2")]);
        using var response = await _client.PostAsync("/form", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Zoë 😀|2", await response.Content.ReadFromJsonAsync<string>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Text_with_emoji_accents_and_control_characters_other_than_nul_is_accepted_unchanged()
    {
        var note = new Note("Zoë 👩‍⚕️ \t tab \u0001", ["ü", "😀"], new Inner("日本語"),
            System.Text.Json.JsonSerializer.SerializeToElement(new { name = "Zoë 😀", list = new object[] { 1, "ü" } }));

        using var response = await _client.PostAsJsonAsync("/notes", note, TestContext.Current.CancellationToken);
        using var query = await _client.GetAsync("/notes?q=" + Uri.EscapeDataString("Zoë 😀"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await response.Content.ReadFromJsonAsync<Note>(TestContext.Current.CancellationToken);
        Assert.Equal(note.Title, echoed!.Title);
        Assert.Equal(note.Tags, echoed.Tags);
        Assert.Equal("日本語", echoed.Inner!.Text);
        Assert.Equal("Zoë 😀", echoed.Data!.Value.GetProperty("name").GetString());
        Assert.Equal("Zoë 😀", await query.Content.ReadFromJsonAsync<string>(TestContext.Current.CancellationToken));
    }
}
