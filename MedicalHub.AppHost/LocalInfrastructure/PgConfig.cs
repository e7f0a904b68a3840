using System.ComponentModel;
using System.Diagnostics;

namespace MedicalHub.AppHost.LocalInfrastructure;

internal static class PgConfig
{
    /// <summary>What <c>pg_config --bindir</c> prints, or null when pg_config is absent or fails.</summary>
    public static string? BinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config")
            {
                ArgumentList = { "--bindir" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null || !process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }
}
