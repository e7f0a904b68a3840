using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Crashes and restarts one of the suite's services, for the tests that show nothing is lost across a crash. The process
/// is killed (a crash, not a shutdown; Aspire's stop command is not reliable for projects here) and started again with
/// the resource's start command; "started" means its own /health answers again.
/// </summary>
internal static class ServiceProcesses
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task KillAsync(StackFixture stack, string resource)
    {
        var running = await stack.App.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running, Ct);
        var pid = Convert.ToInt32(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
        using (var process = System.Diagnostics.Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
        }
        await stack.App.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, Ct);
    }

    /// <summary>Starts the resource unless it runs, and waits until its /health answers (at most two minutes).</summary>
    public static async Task StartAsync(StackFixture stack, string resource)
    {
        if (!stack.App.ResourceNotifications.TryGetCurrentState(resource, out var current) || current.Snapshot.State?.Text != KnownResourceStates.Running)
        {
            var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
            var started = await stack.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(model, KnownResourceCommands.StartCommand, Ct);
            Assert.True(started.Success, started.Message);
            await stack.App.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running, Ct);
        }
        using var http = new HttpClient { BaseAddress = stack.App.GetEndpoint(resource, "http"), Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 480; i++)
        {
            try
            {
                using var health = await http.GetAsync("/health", Ct);
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !Ct.IsCancellationRequested))
            {
                // not serving yet
            }
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"The restarted {resource} service never became healthy.");
    }
}
