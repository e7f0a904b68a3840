using System.Net.Sockets;

namespace MedicalHub.EndToEnd.Tests.Infrastructure;

internal static class ProcessCheck
{
    /// <summary>
    /// Fails unless every endpoint stops accepting connections within the grace period: what the
    /// AppHost started must stop with it (the orchestrator needs a few seconds to stop its processes).
    /// </summary>
    public static async Task AssertNothingListensAsync(IReadOnlyCollection<string> endpoints, TimeSpan? grace = null)
    {
        var deadline = DateTime.UtcNow + (grace ?? TimeSpan.FromSeconds(45));
        List<string> listening;
        do
        {
            listening = [];
            foreach (var endpoint in endpoints)
            {
                if (await AcceptsAsync(endpoint))
                {
                    listening.Add(endpoint);
                }
            }
            if (listening.Count == 0)
            {
                return;
            }
            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        throw new InvalidOperationException($"Still listening after the AppHost stopped: {string.Join(", ", listening)}");
    }

    private static async Task<bool> AcceptsAsync(string endpoint)
    {
        var separator = endpoint.LastIndexOf(':');
        var host = endpoint[..separator].Replace("Unspecified/", "", StringComparison.Ordinal);
        var port = int.Parse(endpoint[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
