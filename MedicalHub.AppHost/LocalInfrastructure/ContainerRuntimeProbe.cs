using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost.LocalInfrastructure;

/// <summary>
/// Asks the container runtime Aspire would use (docker unless ASPIRE_CONTAINER_RUNTIME says otherwise)
/// whether its engine answers. A client without an engine, as on our build machines, is not healthy.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static string RuntimeName(IConfiguration configuration) =>
        configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"] ?? "docker";

    public static bool IsHealthy(string runtime, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(runtime)
        {
            ArgumentList = { "info", "--format", "{{.ServerVersion}}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            var version = process.StandardOutput.ReadToEnd().Trim();
            return process.ExitCode == 0 && version.Length > 0;
        }
        catch (Win32Exception)
        {
            return false; // the runtime's client is not installed
        }
    }
}
