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
    // Includes the web app's build when services/Web/dist is missing or stale (scripts/test.sh builds it first).
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(8);

    private readonly string _dataDirectory = TestDataDirectory.Create();
    private readonly List<string> _storeEndpoints = [];
    private readonly Gateway.EchoBackend _echo = new();
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    /// <summary>The value of one of the AppHost's parameters (generated secrets such as <c>content-client-secret</c>).</summary>
    public async Task<string> ParameterAsync(string name) =>
        (await App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(p => p.Name == name).GetValueAsync(TestContext.Current.CancellationToken))!;

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartupTimeout);
        await _echo.StartAsync(cts.Token);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MedicalHub_AppHost>(
            // Two gateway instances on one Redis, so the tests can prove they share the rate-limit counters.
            [$"MedicalHub:DataDirectory={_dataDirectory}", "MedicalHub:FixedPorts=false", "MedicalHub:Gateway:Replicas=2",
             // Two Communication instances on one database and Redis: the conversations hub's backplane joins them.
             "MedicalHub:Communication:Replicas=2",
             // Two Workflow instances on one database: both engines claim the same work (FOR UPDATE SKIP LOCKED).
             "MedicalHub:Workflow:Replicas=2",
             $"MedicalHub:Gateway:Cors:Origins:0={Gateway.GatewayClient.AllowedOrigin}",
             // Content's documents in the object store (Azurite), whose backend and the database's are both tested;
             // a small upload limit, so that going over it costs the suite little.
             "MedicalHub:Content:Storage=AzureBlob", $"MedicalHub:Content:MaxUploadBytes={Content.DocumentStackSettings.MaxUploadBytes}"],
            (options, _) => options.DisableDashboard = true,
            cts.Token);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        // Every test client reaches Identity from loopback: trusting it as a proxy lets each client present an
        // address of its own (X-Forwarded-For, see CreateHttpClient), so the per-address throttling counts
        // each test separately and the throttling tests choose their addresses. Deployments trust no proxy by default.
        builder.CreateResourceBuilder<ProjectResource>("identity")
            .WithEnvironment("MedicalHub__Identity__TrustedProxies__0", "127.0.0.1")
            .WithEnvironment("MedicalHub__Identity__TrustedProxies__1", "::1")
            // The default limits over a longer window, so that a busy machine cannot stretch a throttling test past its window.
            .WithEnvironment("MedicalHub__Identity__Throttling__Window", "00:05:00");
        foreach (var gateway in builder.Resources.OfType<ProjectResource>().Where(r => GatewayUnderTest.Instances.Contains(r.Name)).ToList())
        {
            var resource = builder.CreateResourceBuilder(gateway);
            foreach (var (name, value) in _echo.GatewayRoutes())
            {
                resource.WithEnvironment(name, value);
            }
        }
        Communication.CommunicationStackSettings.Apply(builder);
        Identity.AccountEmailStackSettings.Apply(builder);
        Content.ContentStackSettings.Apply(builder);
        Content.DocumentStackSettings.Apply(builder);
        DecisionSupport.AssistantProviderFakes.Apply(builder);

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await WaitUntilEveryResourceIsHealthyAsync(_app, cts.Token);

        foreach (var service in ServiceUnderTest.All)
        {
            var pg = new Npgsql.NpgsqlConnectionStringBuilder(await ConnectionStringAsync(service.PostgresServer));
            _storeEndpoints.Add($"{pg.Host}:{pg.Port}");
            _storeEndpoints.Add(StackExchange.Redis.ConfigurationOptions.Parse(await ConnectionStringAsync(service.Redis)).EndPoints.Single().ToString()!);
        }
        _storeEndpoints.Add(StackExchange.Redis.ConfigurationOptions.Parse(await ConnectionStringAsync(GatewayUnderTest.Redis)).EndPoints.Single().ToString()!);
    }

    /// <summary>A client of a service; Identity's clients each come from an address of their own (see the throttling note above).</summary>
    public HttpClient CreateHttpClient(string service)
    {
        var client = App.CreateHttpClient(service, "http");
        if (service == "identity" || GatewayUnderTest.Instances.Contains(service))
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", TestAddress());
        }
        return client;
    }

    private static int _addresses;

    /// <summary>A new address of 198.18.0.0/15, the range set aside for benchmarking (RFC 2544): only ever a header value, never dialled.</summary>
    public static string TestAddress()
    {
        var n = Interlocked.Increment(ref _addresses);
        return $"198.{18 + (n >> 16 & 1)}.{n >> 8 & 0xff}.{n & 0xff}";
    }

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
        await _echo.DisposeAsync();
        await ProcessCheck.AssertNothingListensAsync(_storeEndpoints);
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Waits for the four services (and Communication's and Workflow's second instances), their eight stores, the mailbox and the gateways with their Redis to be healthy, failing at once (with its name) if one fails to start or exits.</summary>
    private static async Task WaitUntilEveryResourceIsHealthyAsync(DistributedApplication app, CancellationToken ct)
    {
        var resources = ServiceUnderTest.All
            .SelectMany(s => new[] { s.PostgresServer, s.Database, s.Redis, s.Name })
            .Append(CommunicationUnderTest.SecondInstance)
            .Append(WorkflowUnderTest.SecondInstance)
            .Append("mail")
            .Concat(GatewayUnderTest.Instances).Append(GatewayUnderTest.Redis)
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
