using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(MedicalHub.EndToEnd.Tests.Infrastructure.StackFixture))]

namespace MedicalHub.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real AppHost, started once for the whole suite: four services, each with its own Postgres and
/// Redis (local processes here, containers where a runtime answers), data in a throw-away folder and
/// ports chosen by the orchestrator, so the suite never collides with a developer's running stack.
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(5);

    private readonly string _dataDirectory = TestDataDirectory.Create();
    private readonly List<string> _storeEndpoints = [];
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MedicalHub_AppHost>(
            [$"MedicalHub:DataDirectory={_dataDirectory}", "MedicalHub:FixedPorts=false"],
            (options, _) => options.DisableDashboard = true,
            cts.Token);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        Communication.CommunicationStackSettings.Apply(builder);

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await WaitUntilEveryResourceIsHealthyAsync(_app, cts.Token);

        foreach (var service in ServiceUnderTest.All)
        {
            var pg = new Npgsql.NpgsqlConnectionStringBuilder(await ConnectionStringAsync(service.PostgresServer));
            _storeEndpoints.Add($"{pg.Host}:{pg.Port}");
            _storeEndpoints.Add(StackExchange.Redis.ConfigurationOptions.Parse(await ConnectionStringAsync(service.Redis)).EndPoints.Single().ToString()!);
        }
    }

    public HttpClient CreateHttpClient(string service) => App.CreateHttpClient(service, "http");

    public async Task<string> ConnectionStringAsync(string resource) =>
        await App.GetConnectionStringAsync(resource, TestContext.Current.CancellationToken)
        ?? throw new InvalidOperationException($"'{resource}' has no connection string.");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        // Stopping the AppHost must stop every Postgres and Redis it started: fail the run otherwise.
        await ProcessCheck.AssertNothingListensAsync(_storeEndpoints);
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Waits for the four services, their eight stores and the mailbox to be healthy, failing at once (with its name) if one fails to start or exits.</summary>
    private static async Task WaitUntilEveryResourceIsHealthyAsync(DistributedApplication app, CancellationToken ct)
    {
        var resources = ServiceUnderTest.All
            .SelectMany(s => new[] { s.PostgresServer, s.Database, s.Redis, s.Name })
            .Append("mail")
            .ToList();

        await Task.WhenAll(resources.Select(async name =>
        {
            using var failedOrDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var healthy = app.ResourceNotifications.WaitForResourceHealthyAsync(name, failedOrDone.Token);
            var failed = app.ResourceNotifications.WaitForResourceAsync(name,
                e => e.Snapshot.State?.Text is { } state && (state == KnownResourceStates.FailedToStart || state == KnownResourceStates.Exited || state == KnownResourceStates.Finished),
                failedOrDone.Token);

            var first = await Task.WhenAny(healthy, failed);
            await failedOrDone.CancelAsync();
            if (first == failed && failed.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException($"Resource '{name}' did not start: {failed.Result.Snapshot.State?.Text}.");
            }
            await healthy;
        }));
    }
}
