using System.Net;
using System.Net.Sockets;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>
/// What the suite adds to the Communication service's configuration: an SMTP provider that cannot be reached and one
/// that never answers (an organization's routing can put them first, to watch retries, failover, the dead letter and a
/// crash in the middle of a provider call), SendGrid-type providers whose API is a fake in the test process
/// (<see cref="HttpProviderFakes"/>), and short retry delays and leases.
/// </summary>
internal static class CommunicationStackSettings
{
    public const string UnreachableSmtpProvider = "smtpdown";

    /// <summary>An SMTP provider whose server accepts the connection and then never answers: a call to it hangs until the provider timeout.</summary>
    public const string StallingSmtpProvider = "smtpstall";

    /// <summary>The development mailbox again, limited to one call per second (shared by every replica through Redis).</summary>
    public const string ThrottledSmtpProvider = "smtpslow";

    public static readonly TimeSpan ProviderTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Listens (for the whole run) without ever accepting: connections complete in the backlog and get no greeting.</summary>
    private static readonly TcpListener StallingServer = new(IPAddress.Loopback, 0);
    public const int MaxAttempts = 4;
    public const int FailoverAfter = 2;

    /// <summary>Conversations' flood limit in the suite: messages per user per window (fixed windows counted from the Unix epoch).</summary>
    public const int FloodLimit = 20;
    public static readonly TimeSpan FloodWindow = TimeSpan.FromSeconds(90);

    public static void Apply(IDistributedApplicationTestingBuilder builder)
    {
        var instances = builder.Resources.OfType<ProjectResource>().Where(r => Infrastructure.CommunicationUnderTest.Instances.Contains(r.Name)).ToList();
        if (instances.Count == 0)
        {
            return;
        }
        var closedPort = ClosedPort();
        StallingServer.Start(backlog: 100);
        var stallingPort = ((IPEndPoint)StallingServer.LocalEndpoint).Port;
        void Configure(IDictionary<string, object> env)
        {
            env[$"MedicalHub__Communication__Providers__{UnreachableSmtpProvider}__Type"] = "smtp";
            env[$"MedicalHub__Communication__Providers__{UnreachableSmtpProvider}__ConnectionString"] = $"smtp://127.0.0.1:{closedPort}";
            env[$"MedicalHub__Communication__Providers__{StallingSmtpProvider}__Type"] = "smtp";
            env[$"MedicalHub__Communication__Providers__{StallingSmtpProvider}__ConnectionString"] = $"smtp://127.0.0.1:{stallingPort}";
            env[$"MedicalHub__Communication__Providers__{ThrottledSmtpProvider}__Type"] = "smtp";
            env[$"MedicalHub__Communication__Providers__{ThrottledSmtpProvider}__ConnectionStringName"] = "mail";
            env[$"MedicalHub__Communication__Providers__{ThrottledSmtpProvider}__RateLimitPerSecond"] = "1";
            env["MedicalHub__Communication__Delivery__ProviderTimeout"] = ProviderTimeout.ToString();
            env["MedicalHub__Communication__Delivery__LeaseDuration"] = LeaseDuration.ToString();
            env["MedicalHub__Communication__Delivery__FirstRetryDelay"] = FirstRetryDelay.ToString();
            env["MedicalHub__Communication__Delivery__MaxRetryDelay"] = MaxRetryDelay.ToString();
            env["MedicalHub__Communication__Delivery__MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["MedicalHub__Communication__Delivery__FailoverAfter"] = FailoverAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["MedicalHub__Communication__Delivery__PollInterval"] = "00:00:00.200";
            // Conversations: the offline fallback within seconds, and a flood limit a test reaches quickly.
            env["MedicalHub__Communication__Conversations__OfflineAfter"] = Conversations.ConversationClient.OfflineAfter.ToString();
            env["MedicalHub__Communication__Conversations__OfflineCheckInterval"] = "00:00:00.500";
            env["MedicalHub__Communication__Conversations__FloodLimit"] = FloodLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["MedicalHub__Communication__Conversations__FloodWindow"] = FloodWindow.ToString();
        }
        // Every instance alike: they share the work of one database.
        foreach (var communication in instances)
        {
            communication.Annotations.Add(new EnvironmentCallbackAnnotation(Configure));
            communication.Annotations.Add(new EnvironmentCallbackAnnotation(HttpProviderFakes.Configure));
        }
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
