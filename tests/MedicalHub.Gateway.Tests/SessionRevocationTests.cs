using System.Text.Json;
using MedicalHub.Security.Revocation;

namespace MedicalHub.Gateway.Tests;

/// <summary>The revoked-session list as the gateway (and every service) reads it from Identity and keeps it in Redis.</summary>
public sealed class SessionRevocationTests
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Identity_s_answer_becomes_session_ids_refused_until_their_time()
    {
        var session = Guid.NewGuid();
        // As Identity writes it (web JSON defaults: camelCase).
        var json = $$"""{"asOf":"2026-11-25T12:00:00+00:00","sessions":[{"sessionId":"{{session}}","revokedAt":"2026-11-25T11:59:00+00:00","refuseUntil":"2026-11-25T12:05:00+00:00"}]}""";
        var list = JsonSerializer.Deserialize<SessionRevocationPoller.RevocationList>(json, JsonSerializerOptions.Web)!;

        var parsed = Assert.Single(SessionRevocationPoller.Parse(list));

        Assert.Equal(session.ToString(), parsed.Key);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 12, 5, 0, TimeSpan.Zero), parsed.Value);
        Assert.Empty(SessionRevocationPoller.Parse(new SessionRevocationPoller.RevocationList(Noon, null)));
    }

    [Fact]
    public void A_session_is_refused_until_its_time_and_then_forgotten()
    {
        var clock = new ManualClock(Noon);
        var revoked = new RevokedSessions(clock);
        var session = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();

        revoked.Replace([new(session, Noon.AddMinutes(6)), new(other, Noon.AddSeconds(-1))]);

        Assert.True(revoked.IsRevoked(session));
        Assert.True(revoked.IsRevoked(session.ToUpperInvariant()));
        Assert.False(revoked.IsRevoked(other)); // already past its time when loaded
        Assert.False(revoked.IsRevoked(Guid.NewGuid().ToString()));
        Assert.False(revoked.IsRevoked(null)); // a service token has no session
        Assert.Equal(1, revoked.Count);

        clock.Now = Noon.AddMinutes(6);
        Assert.False(revoked.IsRevoked(session));
    }

    [Fact]
    public void A_session_listed_twice_keeps_its_latest_time()
    {
        var revoked = new RevokedSessions(new ManualClock(Noon));
        var session = Guid.NewGuid().ToString();

        revoked.Replace([new(session, Noon.AddMinutes(6)), new(session, Noon.AddSeconds(1))]);

        Assert.True(revoked.IsRevoked(session));
        Assert.Equal(1, revoked.Count);
    }

    [Fact]
    public void The_Redis_sorted_set_keeps_each_session_s_time_to_the_millisecond()
    {
        var until = Noon.AddMinutes(6).AddMilliseconds(123);
        var session = Guid.NewGuid().ToString();

        var entries = SessionRevocationPoller.ToSortedSetEntries([new(session, until)]);
        var back = Assert.Single(SessionRevocationPoller.FromSortedSetEntries(entries));

        Assert.Equal(session, back.Key);
        Assert.Equal(until, back.Value);
    }

    [Theory]
    [InlineData(0.0, 750)]
    [InlineData(0.5, 1000)]
    [InlineData(0.999, 1249)]
    public void The_poll_interval_is_jittered_by_a_quarter_either_way(double random, int expectedMilliseconds) =>
        Assert.Equal(expectedMilliseconds, (int)SessionRevocationPoller.Jittered(TimeSpan.FromSeconds(1), random).TotalMilliseconds);
}
