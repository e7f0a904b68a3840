using System.Collections.Concurrent;
using System.Text.Json;

// A local stand-in for SendGrid's Mail Send API, for scripts/benchmark-communication.sh: the Communication service's
// provider BaseUrl points here. It accepts every POST /v3/mail/send at once (202 with an X-Message-Id, as SendGrid
// does) and records when each notification's call arrived; GET /arrivals hands the record to the script, DELETE
// /arrivals clears it. Usage: MedicalHub.Communication.Benchmark --urls http://127.0.0.1:<port> [--ParentPid <pid>]
// (with a parent process id, the fake stops by itself once that process has ended).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

if (app.Configuration.GetValue<int?>("ParentPid") is { } parentPid)
{
    _ = Task.Run(async () =>
    {
        while (ProcessIsAlive(parentPid))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        await app.StopAsync();
    });
}

var arrivals = new ConcurrentQueue<Arrival>();
var messages = 0L;

app.MapPost("/v3/mail/send", async context =>
{
    var arrived = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
    using var mail = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
    var notificationId = mail.RootElement.GetProperty("custom_args").GetProperty("notification_id").GetString() ?? "";
    arrivals.Enqueue(new Arrival(notificationId, arrived));
    context.Response.StatusCode = StatusCodes.Status202Accepted;
    context.Response.Headers["X-Message-Id"] = $"bench.{Interlocked.Increment(ref messages)}";
});
app.MapGet("/arrivals", () => Results.Json(arrivals.ToArray(), ArrivalJson.Default.ArrivalArray));
app.MapDelete("/arrivals", () =>
{
    arrivals.Clear();
    return Results.NoContent();
});

await app.RunAsync();

static bool ProcessIsAlive(int pid)
{
    try
    {
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        return !process.HasExited;
    }
    catch (ArgumentException)
    {
        return false;
    }
}

/// <summary>A notification's provider call: its id and the arrival time in Unix seconds (millisecond precision).</summary>
internal sealed record Arrival(string NotificationId, double At);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Arrival[]))]
internal sealed partial class ArrivalJson : System.Text.Json.Serialization.JsonSerializerContext;
