using System.Collections.Concurrent;
using System.Diagnostics;
using MedicalHub.Data;
using MedicalHub.Data.Outbox;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.EndToEnd.Tests;

/// <summary>The transactional outbox and its relay, on a real Postgres database of their own.</summary>
public sealed class OutboxTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_commits_with_its_change_and_is_delivered_once()
    {
        await using var relay = await RelayAsync();
        await using (var db = relay.Db())
        {
            db.Notes.Add(new Note { Text = "invite sent" });
            var message = db.AddOutboxMessage("email", new { to = "a@example.org" });
            await db.SaveChangesAsync(Ct);
            Assert.NotEqual(Guid.Empty, message.MessageId);
        }

        Assert.Equal(1, await relay.Relay.RelayBatchAsync(Ct));
        Assert.Equal(0, await relay.Relay.RelayBatchAsync(Ct));

        var delivered = Assert.Single(relay.Handler.Delivered);
        Assert.Contains("a@example.org", delivered.Payload, StringComparison.Ordinal);
        await using var check = relay.Db();
        var stored = await check.Set<OutboxMessage>().SingleAsync(Ct);
        Assert.NotNull(stored.DispatchedAt);
        Assert.Equal(1, stored.Attempts);
    }

    [Fact]
    public async Task A_rolled_back_change_leaves_no_message()
    {
        await using var relay = await RelayAsync();
        await using (var db = relay.Db())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            db.Notes.Add(new Note { Text = "never happened" });
            db.AddOutboxMessage("email", new { to = "b@example.org" });
            await db.SaveChangesAsync(Ct);
            await transaction.RollbackAsync(Ct);
        }

        Assert.Equal(0, await relay.Relay.RelayBatchAsync(Ct));
        Assert.Empty(relay.Handler.Delivered);
    }

    [Fact]
    public async Task A_failing_delivery_is_retried_after_its_backoff_and_then_succeeds()
    {
        await using var relay = await RelayAsync(failFirst: 2);
        await relay.AddMessagesAsync(1);

        Assert.Equal(1, await relay.Relay.RelayBatchAsync(Ct)); // attempt 1 fails
        Assert.Equal(0, await relay.Relay.RelayBatchAsync(Ct)); // not due yet
        relay.Time.Advance(TimeSpan.FromSeconds(2.5));           // first retry within 1-2 s
        Assert.Equal(1, await relay.Relay.RelayBatchAsync(Ct)); // attempt 2 fails
        relay.Time.Advance(TimeSpan.FromSeconds(4.5));           // second retry within 2-4 s
        Assert.Equal(1, await relay.Relay.RelayBatchAsync(Ct)); // attempt 3 succeeds

        await using var check = relay.Db();
        var stored = await check.Set<OutboxMessage>().SingleAsync(Ct);
        Assert.Equal(3, stored.Attempts);
        Assert.NotNull(stored.DispatchedAt);
        Assert.Null(stored.DeadLetteredAt);
        Assert.Single(relay.Handler.Delivered);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_dead_lettered_after_the_last_attempt()
    {
        await using var relay = await RelayAsync(failFirst: int.MaxValue, maxAttempts: 3);
        await relay.AddMessagesAsync(1);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            await relay.Relay.RelayBatchAsync(Ct);
            relay.Time.Advance(TimeSpan.FromMinutes(11));
        }

        await using var check = relay.Db();
        var stored = await check.Set<OutboxMessage>().SingleAsync(Ct);
        Assert.Equal(3, stored.Attempts);
        Assert.NotNull(stored.DeadLetteredAt);
        Assert.Null(stored.DispatchedAt);
        Assert.Contains("delivery refused", stored.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permanent_failures_and_unknown_types_are_dead_lettered_at_once()
    {
        await using var relay = await RelayAsync(permanentFailure: true);
        await relay.AddMessagesAsync(1);
        await using (var db = relay.Db())
        {
            db.AddOutboxMessage("no-such-type", new { });
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal(2, await relay.Relay.RelayBatchAsync(Ct));

        await using var check = relay.Db();
        var stored = await check.Set<OutboxMessage>().ToListAsync(Ct);
        Assert.All(stored, m => Assert.NotNull(m.DeadLetteredAt));
        Assert.All(stored, m => Assert.Equal(1, m.Attempts));
    }

    [Fact]
    public async Task Relays_in_several_replicas_deliver_every_message_exactly_once()
    {
        var database = await TestDatabases.CreateEmptyAsync(stack, "content-postgres", "outbox_test");
        var handler = new RecordingHandler(failFirst: 0, permanent: false, delay: TimeSpan.FromMilliseconds(2));
        var replicas = new List<RelayUnderTest>();
        for (var i = 0; i < 3; i++)
        {
            replicas.Add(await RelayAsync(database, handler));
        }
        await replicas[0].AddMessagesAsync(150);

        await Task.WhenAll(replicas.Select(async replica =>
        {
            while (await replica.Relay.RelayBatchAsync(Ct) > 0)
            {
            }
        }));

        Assert.Equal(150, handler.Delivered.Count);
        Assert.All(handler.DeliveriesPerMessage.Values, count => Assert.Equal(1, count));
        await using var check = replicas[0].Db();
        Assert.Equal(150, await check.Set<OutboxMessage>().CountAsync(m => m.DispatchedAt != null, Ct));
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_delivery_continues_the_trace_of_the_request_that_wrote_the_message()
    {
        using var source = new ActivitySource("MedicalHub.EndToEnd.Tests.Outbox");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name || s.Name == OutboxTelemetry.SourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        await using var relay = await RelayAsync();
        ActivityTraceId requestTrace;
        using (var request = source.StartActivity("POST /api/auth/register"))
        {
            requestTrace = request!.TraceId;
            await relay.AddMessagesAsync(1);
        }

        await relay.Relay.RelayBatchAsync(Ct);

        Assert.Equal(requestTrace, Assert.Single(relay.Handler.TraceIds));
    }

    [Theory]
    [InlineData(1, 1_000, 2_000)]
    [InlineData(2, 2_000, 4_000)]
    [InlineData(3, 4_000, 8_000)]
    [InlineData(20, 300_000, 600_000)]
    public void Retry_delays_double_with_jitter_up_to_the_cap(int attempt, double minMs, double maxMs)
    {
        var options = new OutboxOptions();
        Assert.Equal(minMs, options.RetryDelay(attempt, random: 0).TotalMilliseconds, precision: 3);
        Assert.Equal(maxMs, options.RetryDelay(attempt, random: 1).TotalMilliseconds, precision: 3);
    }

    private async Task<RelayUnderTest> RelayAsync(int failFirst = 0, int maxAttempts = 12, bool permanentFailure = false) =>
        await RelayAsync(await TestDatabases.CreateEmptyAsync(stack, "content-postgres", "outbox_test"),
            new RecordingHandler(failFirst, permanentFailure, TimeSpan.Zero), maxAttempts);

    private static async Task<RelayUnderTest> RelayAsync(string database, RecordingHandler handler, int maxAttempts = 12)
    {
        // Messages are stamped with the writer's clock when written; start the relay's clock a minute later so they are due.
        var time = new ManualTime(DateTimeOffset.UtcNow.AddMinutes(1));
        var services = new ServiceCollection()
            .AddLogging()
            .AddDbContext<OutboxTestDbContext>(options => options.UseNpgsql(database).UseMedicalHubConventions())
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IOutboxHandler>(handler)
            .Configure<OutboxOptions>(options => options.MaxAttempts = maxAttempts)
            .AddSingleton<OutboxRelay<OutboxTestDbContext>>()
            .BuildServiceProvider();

        await using (var scope = services.CreateAsyncScope())
        {
            // Several replicas may share one database: only the first creates the schema.
            var db = scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>();
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(42)", Ct);
            await db.Database.EnsureCreatedAsync(Ct);
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(42)", Ct);
        }
        return new RelayUnderTest(services, time, handler);
    }

    private sealed class RelayUnderTest(ServiceProvider services, ManualTime time, RecordingHandler handler) : IAsyncDisposable
    {
        public OutboxRelay<OutboxTestDbContext> Relay { get; } = services.GetRequiredService<OutboxRelay<OutboxTestDbContext>>();

        public ManualTime Time => time;

        public RecordingHandler Handler => handler;

        public OutboxTestDbContext Db() => services.CreateScope().ServiceProvider.GetRequiredService<OutboxTestDbContext>();

        public async Task AddMessagesAsync(int count)
        {
            await using var db = Db();
            for (var i = 0; i < count; i++)
            {
                db.AddOutboxMessage("email", new { n = i });
            }
            await db.SaveChangesAsync(Ct);
        }

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }

    private sealed class RecordingHandler(int failFirst, bool permanent, TimeSpan delay) : IOutboxHandler
    {
        private int _calls;

        public string Type => "email";

        public ConcurrentQueue<OutboxMessage> Delivered { get; } = new();

        public ConcurrentDictionary<Guid, int> DeliveriesPerMessage { get; } = new();

        public ConcurrentQueue<ActivityTraceId> TraceIds { get; } = new();

        public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            if (Activity.Current is { } current)
            {
                TraceIds.Enqueue(current.TraceId);
            }
            if (permanent)
            {
                throw new PermanentOutboxFailureException("the receiver refused the message");
            }
            if (Interlocked.Increment(ref _calls) <= failFirst)
            {
                throw new HttpRequestException("delivery refused: 503");
            }
            await Task.Delay(delay, cancellationToken);
            Delivered.Enqueue(message);
            DeliveriesPerMessage.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
        }
    }

    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

public sealed class Note
{
    public long Id { get; init; }

    public required string Text { get; init; }
}

/// <summary>A service's DbContext as far as the outbox goes: some business data and the outbox table.</summary>
public sealed class OutboxTestDbContext(DbContextOptions<OutboxTestDbContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutbox();
}
