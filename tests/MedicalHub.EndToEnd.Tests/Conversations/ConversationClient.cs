using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Conversations;

/// <summary>Conversations as a client sees them: the REST API and the hub, both through the gateway (or a given resource), with users' real tokens.</summary>
internal sealed class ConversationClient(StackFixture stack, string via = GatewayUnderTest.Name) : IDisposable
{
    public static readonly TimeSpan OfflineAfter = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ServiceCaller Caller { get; } = new(stack, via);

    public StackFixture Stack => stack;

    public Task<ServiceCaller.User> NewOrganizationAdminAsync() => Caller.NewOrganizationAdminAsync();

    public Task<ServiceCaller.User> MemberAsync(ServiceCaller.User organization, Guid? roleId = null) =>
        Caller.MemberAsync(organization, roleId ?? IdentityClient.PractitionerRole);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null) => Caller.SendAsync(method, path, token, body);

    public static Task<JsonElement> JsonAsync(HttpResponseMessage response) => ServiceCaller.JsonAsync(response);

    /// <summary>A direct conversation between <paramref name="from"/> and <paramref name="to"/> (asserting 201 or 200).</summary>
    public async Task<Guid> DirectAsync(ServiceCaller.User from, ServiceCaller.User to)
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/conversations", from.Token, new { kind = "direct", participantIds = new[] { to.Account.UserId } });
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await created.Content.ReadAsStringAsync(Ct));
        return (await JsonAsync(created)).GetProperty("id").GetGuid();
    }

    public async Task<Guid> GroupAsync(ServiceCaller.User from, string subject, object? link = null, params ServiceCaller.User[] others)
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/conversations", from.Token,
            new { kind = "group", subject, participantIds = others.Select(o => o.Account.UserId).ToArray(), link });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await JsonAsync(created)).GetProperty("id").GetGuid();
    }

    /// <summary>Sends a message (asserting 201) and returns it.</summary>
    public async Task<JsonElement> PostAsync(ServiceCaller.User from, Guid conversation, string body, object? extra = null)
    {
        using var sent = await SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", from.Token, extra ?? new { body });
        Assert.True(sent.StatusCode == HttpStatusCode.Created, $"{(int)sent.StatusCode}: {await sent.Content.ReadAsStringAsync(Ct)}");
        return await JsonAsync(sent);
    }

    public async Task<JsonElement> GetJsonAsync(string path, string token)
    {
        using var response = await SendAsync(HttpMethod.Get, path, token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await JsonAsync(response);
    }

    /// <summary>
    /// The hub through <paramref name="resource"/> (the gateway by default) with the stock .NET SignalR client over WebSockets;
    /// every push is recorded. The token travels in the <c>access_token</c> query parameter, as browsers' clients send it
    /// (they cannot set headers on a WebSocket), unless <paramref name="tokens"/> gives it to the client to send as a header.
    /// </summary>
    public async Task<Listener> ConnectAsync(string? token, string? resource = null, Func<Task<string?>>? tokens = null)
    {
        var listener = new Listener();
        var hub = new UriBuilder(new Uri(stack.App.GetEndpoint(resource ?? via, "http"), "/hubs/conversations"));
        if (tokens is null && token is not null)
        {
            hub.Query = $"access_token={Uri.EscapeDataString(token)}";
        }
        listener.Connection = new HubConnectionBuilder()
            .WithUrl(hub.Uri, options =>
            {
                if (tokens is not null)
                {
                    options.AccessTokenProvider = tokens;
                }
                options.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        foreach (var method in new[] { "messageReceived", "messageChanged", "readReceipt", "typing", "presence", "conversationChanged" })
        {
            listener.Connection.On<JsonElement>(method, e => listener.Events.Writer.TryWrite((method, e)));
        }
        listener.Connection.Closed += e =>
        {
            listener.ClosedAt.TrySetResult(e);
            return Task.CompletedTask;
        };
        try
        {
            await listener.Connection.StartAsync(Ct);
        }
        catch
        {
            await listener.Connection.DisposeAsync();
            throw;
        }
        return listener;
    }

    /// <summary>A hub connection and what it received, in order.</summary>
    public sealed class Listener : IAsyncDisposable
    {
        public HubConnection Connection { get; set; } = null!;

        public Channel<(string Method, JsonElement Event)> Events { get; } = Channel.CreateUnbounded<(string, JsonElement)>();

        public TaskCompletionSource<Exception?> ClosedAt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The next push of <paramref name="method"/> matching <paramref name="match"/> (others are skipped), within <paramref name="within"/>.</summary>
        public async Task<JsonElement> NextAsync(string method, Func<JsonElement, bool>? match = null, TimeSpan? within = null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(within ?? TimeSpan.FromSeconds(15));
            try
            {
                while (true)
                {
                    var (name, e) = await Events.Reader.ReadAsync(timeout.Token);
                    if (name == method && (match?.Invoke(e) ?? true))
                    {
                        return e;
                    }
                }
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                throw new Xunit.Sdk.XunitException($"No '{method}' push arrived within {within ?? TimeSpan.FromSeconds(15)}.");
            }
        }

        /// <summary>Every push up to and including the next <paramref name="method"/> matching <paramref name="match"/>: what arrived before it, in order.</summary>
        public async Task<List<(string Method, JsonElement Event)>> UntilAsync(string method, Func<JsonElement, bool>? match = null, TimeSpan? within = null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(within ?? TimeSpan.FromSeconds(15));
            var received = new List<(string, JsonElement)>();
            try
            {
                while (true)
                {
                    var (name, e) = await Events.Reader.ReadAsync(timeout.Token);
                    received.Add((name, e));
                    if (name == method && (match?.Invoke(e) ?? true))
                    {
                        return received;
                    }
                }
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                throw new Xunit.Sdk.XunitException($"No '{method}' push arrived within {within ?? TimeSpan.FromSeconds(15)}.");
            }
        }

        /// <summary>Every push received so far (without waiting).</summary>
        public List<(string Method, JsonElement Event)> Drain()
        {
            var all = new List<(string, JsonElement)>();
            while (Events.Reader.TryRead(out var e))
            {
                all.Add(e);
            }
            return all;
        }

        public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
    }

    /// <summary>Changes Communication's data directly, for states a test cannot wait for (a message older than the edit window).</summary>
    public async Task<int> ExecuteSqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("communicationdb"));
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteNonQueryAsync(Ct);
    }

    public void Dispose() => Caller.Dispose();
}
