namespace MedicalHub.AppHost.LocalInfrastructure;

/// <summary>Finds the machine's PostgreSQL server binaries and <c>redis-server</c> for process mode.</summary>
public sealed class LocalBinaryLocator(string? pathVariable, IReadOnlyList<string> postgresVersionRoots, Func<string?> pgConfigBinDir)
{
    /// <summary>Where Debian/Ubuntu (<c>/usr/lib/postgresql/15/bin</c>) and Red Hat (<c>/usr/pgsql-15/bin</c>) packages put versioned servers.</summary>
    public static readonly IReadOnlyList<string> DefaultPostgresVersionRoots = ["/usr/lib/postgresql", "/usr/pgsql-*"];

    public static LocalBinaryLocator ForThisMachine() =>
        new(Environment.GetEnvironmentVariable("PATH"), DefaultPostgresVersionRoots, PgConfig.BinDir);

    /// <summary>
    /// The first directory holding both <c>initdb</c> and <c>postgres</c>: the configured one, then what
    /// <c>pg_config --bindir</c> says, then the newest versioned install, then <c>PATH</c>.
    /// </summary>
    public string? FindPostgresBinDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasPostgresServer(configured) ? Path.GetFullPath(configured) : null;
        }

        var candidates = new List<string>();
        if (pgConfigBinDir() is { } fromPgConfig)
        {
            candidates.Add(fromPgConfig);
        }
        candidates.AddRange(VersionedInstalls());
        candidates.AddRange(PathDirectories());

        return candidates.FirstOrDefault(HasPostgresServer);
    }

    /// <summary>The configured <c>redis-server</c>, else the first one on <c>PATH</c>, else the usual install places.</summary>
    public string? FindRedisServer(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        return PathDirectories()
            .Concat(["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"])
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
    }

    private static bool HasPostgresServer(string directory) =>
        File.Exists(Path.Combine(directory, "postgres")) && File.Exists(Path.Combine(directory, "initdb"));

    private string[] PathDirectories() =>
        (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Versioned installs, newest major version first (18 before 9, so the order is numeric).</summary>
    private IEnumerable<string> VersionedInstalls()
    {
        foreach (var root in postgresVersionRoots)
        {
            IEnumerable<string> versionDirs;
            if (root.EndsWith('*'))
            {
                var parent = Path.GetDirectoryName(root)!;
                var prefix = Path.GetFileName(root).TrimEnd('*');
                versionDirs = Directory.Exists(parent) ? Directory.EnumerateDirectories(parent, prefix + "*") : [];
                versionDirs = versionDirs.Select(dir => (dir, version: Path.GetFileName(dir)[prefix.Length..]))
                    .OrderByDescending(d => VersionKey(d.version)).Select(d => d.dir);
            }
            else
            {
                versionDirs = Directory.Exists(root)
                    ? Directory.EnumerateDirectories(root).OrderByDescending(dir => VersionKey(Path.GetFileName(dir)))
                    : [];
            }

            foreach (var dir in versionDirs)
            {
                yield return Path.Combine(dir, "bin");
            }
        }
    }

    private static Version VersionKey(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : new Version(0, 0);
}
