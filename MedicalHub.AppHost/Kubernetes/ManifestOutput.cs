namespace MedicalHub.AppHost.Kubernetes;

/// <summary>
/// Puts a complete set of generated files in place of a folder's previous content: written beside it first, then
/// swapped in, so a reader (or a failed run) never sees half of one set and half of another.
/// </summary>
public static class ManifestOutput
{
    public static void Replace(string directory, IReadOnlyDictionary<string, string> files)
    {
        var target = Path.GetFullPath(directory);
        var parent = Path.GetDirectoryName(target) ?? throw new KubernetesPublishingException($"'{directory}' has no parent folder.");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.new-{Environment.ProcessId}");
        var previous = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Environment.ProcessId}");
        try
        {
            foreach (var (relative, text) in files)
            {
                var path = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }
            if (Directory.Exists(target))
            {
                Directory.Move(target, previous);
            }
            Directory.Move(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            if (Directory.Exists(previous))
            {
                Directory.Delete(previous, recursive: true);
            }
        }
    }
}
