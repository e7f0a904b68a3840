using System.Net.Http.Json;
using MedicalHub.Security.ServiceClients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MedicalHub.Security.Revocation;

/// <summary>
/// Keeps <see cref="RevokedSessions"/> current. Each interval, the replica that takes a short Redis lock reads Identity's
/// list of recent revocations (the whole window, so a missed read loses nothing) and writes it to this service's Redis;
/// every replica then loads the set from Redis. Without a Redis, each replica reads Identity itself. When Identity or
/// Redis is unreachable, the last known set stays in force (until each entry's time) and a warning is logged.
/// </summary>
internal sealed class SessionRevocationPoller(
    IServiceProvider services,
    IHttpClientFactory httpClients,
    RevokedSessions revoked,
    IOptions<SessionRevocationSettings> settings,
    IOptions<ServiceClientSettings> client,
    TimeProvider time,
    ILogger<SessionRevocationPoller> logger) : BackgroundService
{
    internal const string HttpClientName = "medicalhub-identity-session-revocations";

    private readonly string _instance = Guid.NewGuid().ToString("N");
    private int _failuresInARow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(client.Value.ClientId))
        {
            logger.LogWarning("No service client configured ({Section}): tokens of ended sessions are accepted until they expire", ServiceClientSettings.SectionName);
            return;
        }
        var redis = services.GetService<IConnectionMultiplexer>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(redis, stoppingToken);
                if (_failuresInARow > 0)
                {
                    logger.LogInformation("Session revocations are read again after {Failures} failed attempts", _failuresInARow);
                }
                _failuresInARow = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Logged at the first failure and then every minute or so, not at every poll.
                if (_failuresInARow++ % 60 == 0)
                {
                    logger.LogWarning(ex, "Could not refresh the revoked sessions ({Count} known stay in force)", revoked.Count);
                }
            }
            try
            {
                await Task.Delay(Jittered(settings.Value.PollInterval, Random.Shared.NextDouble()), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>±25 %, so the replicas of all services don't poll in step.</summary>
    internal static TimeSpan Jittered(TimeSpan interval, double random) => interval * (0.75 + (random * 0.5));

    private async Task RefreshAsync(IConnectionMultiplexer? redis, CancellationToken ct)
    {
        var s = settings.Value;
        if (redis is null)
        {
            revoked.Replace(await FetchAsync(ct));
            return;
        }

        var db = redis.GetDatabase();
        if (await db.StringSetAsync(s.RedisKey + ":poll-lock", _instance, s.PollInterval, When.NotExists))
        {
            var fetched = await FetchAsync(ct);
            var now = time.GetUtcNow();
            var entries = ToSortedSetEntries(fetched);
            var batch = db.CreateBatch();
            var writes = new List<Task>();
            if (entries.Length > 0)
            {
                writes.Add(batch.SortedSetAddAsync(s.RedisKey, entries));
                writes.Add(batch.KeyExpireAsync(s.RedisKey, DateTimeOffset.FromUnixTimeMilliseconds((long)entries.Max(e => e.Score)).UtcDateTime));
            }
            writes.Add(batch.SortedSetRemoveRangeByScoreAsync(s.RedisKey, double.NegativeInfinity, now.ToUnixTimeMilliseconds()));
            batch.Execute();
            await Task.WhenAll(writes);
        }

        var stored = await db.SortedSetRangeByScoreWithScoresAsync(s.RedisKey, time.GetUtcNow().ToUnixTimeMilliseconds(), double.PositiveInfinity);
        revoked.Replace(FromSortedSetEntries(stored));
    }

    private async Task<List<KeyValuePair<string, DateTimeOffset>>> FetchAsync(CancellationToken ct)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var list = await http.GetFromJsonAsync<RevocationList>(settings.Value.Path, ct)
            ?? throw new HttpRequestException("Identity's list of session revocations was empty.");
        return Parse(list);
    }

    internal static List<KeyValuePair<string, DateTimeOffset>> Parse(RevocationList list) =>
        [.. (list.Sessions ?? []).Where(s => s.SessionId != Guid.Empty).Select(s => KeyValuePair.Create(s.SessionId.ToString(), s.RefuseUntil))];

    internal static SortedSetEntry[] ToSortedSetEntries(IEnumerable<KeyValuePair<string, DateTimeOffset>> revocations) =>
        [.. revocations.Select(r => new SortedSetEntry(r.Key, r.Value.ToUnixTimeMilliseconds()))];

    internal static IEnumerable<KeyValuePair<string, DateTimeOffset>> FromSortedSetEntries(IEnumerable<SortedSetEntry> entries) =>
        entries.Where(e => !e.Element.IsNullOrEmpty)
            .Select(e => KeyValuePair.Create(e.Element.ToString(), DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score)));

    /// <summary>Identity's answer (<c>GET /api/internal/session-revocations</c>).</summary>
    internal sealed record RevocationList(DateTimeOffset AsOf, Revocation[]? Sessions);

    internal sealed record Revocation(Guid SessionId, DateTimeOffset RevokedAt, DateTimeOffset RefuseUntil);
}
