namespace MedicalHub.EndToEnd.Tests.Infrastructure;

internal static class TestDataDirectory
{
    /// <summary>A fresh data folder the unprivileged 'postgres' user can reach (temporary folders are created private).</summary>
    public static string Create()
    {
        var directory = Directory.CreateTempSubdirectory("medicalhub-e2e-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory.FullName,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        return directory.FullName;
    }
}
