using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace MedicalHub.Data.Health;

/// <summary>
/// Ready only when the service's own Redis accepts a write and returns it: a PING also succeeds on a
/// read-only replica or a server refusing writes when full, which would break rate limits and caches.
/// The key names the service instance and expires, so it doubles as a presence marker.
/// </summary>
internal sealed class RedisRoundTripHealthCheck(IConnectionMultiplexer redis, IHostEnvironment environment) : IHealthCheck
{
    public static string ProbeKey(string applicationName) =>
        $"medicalhub:probe:{applicationName}:{Environment.MachineName}:{Environment.ProcessId}";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = redis.GetDatabase();
            var key = ProbeKey(environment.ApplicationName);
            var value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            await db.StringSetAsync(key, value, TimeSpan.FromMinutes(2));
            var readBack = await db.StringGetAsync(key);
            return readBack == value
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, "Redis did not return what was written.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not accept writes.", ex);
        }
    }
}
