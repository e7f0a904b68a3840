using System.Net;
using System.Net.Sockets;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>
/// What the suite adds to the Communication service's configuration: an SMTP provider that cannot be reached (an
/// organization's routing can put it first, to watch retries, failover and the dead letter) and short retry delays.
/// </summary>
internal static class CommunicationStackSettings
{
    public const string UnreachableSmtpProvider = "smtpdown";
    public const int MaxAttempts = 4;
    public const int FailoverAfter = 2;

    public static void Apply(IDistributedApplicationTestingBuilder builder)
    {
        if (builder.Resources.OfType<ProjectResource>().SingleOrDefault(r => r.Name == "communication") is not { } communication)
        {
            return;
        }
        var closedPort = ClosedPort();
        communication.Annotations.Add(new EnvironmentCallbackAnnotation(env =>
        {
            env[$"MedicalHub__Communication__Providers__{UnreachableSmtpProvider}__Type"] = "smtp";
            env[$"MedicalHub__Communication__Providers__{UnreachableSmtpProvider}__ConnectionString"] = $"smtp://127.0.0.1:{closedPort}";
            env["MedicalHub__Communication__Delivery__FirstRetryDelay"] = "00:00:00.200";
            env["MedicalHub__Communication__Delivery__MaxRetryDelay"] = "00:00:01";
            env["MedicalHub__Communication__Delivery__MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["MedicalHub__Communication__Delivery__FailoverAfter"] = FailoverAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["MedicalHub__Communication__Delivery__PollInterval"] = "00:00:00.200";
        }));
    }

    /// <summary>A local port nothing listens on: taken from the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
