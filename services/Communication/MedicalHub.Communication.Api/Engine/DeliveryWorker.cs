using System.Diagnostics;
using System.Text.Json;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Communication.Api.Routing;
using MedicalHub.Data.Tenancy;
using MedicalHub.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Engine;

/// <summary>
/// Delivers one claimed delivery: picks the provider from the channel's routing, respects its rate limit, calls it,
/// and records the attempt and the delivery's next state. Transient failures are retried with exponential backoff and
/// jitter (or after the provider's Retry-After); enough of them in a row move to the next provider of the channel; the
/// last allowed attempt failing, or a permanent failure, fails the delivery (dead letter).
/// </summary>
public sealed class DeliveryWorker(
    CommunicationDbContext db,
    OrganizationScope organizations,
    ProviderRouter router,
    RedisRateLimiter limiter,
    IOptions<CommunicationSettings> settings,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryWorker> logger)
{
    private readonly DeliveryOptions _options = options.Value;

    public async Task DeliverAsync(Guid deliveryId, Guid claim, CancellationToken ct)
    {
        // The engine serves every organization: it finds the claimed delivery wherever it belongs, then works as its organization.
        var delivery = await db.Deliveries.AcrossOrganizations()
            .SingleOrDefaultAsync(d => d.Id == deliveryId && d.LeaseOwner == claim && d.Status == NotificationStatus.Sending, ct);
        if (delivery is null)
        {
            return; // cancelled or taken over meanwhile
        }
        organizations.ActFor(delivery.OrganizationId);

        ActivityContext.TryParse(delivery.TraceParent, null, out var parent);
        using var activity = DeliveryTelemetry.ActivitySource.StartActivity($"deliver {delivery.Channel}", ActivityKind.Producer, parent);
        activity?.SetTag("medicalhub.notification.id", delivery.NotificationId);
        activity?.SetTag("medicalhub.delivery.id", delivery.Id);

        var route = await router.RouteAsync(db, delivery.OrganizationId, delivery.Channel, ct);
        if (route.Length == 0)
        {
            Fail(delivery, $"No provider is configured for the {delivery.Channel} channel.");
            await SaveAsync(delivery, null, ct);
            return;
        }

        var providerName = route[delivery.ProviderIndex % route.Length];
        if (await ProviderThrottleAsync(providerName) is { } wait)
        {
            // Throttled here, not by the provider: no attempt is spent, the delivery waits until the provider has room again.
            Release(delivery, NotificationStatus.Queued, time.GetUtcNow() + wait);
            await SaveAsync(delivery, null, ct);
            return;
        }

        var attemptId = delivery.CurrentAttemptId ?? Guid.NewGuid();
        var started = time.GetUtcNow();
        activity?.SetTag("medicalhub.provider", providerName);
        var result = await CallAsync(router.Find(providerName), providerName, delivery, attemptId, ct);
        var finished = time.GetUtcNow();

        var attempt = new DeliveryAttempt
        {
            Id = attemptId,
            DeliveryId = delivery.Id,
            Provider = providerName,
            StartedAt = started,
            FinishedAt = finished,
            Outcome = result.Outcome switch
            {
                DeliveryOutcome.Sent => AttemptOutcome.Sent,
                DeliveryOutcome.PermanentFailure => AttemptOutcome.PermanentFailure,
                _ => AttemptOutcome.TransientFailure,
            },
            Error = Truncate(result.Error),
            ProviderMessageId = result.ProviderMessageId,
        };
        delivery.Attempts++;
        delivery.Provider = providerName;
        Apply(delivery, result, route.Length, finished);
        if (result.Outcome != DeliveryOutcome.Sent)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        }
        await SaveAsync(delivery, attempt, ct);
    }

    /// <summary>
    /// The provider's calls per second across every replica (<see cref="ProviderSettings.RateLimitPerSecond"/>, 0: no
    /// limit), counted by the shared limiter: null when this call may go now, otherwise how long to wait, plus up to
    /// 200 ms so that the deliveries waiting for the provider do not all come back at the same moment.
    /// </summary>
    private async Task<TimeSpan?> ProviderThrottleAsync(string providerName)
    {
        var perSecond = settings.Value.Providers.GetValueOrDefault(providerName)?.RateLimitPerSecond ?? 0;
        if (perSecond <= 0)
        {
            return null;
        }
        var decision = await limiter.AcquireAsync($"communication:rate:{providerName}", new RateLimit { PermitLimit = perSecond, Window = TimeSpan.FromSeconds(1) });
        return decision.Allowed ? null : decision.RetryAfter + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 200));
    }

    private async Task<DeliveryResult> CallAsync(IDeliveryProvider? provider, string providerName, NotificationDelivery delivery, Guid attemptId, CancellationToken ct)
    {
        if (provider is null || provider.Channel != delivery.Channel)
        {
            // A routing naming an unknown provider is a configuration slip: try the next one rather than give up.
            return DeliveryResult.Transient($"No {delivery.Channel} provider named '{providerName}' is configured.");
        }

        var message = new OutboundMessage(delivery.NotificationId, attemptId, delivery.OrganizationId, delivery.Channel, delivery.Address,
            delivery.Subject, delivery.TextBody, delivery.HtmlBody,
            JsonSerializer.Deserialize<Dictionary<string, string>>(delivery.HeadersJson) ?? [],
            JsonSerializer.Deserialize<Dictionary<string, string>>(delivery.DataJson) ?? []);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ProviderTimeout);
        try
        {
            return await provider.SendAsync(message, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryResult.Transient($"{providerName} did not answer within {_options.ProviderTimeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Providers classify their failures; anything they let escape is treated as worth retrying.
            logger.LogWarning(ex, "Provider {Provider} threw while sending delivery {DeliveryId}", providerName, delivery.Id);
            return DeliveryResult.Transient($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Apply(NotificationDelivery delivery, DeliveryResult result, int routeLength, DateTimeOffset now)
    {
        switch (result.Outcome)
        {
            case DeliveryOutcome.Sent:
                delivery.ProviderMessageId = result.ProviderMessageId;
                delivery.SentAt = now;
                delivery.LastError = null;
                delivery.ConsecutiveFailures = 0;
                Release(delivery, NotificationStatus.Sent, delivery.NextAttemptAt);
                return;

            case DeliveryOutcome.PermanentFailure:
                Fail(delivery, result.Error ?? "The provider refused the message.");
                return;
        }

        delivery.LastError = Truncate(result.Error);
        delivery.ConsecutiveFailures++;
        if (delivery.Attempts >= _options.MaxAttempts)
        {
            logger.LogError("Delivery {DeliveryId} failed after {Attempts} attempts: {Error}", delivery.Id, delivery.Attempts, result.Error);
            Fail(delivery, result.Error ?? "Every attempt failed.");
            return;
        }

        TimeSpan delay;
        if (delivery.ConsecutiveFailures >= _options.FailoverAfter && routeLength > 1)
        {
            // This provider keeps failing: the next one of the channel gets the next attempt, at once.
            delivery.ProviderIndex++;
            delivery.ConsecutiveFailures = 0;
            delay = TimeSpan.Zero;
        }
        else
        {
            delay = _options.RetryDelay(delivery.ConsecutiveFailures);
            if (result.RetryAfter is { } retryAfter && retryAfter > delay)
            {
                delay = retryAfter;
            }
        }
        Release(delivery, NotificationStatus.Queued, now + delay);
    }

    private void Fail(NotificationDelivery delivery, string error)
    {
        delivery.LastError = Truncate(error);
        Release(delivery, NotificationStatus.Failed, delivery.NextAttemptAt);
    }

    private void Release(NotificationDelivery delivery, NotificationStatus status, DateTimeOffset nextAttemptAt)
    {
        delivery.Status = status;
        delivery.NextAttemptAt = nextAttemptAt;
        delivery.LeaseOwner = null;
        delivery.LeaseUntil = null;
        delivery.CurrentAttemptId = null;
        delivery.UpdatedAt = time.GetUtcNow();
    }

    /// <summary>Records the outcome, only if the claim still holds (the lease column is the concurrency token).</summary>
    private async Task SaveAsync(NotificationDelivery delivery, DeliveryAttempt? attempt, CancellationToken ct)
    {
        if (attempt is not null)
        {
            db.DeliveryAttempts.Add(attempt);
        }

        // The transaction is abandoned as a whole when SaveChanges fails, so the savepoint EF would set around it inside
        // a transaction (SAVEPOINT, RELEASE: two statements per delivery) serves nothing.
        db.Database.AutoSavepointsEnabled = false;
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async token =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                await db.SaveChangesAsync(token);
                await NotificationStatusUpdater.RefreshAfterChangeAsync(db, delivery, time.GetUtcNow(), token);
                await transaction.CommitAsync(token);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The lease expired and another worker took the delivery over: its outcome stands, not this one.
            logger.LogWarning("Delivery {DeliveryId}: the claim was lost before the outcome was recorded", delivery.Id);
        }
    }

    private static string? Truncate(string? value) => value is null || value.Length <= 2000 ? value : value[..2000];
}
