using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace MedicalHub.AppHost.LocalInfrastructure;

/// <summary>One service's own PostgreSQL database and Redis, whichever way they are run.</summary>
public sealed record ServiceStores(
    IResourceBuilder<IResourceWithConnectionString> PostgresServer,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis);

public static class ServiceStoresExtensions
{
    /// <summary>
    /// Adds <c>{service}-postgres</c> with the database <c>{service}db</c>, and <c>{service}-redis</c>, as
    /// containers or as local processes. Passwords are generated secret parameters (kept in the AppHost's
    /// user secrets in run mode); ports are the given ones in run mode unless <c>MedicalHub:FixedPorts</c> is off.
    /// </summary>
    public static ServiceStores AddServiceStores(this IDistributedApplicationBuilder builder, InfrastructureSettings settings,
        string service, int postgresPort, int redisPort)
    {
        var postgresPassword = builder.AddGeneratedPassword($"{service}-postgres-password");
        int? pgPort = settings.FixedPorts ? postgresPort : null;

        if (settings.Mode == InfrastructureMode.Containers)
        {
            var postgres = builder.AddPostgres($"{service}-postgres", password: postgresPassword, port: pgPort)
                .WithDataVolume($"medicalhub-{service}-postgres-data");
            if (builder.ExecutionContext.IsPublishMode)
            {
                // A deployment runs PostgreSQL with the RUM index (deploy/images/postgres-rum), on the same version.
                var tag = postgres.Resource.Annotations.OfType<ContainerImageAnnotation>().Last().Tag ?? "latest";
                postgres.WithDockerfile(Path.Combine(builder.AppHostDirectory, "..", "deploy", "images", "postgres-rum"))
                    .WithBuildArg("POSTGRES_TAG", tag);
            }
            var database = postgres.AddDatabase($"{service}db");
            return new ServiceStores(postgres, database, builder.AddServiceRedis(settings, service, redisPort));
        }

        var localPostgres = builder.AddLocalPostgres($"{service}-postgres", settings, postgresPassword, pgPort);
        var localDatabase = localPostgres.AddLocalDatabase($"{service}db");
        return new ServiceStores(localPostgres, localDatabase, builder.AddServiceRedis(settings, service, redisPort));
    }

    /// <summary>
    /// Adds <c>{service}-redis</c> alone (for a component with no database, such as the gateway), as a
    /// container or a local process, with a generated password and the given port in run mode unless
    /// <c>MedicalHub:FixedPorts</c> is off.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddServiceRedis(this IDistributedApplicationBuilder builder,
        InfrastructureSettings settings, string service, int redisPort)
    {
        var redisPassword = builder.AddGeneratedPassword($"{service}-redis-password");
        int? port = settings.FixedPorts ? redisPort : null;
        return settings.Mode == InfrastructureMode.Containers
            ? builder.AddRedis($"{service}-redis", port, redisPassword).WithDataVolume($"medicalhub-{service}-redis-data")
            : builder.AddLocalRedis($"{service}-redis", settings, redisPassword, port);
    }

    /// <summary>References the service's stores, waits for them, and groups them under the service in the dashboard.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceStores(this IResourceBuilder<ProjectResource> project, ServiceStores stores)
    {
        stores.PostgresServer.WithParentRelationship(project);
        stores.Redis.WithParentRelationship(project);
        return project
            .WithReference(stores.Database).WaitFor(stores.Database)
            .WithReference(stores.Redis).WaitFor(stores.Redis);
    }

    private static IResourceBuilder<ParameterResource> AddGeneratedPassword(this IDistributedApplicationBuilder builder, string name) =>
        // No special characters: the value travels through connection strings, shell scripts and SQL literals.
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);

    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name,
        InfrastructureSettings settings, IResourceBuilder<ParameterResource> password, int? port)
    {
        var server = new LocalPostgresServerResource(name, Path.Combine(settings.ScriptDirectory, "postgres-server.sh"),
            settings.ScriptDirectory, password.Resource);

        var connectionString = builder.TrackConnectionString(server);
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, ct) =>
        {
            await CreateDatabasesAsync(server, connectionString(), ct);
            // Aspire passes a container's state on to its databases but not an executable's: a database
            // of ours is running once it exists, which is now.
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in builder.Resources.OfType<LocalPostgresDatabaseResource>().Where(db => db.Parent == server))
            {
                await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
            }
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString() + ";Database=postgres", name: healthCheckKey);

        return builder.AddResource(server)
            .WithArgs(server.ScriptPath)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalPostgresServerResource.PrimaryEndpointName, env: "PGPORT", isProxied: false)
            .WithEnvironment("PG_BIN", settings.PostgresBinDirectory!)
            .WithEnvironment("PGDATA", Path.Combine(settings.DataDirectory, name))
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddLocalDatabase(this IResourceBuilder<LocalPostgresServerResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource);
        server.Resource.Databases[name] = database.DatabaseName;

        var connectionString = server.ApplicationBuilder.TrackConnectionString(database);
        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: healthCheckKey);

        // Until the server is ready the database mirrors its state (starting, failed, exited...).
        server.ApplicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(database, (@event, ct) =>
        {
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = MirrorParentStateAsync(@event.Notifications, database, stopping);
            return Task.CompletedTask;
        });

        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.Waiting, Properties = [] })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name,
        InfrastructureSettings settings, IResourceBuilder<ParameterResource> password, int? port)
    {
        var redis = new LocalRedisResource(name, Path.Combine(settings.ScriptDirectory, "redis-server.sh"), settings.ScriptDirectory, password.Resource);

        var connectionString = builder.TrackConnectionString(redis);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString(), name: healthCheckKey);

        return builder.AddResource(redis)
            .WithArgs(redis.ScriptPath)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalRedisResource.PrimaryEndpointName, env: "REDIS_PORT", isProxied: false)
            .WithEnvironment("REDIS_SERVER", settings.RedisServerPath!)
            .WithEnvironment("REDIS_DATA", Path.Combine(settings.DataDirectory, name))
            .WithEnvironment("REDIS_PASSWORD", password)
            .WithIconName("Memory")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>The resource's connection string once the orchestrator has allocated its endpoint, for health checks and set-up.</summary>
    internal static Func<string> TrackConnectionString(this IDistributedApplicationBuilder builder, IResourceWithConnectionString resource)
    {
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, ct) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct));
        return () => connectionString ?? throw new InvalidOperationException($"The connection string of '{resource.Name}' is not available yet.");
    }

    private static async Task MirrorParentStateAsync(ResourceNotificationService notifications, LocalPostgresDatabaseResource database, CancellationToken stopping)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                if (update.Resource == database.Parent && update.Snapshot.State?.Text is { } state && state != KnownResourceStates.Running)
                {
                    await notifications.PublishUpdateAsync(database, s => s with { State = update.Snapshot.State, StopTimeStamp = update.Snapshot.StopTimeStamp });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    private static async Task CreateDatabasesAsync(LocalPostgresServerResource server, string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres");
        await connection.OpenAsync(ct);
        foreach (var databaseName in server.Databases.Values)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", databaseName);
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                var quoted = "\"" + databaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                await create.ExecuteNonQueryAsync(ct);
            }
        }
    }
}
