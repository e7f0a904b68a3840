using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// A subscriber of Content's integration events on loopback, in the test process (the suite's Content publishes to it as
/// <c>fake</c>, with tokens for the audience <c>workflow</c>): it keeps every delivery as it arrived (authorization header,
/// body) and answers 202, or what a test scripted for the deliveries of one organization.
/// </summary>
internal static class FakeEventSubscriber
{
    public const string Name = "fake";

    /// <summary>The audience of the tokens Content sends it: one Content's client may ask for.</summary>
    public const string Audience = "workflow";

    public sealed record Delivery(string? Authorization, JsonElement Event, int AnsweredStatus)
    {
        public Guid MessageId => Event.GetProperty("messageId").GetGuid();
        public string Type => Event.GetProperty("type").GetString()!;
        public Guid OrganizationId => Event.GetProperty("organizationId").GetGuid();
        public JsonElement Data => Event.GetProperty("data");
    }

    private static readonly ConcurrentQueue<Delivery> Received = new();
    private static readonly ConcurrentDictionary<Guid, ConcurrentQueue<int>> Scripts = new();
    private static readonly WebApplication App = Start();

    public static Uri Address { get; } = new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>The next deliveries of events of <paramref name="organizationId"/> are answered with these statuses, in order.</summary>
    public static void Answer(Guid organizationId, params int[] statuses) =>
        Scripts[organizationId] = new ConcurrentQueue<int>(statuses);

    public static IReadOnlyList<Delivery> Of(Guid organizationId) => [.. Received.Where(d => d.OrganizationId == organizationId)];

    /// <summary>Waits until the deliveries of <paramref name="organizationId"/> satisfy <paramref name="done"/>.</summary>
    public static async Task<IReadOnlyList<Delivery>> WaitAsync(Guid organizationId, Func<IReadOnlyList<Delivery>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var deliveries = Of(organizationId);
            if (done(deliveries))
            {
                return deliveries;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The fake subscriber got {deliveries.Count} deliveries for {organizationId}: {string.Join(", ", deliveries.Select(d => $"{d.Type}/{d.AnsweredStatus}"))}");
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static WebApplication Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/api/internal/events", async (HttpContext context) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            var organization = body.TryGetProperty("organizationId", out var org) && org.TryGetGuid(out var id) ? id : Guid.Empty;
            var status = Scripts.TryGetValue(organization, out var script) && script.TryDequeue(out var scripted) ? scripted : StatusCodes.Status202Accepted;
            Received.Enqueue(new Delivery(context.Request.Headers.Authorization.ToString(), body, status));
            return Results.StatusCode(status);
        });
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }
}
