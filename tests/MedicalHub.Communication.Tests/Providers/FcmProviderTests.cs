using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedicalHub.Communication.Api.Delivery;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedicalHub.Communication.Tests.Providers;

public sealed class FcmProviderTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);
    private readonly ProviderFake _fake = new();

    public void Dispose() => _fake.Dispose();

    private string TokenUri => _fake.BaseUrl + "/token";

    /// <summary>The service account as one JSON key file, the way Google issues it, with the token URI pointed at the fake.</summary>
    private Dictionary<string, string?> Settings() => new()
    {
        ["MedicalHub:Communication:Providers:fcm:Type"] = "fcm",
        ["MedicalHub:Communication:Providers:fcm:BaseUrl"] = _fake.BaseUrl,
        ["MedicalHub:Communication:Providers:fcm:TokenUri"] = TokenUri,
        ["MedicalHub:Communication:Providers:fcm:ServiceAccountJson"] = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "medicalhub-test",
            ["private_key_id"] = "key-1",
            ["private_key"] = ProviderFake.ServiceAccountKey.Value.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "push@medicalhub-test.iam.gserviceaccount.com",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        }),
    };

    private void IssueTokens(int expiresIn = 3599) =>
        _fake.Server.Given(Request.Create().WithPath("/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"access_token":"ya29.test-access-token","expires_in":{{expiresIn}},"token_type":"Bearer"}"""));

    private void AcceptMessages() =>
        _fake.Server.Given(Request.Create().WithPath("/v1/projects/medicalhub-test/messages:send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"name":"projects/medicalhub-test/messages/0:1500415314455276%31bd1c9631bd1c96"}"""));

    [Fact]
    public async Task A_signed_service_account_jwt_is_exchanged_for_a_token_that_authorizes_the_send()
    {
        IssueTokens();
        AcceptMessages();
        await using var services = ProviderFake.BuildServices(Settings(), new FixedTimeProvider(Now));

        var result = await ProviderFake.Provider(services, "fcm").SendAsync(ProviderFake.Push(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryResult.Sent("projects/medicalhub-test/messages/0:1500415314455276%31bd1c9631bd1c96"), result);

        var tokenRequest = _fake.Requests.Single(entry => entry.Path == "/token");
        var grant = ProviderFake.Form(tokenRequest);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", grant["grant_type"]);
        var parts = grant["assertion"].Split('.');
        Assert.Equal(3, parts.Length);
        Assert.True(ProviderFake.ServiceAccountKey.Value.VerifyData(
            Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("key-1", header.RootElement.GetProperty("kid").GetString());
        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        Assert.Equal("push@medicalhub-test.iam.gserviceaccount.com", claims.RootElement.GetProperty("iss").GetString());
        Assert.Equal("https://www.googleapis.com/auth/firebase.messaging", claims.RootElement.GetProperty("scope").GetString());
        Assert.Equal(TokenUri, claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds(), claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(Now.ToUnixTimeSeconds() + 3600, claims.RootElement.GetProperty("exp").GetInt64());

        var send = _fake.Requests.Single(entry => entry.Path == "/v1/projects/medicalhub-test/messages:send");
        Assert.Equal("Bearer ya29.test-access-token", ProviderFake.Header(send, "Authorization"));
        using var body = JsonDocument.Parse(ProviderFake.Body(send));
        var message = body.RootElement.GetProperty("message");
        Assert.Equal("device-registration-token-1", message.GetProperty("token").GetString());
        Assert.Equal("Document shared", message.GetProperty("notification").GetProperty("title").GetString());
        Assert.Equal("Dr Martin shared a document with you.", message.GetProperty("notification").GetProperty("body").GetString());
        Assert.Equal("doc-42", message.GetProperty("data").GetProperty("documentId").GetString());
        Assert.Equal(ProviderFake.NotificationId.ToString(), message.GetProperty("data").GetProperty("notification_id").GetString());
    }

    [Fact]
    public async Task The_token_is_reused_until_it_nears_expiry()
    {
        IssueTokens(expiresIn: 3600);
        AcceptMessages();
        var clock = new FixedTimeProvider(Now);
        await using var services = ProviderFake.BuildServices(Settings(), clock);
        var provider = ProviderFake.Provider(services, "fcm");

        await provider.SendAsync(ProviderFake.Push(), TestContext.Current.CancellationToken);
        clock.Now = Now.AddMinutes(50);
        await provider.SendAsync(ProviderFake.Push(), TestContext.Current.CancellationToken);
        Assert.Single(_fake.Requests, entry => entry.Path == "/token");

        clock.Now = Now.AddMinutes(56);
        await provider.SendAsync(ProviderFake.Push(), TestContext.Current.CancellationToken);
        Assert.Equal(2, _fake.Requests.Count(entry => entry.Path == "/token"));
    }

    [Fact]
    public async Task A_refused_token_is_dropped_and_the_attempt_is_transient()
    {
        IssueTokens();
        _fake.Server.Given(Request.Create().WithPath("/v1/projects/medicalhub-test/messages:send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":{"code":401,"status":"UNAUTHENTICATED"}}"""));
        await using var services = ProviderFake.BuildServices(Settings(), new FixedTimeProvider(Now));
        var provider = ProviderFake.Provider(services, "fcm");

        var first = await provider.SendAsync(ProviderFake.Push(), TestContext.Current.CancellationToken);
        await provider.SendAsync(ProviderFake.Push(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.TransientFailure, first.Outcome);
        Assert.Equal(2, _fake.Requests.Count(entry => entry.Path == "/token"));
    }

    [Fact]
    public async Task An_unregistered_device_token_is_a_permanent_failure()
    {
        IssueTokens();
        _fake.Server.Given(Request.Create().WithPath("/v1/projects/medicalhub-test/messages:send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"error":{"code":404,"status":"NOT_FOUND","details":[{"errorCode":"UNREGISTERED"}]}}"""));
        await using var services = ProviderFake.BuildServices(Settings(), new FixedTimeProvider(Now));

        var result = await ProviderFake.Provider(services, "fcm").SendAsync(ProviderFake.Push(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("UNREGISTERED", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_endpoint_that_fails_makes_the_attempt_transient_without_calling_fcm()
    {
        _fake.Server.Given(Request.Create().WithPath("/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"error":"invalid_grant"}"""));
        AcceptMessages();
        await using var services = ProviderFake.BuildServices(Settings(), new FixedTimeProvider(Now));

        var result = await ProviderFake.Provider(services, "fcm").SendAsync(ProviderFake.Push(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Contains("invalid_grant", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_fake.Requests, entry => entry.Path!.StartsWith("/v1/", StringComparison.Ordinal));
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
