using System.Diagnostics;
using System.Text;

namespace MedicalHub.Content.Formats.Tests.Dicom;

/// <summary>Runs the dcmtk tools (Debian package <c>dcmtk</c>, installed by scripts/prerequisites.sh).</summary>
internal static class Dcmtk
{
    public static string Run(string tool, string workingDirectory, Encoding? outputEncoding, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = outputEncoding ?? Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{tool}' is not installed: the DICOM tests cross-check against dcmtk. Install the Debian package 'dcmtk' (scripts/prerequisites.sh does).", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} did not finish in 60 s");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}");
            }
            return stdout;
        }
    }
}
