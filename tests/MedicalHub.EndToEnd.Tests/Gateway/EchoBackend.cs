using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MedicalHub.EndToEnd.Tests.Gateway;

/// <summary>
/// A stand-in service that answers every request with the headers it received, as JSON, so the tests
/// see exactly what the gateway forwards. The test stack routes <c>/test-echo</c> (token required) and
/// <c>/test-echo-anonymous</c> (open) to it on both gateway instances.
/// </summary>
public sealed class EchoBackend : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public Uri Address { get; }

    public EchoBackend()
    {
        var port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
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

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            var headers = context.Request.Headers.AllKeys.OfType<string>()
                .ToDictionary(k => k.ToLowerInvariant(), k => context.Request.Headers.GetValues(k) ?? []);
            var body = JsonSerializer.SerializeToUtf8Bytes(new { path = context.Request.RawUrl, headers });
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
