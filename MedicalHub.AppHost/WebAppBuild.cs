namespace MedicalHub.AppHost;

/// <summary>Whether the web app's build output is missing or stale: the rule the AppHost applies before starting the gateway.</summary>
public static class WebAppBuild
{
    /// <summary>What the build reads: a change to any of them makes <c>dist/</c> stale.</summary>
    private static readonly string[] InputFiles = ["index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json", "tsconfig.app.json", "tsconfig.node.json"];
    private static readonly string[] InputFolders = ["src", "public"];

    public static string Directory(string appHostDirectory) => Path.GetFullPath(Path.Combine(appHostDirectory, "..", "services", "Web"));

    /// <summary>True when <c>dist/index.html</c> is missing or older than any source of the app.</summary>
    public static bool NeedsBuild(string app)
    {
        var output = new FileInfo(Path.Combine(app, "dist", "index.html"));
        return !output.Exists || NewestInput(app) > output.LastWriteTimeUtc;
    }

    /// <summary>True when <c>node_modules</c> was never installed, or the lockfile changed since it was.</summary>
    public static bool NeedsInstall(string app)
    {
        var installed = new FileInfo(Path.Combine(app, "node_modules", ".package-lock.json"));
        var lockfile = new FileInfo(Path.Combine(app, "package-lock.json"));
        return !installed.Exists || lockfile.LastWriteTimeUtc > installed.LastWriteTimeUtc;
    }

    /// <summary>Component tests (<c>*.test.ts(x)</c>) are not part of the build.</summary>
    private static bool IsTest(string name) => name.Contains(".test.", StringComparison.Ordinal);

    private static DateTime NewestInput(string app) =>
        InputFiles.Select(f => new FileInfo(Path.Combine(app, f))).Where(f => f.Exists).Select(f => f.LastWriteTimeUtc)
            .Concat(InputFolders.Select(d => new DirectoryInfo(Path.Combine(app, d))).Where(d => d.Exists)
                .SelectMany(d => d.EnumerateFiles("*", SearchOption.AllDirectories)).Where(f => !IsTest(f.Name)).Select(f => f.LastWriteTimeUtc))
            .DefaultIfEmpty(DateTime.MaxValue)
            .Max();
}
