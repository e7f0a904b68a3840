using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace MedicalHub.Content.Api.Ingestion.Tools;

/// <summary>
/// Runs a program of the machine (poppler, tesseract, the pixbuf thumbnailer) on a document's bytes, time-boxed and
/// bounded: its address space is capped with <c>prlimit</c> (which execs the program, so the PID is the program's),
/// its output is cut off at <see cref="ToolRun.MaxOutputBytes"/>, and when its time is up or the job is cancelled it is
/// killed by its PID (with anything it started). A crash or a hang of the program never takes the service with it.
/// </summary>
public static class ExternalTool
{
    /// <summary>Where <c>prlimit</c> (util-linux) is; without it programs run without the memory cap.</summary>
    private static readonly string? Prlimit = File.Exists("/usr/bin/prlimit") ? "/usr/bin/prlimit" : null;

    public static async Task<ToolResult> RunAsync(ToolRun run, CancellationToken ct)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = run.WorkingDirectory ?? Path.GetTempPath(),
        };
        if (Prlimit is not null && run.MaxMemoryBytes is { } memory)
        {
            start.FileName = Prlimit;
            start.ArgumentList.Add($"--as={memory}");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(run.Program);
        }
        else
        {
            start.FileName = run.Program;
        }
        foreach (var argument in run.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in run.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        var watch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ToolUnavailableException($"{Path.GetFileName(run.Program)} could not be started ({ex.Message}); install it (scripts/prerequisites.sh).", ex);
        }
        process.StandardInput.Close();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(run.Timeout);
        var output = ReadCappedAsync(process.StandardOutput, run.MaxOutputBytes, process);
        var errors = ReadCappedAsync(process.StandardError, 16 * 1024, process);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await ((Task)Task.WhenAll(output, errors)).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ct.ThrowIfCancellationRequested();
            throw new ToolTimeoutException($"{Path.GetFileName(run.Program)} did not finish within {run.Timeout.TotalSeconds:0.#} s and was stopped.");
        }
        var (stdout, truncated) = await output;
        var (stderr, _) = await errors;
        return new ToolResult(process.ExitCode, stdout, stderr, truncated, watch.Elapsed);
    }

    /// <summary>Kills the process (by its PID, with the processes it started); a process already gone is fine.</summary>
    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting as we asked.
        }
    }

    /// <summary>Reads a stream up to <paramref name="max"/> characters; beyond that the program is stopped (its output would be cut anyway).</summary>
    private static async Task<(string Text, bool Truncated)> ReadCappedAsync(StreamReader reader, long max, Process process)
    {
        var text = new StringBuilder();
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory())) > 0)
        {
            if (text.Length + read > max)
            {
                text.Append(buffer, 0, (int)Math.Max(0, max - text.Length));
                Kill(process);
                return (text.ToString(), true);
            }
            text.Append(buffer, 0, read);
        }
        return (text.ToString(), false);
    }
}

/// <summary>One run of a program: its arguments (never through a shell), limits and environment.</summary>
public sealed record ToolRun(string Program, IReadOnlyList<string> Arguments, TimeSpan Timeout)
{
    /// <summary>The address space allowed (prlimit --as); null: unlimited.</summary>
    public long? MaxMemoryBytes { get; init; } = 1L << 30;

    public long MaxOutputBytes { get; init; } = 64L << 20;

    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

public sealed record ToolResult(int ExitCode, string Output, string Errors, bool OutputTruncated, TimeSpan Elapsed)
{
    /// <summary>The last line of standard error, for a failure's reason (tools print file names, not contents).</summary>
    public string ErrorSummary => Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } lines
        ? lines[^1].Length <= 300 ? lines[^1] : lines[^1][..300]
        : $"exit code {ExitCode}";
}

/// <summary>The program ran out of its time and was killed.</summary>
public sealed class ToolTimeoutException(string message) : Exception(message);

/// <summary>The program is not installed on this machine.</summary>
public sealed class ToolUnavailableException(string message, Exception inner) : Exception(message, inner);
