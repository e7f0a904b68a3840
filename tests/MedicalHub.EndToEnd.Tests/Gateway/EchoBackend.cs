using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedicalHub.EndToEnd.Tests.Gateway;

/// <summary>
/// A stand-in service on loopback that answers every request with the headers it received, as JSON, so
/// the tests see exactly what the gateway forwards. The test stack routes <c>/test-echo</c> (token
/// required) and <c>/test-echo-anonymous</c> (open) to it on both gateway instances.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(context => context.Response.WriteAsJsonAsync(new
        {
            path = context.Request.Path.Value,
            headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.Select(v => v ?? "").ToArray()),
        }));
        await _app.StartAsync(ct);
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>Configuration for a gateway instance (environment variables) adding the two echo routes.</summary>
    public IEnumerable<KeyValuePair<string, string>> GatewayRoutes()
    {
        foreach (var (id, policy) in new[] { ("test-echo", "authenticated"), ("test-echo-anonymous", "anonymous") })
        {
            yield return new($"ReverseProxy__Routes__{id}__ClusterId", "test-echo");
            yield return new($"ReverseProxy__Routes__{id}__AuthorizationPolicy", policy);
            yield return new($"ReverseProxy__Routes__{id}__MaxRequestBodySize", "1024");
            yield return new($"ReverseProxy__Routes__{id}__Match__Path", $"/{id}/{{**rest}}");
        }
        yield return new("ReverseProxy__Clusters__test-echo__Destinations__echo__Address", Address.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
