using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>
/// SendGrid-type e-mail providers of the suite's Communication service, each a WireMock.Net server in the test process,
/// started before the stack (see <see cref="CommunicationStackSettings"/>). An organization's routing puts them in the
/// order a test needs; each test scripts the answers for its own recipients' domain only, so tests running at the same
/// time never see each other's traffic.
/// </summary>
internal static class HttpProviderFakes
{
    /// <summary>A provider the fault tests make fail.</summary>
    public static readonly FakeSendGrid Primary = new("sendgrid-a", timeout: TimeSpan.FromSeconds(10));

    /// <summary>The provider failed over to.</summary>
    public static readonly FakeSendGrid Secondary = new("sendgrid-b", timeout: TimeSpan.FromSeconds(10));

    /// <summary>A provider with a short timeout (its <c>Timeout</c> setting): a fake that answers later counts as not answering.</summary>
    public static readonly FakeSendGrid Impatient = new("sendgrid-impatient", timeout: TimeSpan.FromSeconds(1));

    private static readonly FakeSendGrid[] All = [Primary, Secondary, Impatient];

    /// <summary>The providers' configuration, as the service reads it from its environment.</summary>
    public static void Configure(IDictionary<string, object> env)
    {
        foreach (var fake in All)
        {
            var prefix = $"MedicalHub__Communication__Providers__{fake.Name}__";
            env[prefix + "Type"] = "sendgrid";
            env[prefix + "BaseUrl"] = fake.Server.Urls[0];
            env[prefix + "ApiKey"] = fake.ApiKey;
            env[prefix + "FromEmail"] = "no-reply@medicalhub.test";
            env[prefix + "Timeout"] = fake.Timeout.ToString("c", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A new domain for one test's recipients.</summary>
    public static string NewDomain() => $"{Guid.NewGuid():N}.faults.example.org";
}

/// <summary>How a fake answers one call: a status (202 is a send), after an optional delay, with an optional <c>Retry-After</c> in seconds.</summary>
internal sealed record FakeAnswer(int Status, TimeSpan Delay = default, int? RetryAfterSeconds = null)
{
    public static readonly FakeAnswer Accepted = new(202);

    public bool IsSend => Status is >= 200 and < 300;
}

/// <summary>One call a fake received, as it arrived, and how it was answered.</summary>
internal sealed record ProviderCall(
    string Provider,
    string Path,
    string? Authorization,
    string Recipient,
    Guid NotificationId,
    Guid AttemptId,
    DateTimeOffset ArrivedAt,
    FakeAnswer Answer,
    string? MessageId);

internal sealed class FakeSendGrid
{
    public const string MailSendPath = "/v3/mail/send";

    private readonly ConcurrentQueue<ProviderCall> _calls = new();

    public FakeSendGrid(string name, TimeSpan timeout)
    {
        Name = name;
        Timeout = timeout;
        ApiKey = $"SG.fake-key-of-{name}";
        Server = WireMockServer.Start();
    }

    public string Name { get; }

    public TimeSpan Timeout { get; }

    public string ApiKey { get; }

    public WireMockServer Server { get; }

    /// <summary>
    /// Scripts this fake's answers to mail sends for recipients of <paramref name="domain"/>: <paramref name="script"/>
    /// gets the number of the call (from 0, over that domain's calls to this fake) and says how to answer it. Calls for
    /// other domains are not matched here (WireMock answers an unmatched request 404).
    /// </summary>
    public void Answer(string domain, Func<int, FakeAnswer> script)
    {
        var count = 0;
        Server
            .Given(Request.Create().WithPath(MailSendPath).UsingPost().WithBody((string? body) => body is not null && body.Contains($"@{domain}\"", StringComparison.Ordinal)))
            .RespondWith(Response.Create().WithCallback(async request =>
            {
                var arrived = DateTimeOffset.UtcNow;
                var answer = script(Interlocked.Increment(ref count) - 1);
                var call = Record(request, arrived, answer);
                if (answer.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(answer.Delay);
                }
                var response = new ResponseMessage { StatusCode = answer.Status };
                if (call.MessageId is not null)
                {
                    response.AddHeader("X-Message-Id", call.MessageId);
                }
                if (answer.RetryAfterSeconds is { } retryAfter)
                {
                    response.AddHeader("Retry-After", retryAfter.ToString(CultureInfo.InvariantCulture));
                }
                return (IResponseMessage)response;
            }));
    }

    /// <summary>Always the same answer for the domain.</summary>
    public void Answer(string domain, FakeAnswer answer) => Answer(domain, _ => answer);

    /// <summary>Every call this fake received for <paramref name="domain"/>'s recipients, in order of arrival.</summary>
    public IReadOnlyList<ProviderCall> CallsFor(string domain) =>
        [.. _calls.Where(c => c.Recipient.EndsWith("@" + domain, StringComparison.Ordinal)).OrderBy(c => c.ArrivedAt)];

    private ProviderCall Record(IRequestMessage request, DateTimeOffset arrived, FakeAnswer answer)
    {
        using var body = JsonDocument.Parse(request.Body ?? "{}");
        var mail = body.RootElement;
        var customArgs = mail.GetProperty("custom_args");
        var attemptId = Guid.Parse(customArgs.GetProperty("attempt_id").GetString()!);
        var call = new ProviderCall(
            Name,
            request.Path,
            request.Headers?.TryGetValue("Authorization", out var authorization) == true ? authorization.ToString() : null,
            mail.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString()!,
            Guid.Parse(customArgs.GetProperty("notification_id").GetString()!),
            attemptId,
            arrived,
            answer,
            answer.IsSend ? $"{Name}.{attemptId:N}" : null);
        _calls.Enqueue(call);
        return call;
    }
}
