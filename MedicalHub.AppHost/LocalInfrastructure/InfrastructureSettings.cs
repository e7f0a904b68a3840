using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost.LocalInfrastructure;

/// <summary>How this run of the AppHost provides PostgreSQL and Redis, decided once at start-up.</summary>
public sealed record InfrastructureSettings(
    InfrastructureMode Mode,
    bool FixedPorts,
    string DataDirectory,
    string? PostgresBinDirectory,
    string? RedisServerPath,
    string ScriptDirectory)
{
    /// <summary>The services to run (setting <c>MedicalHub:Services</c>, comma-separated); empty means all. Never filters in publish mode.</summary>
    public IReadOnlySet<string> Services { get; init; } = new HashSet<string>();

    public bool IncludesService(string name) => Services.Count == 0 || Services.Contains(name);

    /// <summary>The repository root (where the local dotnet tools are declared).</summary>
    public string RepositoryDirectory => Path.GetFullPath(Path.Combine(ScriptDirectory, "..", ".."));

    public const string SectionName = "MedicalHub";

    public static InfrastructureSettings Resolve(IDistributedApplicationBuilder builder) =>
        Resolve(builder.Configuration, builder.ExecutionContext.IsPublishMode, builder.AppHostDirectory,
            () => ContainerRuntimeProbe.IsHealthy(ContainerRuntimeProbe.RuntimeName(builder.Configuration), TimeSpan.FromSeconds(10)),
            LocalBinaryLocator.ForThisMachine());

    public static InfrastructureSettings Resolve(
        IConfiguration configuration, bool isPublishMode, string appHostDirectory,
        Func<bool> containerRuntimeIsHealthy, LocalBinaryLocator locator)
    {
        var section = configuration.GetSection(SectionName);
        var configured = InfrastructureModeResolver.Parse(section["Infrastructure"]);
        var mode = InfrastructureModeResolver.Resolve(configured, isPublishMode, containerRuntimeIsHealthy);

        var dataDirectory = Path.GetFullPath(section["DataDirectory"] is { Length: > 0 } configuredData
            ? configuredData
            : Path.Combine(appHostDirectory, "..", ".data"));
        var settings = new InfrastructureSettings(
            mode,
            FixedPorts: !isPublishMode && section.GetValue("FixedPorts", true),
            dataDirectory,
            PostgresBinDirectory: null,
            RedisServerPath: null,
            ScriptDirectory: Path.Combine(appHostDirectory, "LocalInfrastructure"))
        {
            Services = isPublishMode ? new HashSet<string>() : ParseServices(section["Services"]),
        };

        if (mode != InfrastructureMode.Processes)
        {
            return settings;
        }

        var postgres = locator.FindPostgresBinDirectory(section["PostgresBinDirectory"]);
        var redis = locator.FindRedisServer(section["RedisServerPath"]);
        if (postgres is null || redis is null)
        {
            var missing = string.Join(" and ", new[] { postgres is null ? "PostgreSQL server binaries (initdb, postgres)" : null, redis is null ? "redis-server" : null }.OfType<string>());
            var why = configured == InfrastructureMode.Auto ? "No healthy container runtime answered, and " : "";
            throw new DistributedApplicationException(
                $"{why}{missing} could not be found on this machine. Install them (Debian/Ubuntu: 'apt-get install -y postgresql redis-server'), " +
                "point MedicalHub:PostgresBinDirectory / MedicalHub:RedisServerPath at them, or start a container runtime and set MedicalHub:Infrastructure=Containers.");
        }

        return settings with { PostgresBinDirectory = postgres, RedisServerPath = redis };
    }

    private static HashSet<string> ParseServices(string? value) =>
        new((value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
}
