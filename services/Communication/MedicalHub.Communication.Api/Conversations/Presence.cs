using StackExchange.Redis;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// Who is connected, shared by every replica through the service's Redis: per user a hash of their live connections
/// (connection id → time its presence lapses, renewed while the connection lives, so a replica that dies leaves nothing
/// present for long) and, per organization, when each user was last seen connected.
/// </summary>
public sealed class Presence(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<ConversationSettings> settings, TimeProvider time)
{
    private static RedisKey Connections(Guid organizationId, Guid userId) => $"communication:presence:{organizationId:N}:{userId:N}";

    private static RedisKey LastSeen(Guid organizationId) => $"communication:last-seen:{organizationId:N}";

    /// <returns>True when this is the user's only live connection (they just came online).</returns>
    public async Task<bool> ConnectedAsync(Guid organizationId, Guid userId, string connectionId)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        var key = Connections(organizationId, userId);
        await db.HashSetAsync(key, connectionId, (now + settings.Value.PresenceTimeout).ToUnixTimeMilliseconds());
        await db.KeyExpireAsync(key, settings.Value.PresenceTimeout * 2);
        await db.SortedSetAddAsync(LastSeen(organizationId), userId.ToString("N"), now.ToUnixTimeMilliseconds());
        return await LiveCountAsync(db, key, now) == 1;
    }

    /// <returns>True when the user has no live connection left (they just went offline).</returns>
    public async Task<bool> DisconnectedAsync(Guid organizationId, Guid userId, string connectionId)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        var key = Connections(organizationId, userId);
        await db.HashDeleteAsync(key, connectionId);
        await db.SortedSetAddAsync(LastSeen(organizationId), userId.ToString("N"), now.ToUnixTimeMilliseconds());
        return await LiveCountAsync(db, key, now) == 0;
    }

    /// <summary>Renews the presence of this replica's live connections (one round trip for all of them).</summary>
    public async Task RenewAsync(IReadOnlyCollection<(Guid OrganizationId, Guid UserId, string ConnectionId)> connections)
    {
        if (connections.Count == 0)
        {
            return;
        }
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        var lapse = (now + settings.Value.PresenceTimeout).ToUnixTimeMilliseconds();
        var batch = db.CreateBatch();
        var pending = new List<Task>(connections.Count * 3);
        foreach (var (organizationId, userId, connectionId) in connections)
        {
            var key = Connections(organizationId, userId);
            pending.Add(batch.HashSetAsync(key, connectionId, lapse));
            pending.Add(batch.KeyExpireAsync(key, settings.Value.PresenceTimeout * 2));
            pending.Add(batch.SortedSetAddAsync(LastSeen(organizationId), userId.ToString("N"), now.ToUnixTimeMilliseconds()));
        }
        batch.Execute();
        await Task.WhenAll(pending);
    }

    public async Task<PresenceView> OfAsync(Guid organizationId, Guid userId)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        var online = await LiveCountAsync(db, Connections(organizationId, userId), now) > 0;
        var seen = await db.SortedSetScoreAsync(LastSeen(organizationId), userId.ToString("N"));
        return new PresenceView(userId, online, online ? now : seen is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null);
    }

    private static async Task<int> LiveCountAsync(IDatabase db, RedisKey key, DateTimeOffset now)
    {
        var entries = await db.HashGetAllAsync(key);
        var nowMs = now.ToUnixTimeMilliseconds();
        return entries.Count(e => (long)e.Value > nowMs);
    }
}
