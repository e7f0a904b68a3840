using System.Net;
using System.Net.Sockets;
using MedicalHub.Communication.Api.Notifications;
using MedicalHub.Communication.Tests.Providers;
using MedicalHub.Security.ServiceClients;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedicalHub.Communication.Tests.Notifications;

/// <summary>
/// A recipient given by user id, against a WireMock.Net stand-in for Identity (token endpoint and member contact
/// endpoint), with the service defaults' resilience pipeline on every HttpClient as in the service. The real lookup,
/// tenant refusal included, runs in the end-to-end NotificationTests; here are Identity's failures, which the shared stack
/// cannot stage without stopping Identity for every other test.
/// </summary>
public sealed class MemberDirectoryTests : IDisposable
{
    private static readonly Guid OrganizationId = Guid.Parse("11111111-2222-4333-8444-555555555555");
    private static readonly Guid UserId = Guid.Parse("0195a000-0000-7000-8000-0000000000aa");
    private static string ContactPath => $"/api/internal/organizations/{OrganizationId}/members/{UserId}/contact";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ProviderFake _identity = new();

    public void Dispose() => _identity.Dispose();

    private static SendNotificationRequest Notification(string? email = null, string? locale = null) => new(
        new NotificationRecipient(UserId, email, null, null, locale, null), "document-shared", null, null, "Subject", "Body", null, null, null, null, null);

    private static IHost Service(string identityUrl)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MedicalHub:Authentication:IdentityUrl"] = identityUrl,
            ["MedicalHub:ServiceClient:ClientId"] = "communication",
            ["MedicalHub:ServiceClient:Secret"] = "test-client-secret",
            ["MedicalHub:Communication:MemberDirectory:Timeout"] = "00:00:05",
            ["MedicalHub:Communication:MemberDirectory:RetryAfter"] = "00:00:07",
        });
        builder.Services.AddLogging();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        builder.AddServiceTokenClient();
        builder.AddMemberDirectory();
        return builder.Build();
    }

    private void IssueTokens() =>
        _identity.Server.Given(Request.Create().WithPath("/connect/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"access_token":"service-token-1","token_type":"Bearer","expires_in":300}"""));

    private void AnswerContact(int status, string? body = null) =>
        _identity.Server.Given(Request.Create().WithPath(ContactPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body ?? ""));

    private static async Task<object> CompleteAsync(IHost service, SendNotificationRequest request)
    {
        using var scope = service.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<MemberDirectory>().CompleteRecipientAsync(request, OrganizationId, Ct);
    }

    [Fact]
    public async Task Identity_fills_in_what_the_caller_left_out_with_this_services_token_for_the_identity_audience()
    {
        IssueTokens();
        AnswerContact(200, $$"""
            {"userId":"{{UserId}}","email":"nurse@example.org","phone":"+32 470 12-34-56","locale":"fr-BE","timeZone":"Europe/Brussels","givenName":"Inès","familyName":"Peeters"}
            """);
        using var service = Service(_identity.BaseUrl);

        var completed = Assert.IsType<MemberDirectory.Completed>(await CompleteAsync(service, Notification(email: "given@example.org")));

        var recipient = completed.Request.Recipient!;
        Assert.Equal("given@example.org", recipient.Email); // the caller's address wins
        Assert.Equal("+32470123456", recipient.Phone); // as typed in Identity, sent in E.164 form
        Assert.Equal("fr-BE", recipient.Locale);
        Assert.Equal("Europe/Brussels", recipient.TimeZone);
        var token = Assert.Single(_identity.Requests, r => r.Path == "/connect/token");
        var form = ProviderFake.Form(token);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("communication", form["client_id"]);
        Assert.Equal("identity", form["scope"]);
        Assert.Equal("Bearer service-token-1", ProviderFake.Header(Assert.Single(_identity.Requests, r => r.Path == ContactPath), "Authorization"));
    }

    [Fact]
    public async Task A_phone_locale_or_time_zone_this_service_cannot_use_is_left_out()
    {
        IssueTokens();
        AnswerContact(200, $$"""
            {"userId":"{{UserId}}","email":null,"phone":"call the front desk","locale":"not a locale!","timeZone":"Mars/Olympus_Mons","givenName":"A","familyName":"B"}
            """);
        using var service = Service(_identity.BaseUrl);

        var recipient = Assert.IsType<MemberDirectory.Completed>(await CompleteAsync(service, Notification())).Request.Recipient!;

        Assert.Null(recipient.Email);
        Assert.Null(recipient.Phone);
        Assert.Null(recipient.Locale);
        Assert.Null(recipient.TimeZone);
    }

    [Fact]
    public async Task A_user_who_is_not_a_member_of_the_organization_is_refused_as_unknown()
    {
        IssueTokens();
        AnswerContact(404);
        using var service = Service(_identity.BaseUrl);

        var refused = Assert.IsType<NotificationIntake.Unprocessable>(await CompleteAsync(service, Notification(email: "given@example.org")));

        Assert.Equal("Unknown recipient.", refused.Title);
        Assert.Contains(UserId.ToString(), refused.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(403)] // this service's client lacks the permission: a configuration fault, logged as an error, never a 500 to the caller
    public async Task Identity_failing_makes_the_intake_answer_retry_later_after_one_attempt(int status)
    {
        IssueTokens();
        AnswerContact(status);
        using var service = Service(_identity.BaseUrl);

        var unavailable = Assert.IsType<MemberDirectory.RecipientUnavailable>(await CompleteAsync(service, Notification(email: "given@example.org")));

        Assert.Equal(TimeSpan.FromSeconds(7), unavailable.RetryAfter);
        // One call: the caller is waiting, and retries (idempotently) on its side.
        Assert.Single(_identity.Requests, r => r.Path == ContactPath);
    }

    [Fact]
    public async Task Identity_unreachable_makes_the_intake_answer_retry_later()
    {
        using var service = Service($"http://127.0.0.1:{ClosedPort()}");

        Assert.IsType<MemberDirectory.RecipientUnavailable>(await CompleteAsync(service, Notification()));
    }

    [Fact]
    public async Task A_recipient_without_user_id_is_not_looked_up()
    {
        using var service = Service(_identity.BaseUrl);
        var request = Notification() with { Recipient = new NotificationRecipient(null, "someone@example.org", null, null, null, null) };

        Assert.Same(request, Assert.IsType<MemberDirectory.Completed>(await CompleteAsync(service, request)).Request);
        Assert.Empty(_identity.Requests);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
