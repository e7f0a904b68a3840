using MedicalHub.Tests;

namespace MedicalHub.RateLimiting.Tests;

/// <summary>
/// The one rate limiter (<see cref="RedisRateLimiter"/>) on a real Redis: exact counts, a sliding window, refusals
/// that cost nothing, the Retry-After of the request that frees a place, several counters decided together.
/// Windows are seconds long and waits follow what the limiter answers, so a slow machine delays these tests rather
/// than failing them.
/// </summary>
public sealed class RedisRateLimiterTests(RedisServer redis)
{
    private readonly RedisRateLimiter _limiter = new(redis.Connection);

    private static string Key() => $"test:{Guid.NewGuid():N}";

    private static RateLimit Limit(int permits, double windowSeconds) => new() { PermitLimit = permits, Window = TimeSpan.FromSeconds(windowSeconds) };

    private static Task Until(TimeSpan wait) => Task.Delay(wait + TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Exactly_the_limit_gets_through_counting_down_what_remains_then_requests_are_refused()
    {
        var key = Key();
        var limit = Limit(4, 60);

        var answers = new List<RateLimitDecision>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await _limiter.AcquireAsync(key, limit));
        }

        Assert.Equal([true, true, true, true, false, false], answers.Select(a => a.Allowed));
        Assert.Equal([3, 2, 1, 0, 0, 0], answers.Select(a => a.Remaining));
        Assert.All(answers, a => Assert.Equal(4, a.Limit));
        Assert.All(answers.Take(4), a => Assert.Equal(TimeSpan.Zero, a.RetryAfter));
        Assert.All(answers.Skip(4), a => Assert.InRange(a.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60)));
        Assert.Equal(60, answers[4].RetryAfterSeconds);
    }

    [Fact]
    public async Task The_window_slides_a_place_frees_when_the_oldest_request_leaves_it_and_Retry_After_says_when()
    {
        var key = Key();
        var limit = Limit(2, 6);
        await _limiter.AcquireAsync(key, limit);
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        await _limiter.AcquireAsync(key, limit);

        var refused = await _limiter.AcquireAsync(key, limit);
        Assert.False(refused.Allowed);
        // The first request leaves the window about 3.5 s from now (timers may fire a little early), the second one
        // 2.5 s after it: Retry-After follows the first.
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(4));

        await Until(refused.RetryAfter);
        var one = await _limiter.AcquireAsync(key, limit);
        var another = await _limiter.AcquireAsync(key, limit);

        // A fixed window starting with the first request would have let both through by now.
        Assert.True(one.Allowed);
        Assert.False(another.Allowed);
    }

    [Fact]
    public async Task Refused_requests_are_not_counted_so_retrying_does_not_postpone_the_next_place()
    {
        var key = Key();
        var limit = Limit(1, 2);
        await _limiter.AcquireAsync(key, limit);
        var firstRefusal = await _limiter.AcquireAsync(key, limit);
        for (var i = 0; i < 20; i++)
        {
            Assert.False((await _limiter.AcquireAsync(key, limit)).Allowed);
        }

        await Until(firstRefusal.RetryAfter);

        Assert.True((await _limiter.AcquireAsync(key, limit)).Allowed);
    }

    [Fact]
    public async Task Only_the_first_refusal_within_a_window_is_marked_first()
    {
        var key = Key();
        var limit = Limit(1, 60);
        await _limiter.AcquireAsync(key, limit);

        var first = await _limiter.AcquireAsync(key, limit);
        var second = await _limiter.AcquireAsync(key, limit);

        Assert.True(first.FirstRefusal);
        Assert.False(second.FirstRefusal);
    }

    [Fact]
    public async Task Counters_are_decided_together_a_request_refused_by_one_counts_against_none()
    {
        var user = Key();
        var organization = Key();
        RateLimitCounter[] both = [new(user, Limit(10, 60)), new(organization, Limit(2, 60))];

        var answers = new List<RateLimitDecision>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await _limiter.AcquireAsync(both));
        }
        var userAlone = await _limiter.AcquireAsync(user, Limit(10, 60));

        Assert.Equal([true, true, false, false], answers.Select(a => a.Allowed));
        // Let through: the tightest counter speaks (the organization's 2); refused: the counter that refused.
        Assert.Equal([1, 0, 0, 0], answers.Select(a => a.Remaining));
        Assert.All(answers, a => Assert.Equal(2, a.Limit));
        // The two refused requests did not count against the user: 2 before, this one makes 3 of 10.
        Assert.Equal(7, userAlone.Remaining);
    }

    [Fact]
    public async Task Keys_count_separately()
    {
        var limit = Limit(1, 60);
        var first = Key();

        await _limiter.AcquireAsync(first, limit);

        Assert.False((await _limiter.AcquireAsync(first, limit)).Allowed);
        Assert.True((await _limiter.AcquireAsync(Key(), limit)).Allowed);
    }

    [Fact]
    public async Task A_limit_of_no_request_or_no_time_is_a_configuration_error()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _limiter.AcquireAsync(Key(), Limit(0, 60)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _limiter.AcquireAsync(Key(), new RateLimit { PermitLimit = 1, Window = TimeSpan.Zero }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _limiter.AcquireAsync([]));
    }

    [Theory]
    [InlineData(0.001, 1)]
    [InlineData(1.0, 1)]
    [InlineData(1.2, 2)]
    [InlineData(59.5, 60)]
    public void Retry_After_is_whole_seconds_rounded_up_and_never_zero(double seconds, int header)
    {
        Assert.Equal(header, new RateLimitDecision(false, 1, 0, TimeSpan.FromSeconds(seconds), false).RetryAfterSeconds);
    }
}
