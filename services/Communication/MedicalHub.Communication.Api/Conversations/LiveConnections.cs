using System.Collections.Concurrent;
using MedicalHub.Security.Revocation;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>This replica's open hub connections, with who holds each (their session, for revocation).</summary>
public sealed class LiveConnections
{
    public sealed record Connection(HubCallerContext Context, ConversationCaller Caller);

    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public void Add(HubCallerContext context, ConversationCaller caller) => _connections[context.ConnectionId] = new(context, caller);

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    public IReadOnlyCollection<Connection> Snapshot() => [.. _connections.Values];
}

/// <summary>
/// Keeps this replica's connections honest: a connection whose session has ended (logout, "end other sessions",
/// password reset, deactivation: the revocations this service polls from Identity) is closed within
/// <see cref="ConversationSettings.RevocationCheckInterval"/> of the revocation being known; and the presence of the
/// live ones is renewed in Redis.
/// </summary>
public sealed partial class LiveConnectionsMonitor(
    LiveConnections connections, RevokedSessions revoked, Presence presence, IOptions<ConversationSettings> settings, TimeProvider time,
    ILogger<LiveConnectionsMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRenewal = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var connection in connections.Snapshot())
                {
                    if (revoked.IsRevoked(connection.Caller.SessionId))
                    {
                        LogClosing(logger, connection.Context.ConnectionId);
                        connections.Remove(connection.Context.ConnectionId);
                        connection.Context.Abort();
                    }
                }
                if (time.GetUtcNow() >= nextRenewal)
                {
                    nextRenewal = time.GetUtcNow() + settings.Value.PresenceTimeout / 3;
                    await presence.RenewAsync([.. connections.Snapshot().Select(c => (c.Caller.OrganizationId, c.Caller.UserId, c.Context.ConnectionId))]);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }
            try
            {
                await Task.Delay(settings.Value.RevocationCheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing hub connection {ConnectionId}: its session has ended")]
    private static partial void LogClosing(ILogger logger, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the hub's live connections failed; trying again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
