using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

/// <summary>
/// Per-address throttling with its default limits (20 password grants and 30 <c>/api/auth</c> requests a window);
/// the test stack's window is 5 minutes (see StackFixture). Each client comes from an address of its own
/// (the test stack trusts loopback as a proxy).
/// </summary>
public sealed class ThrottlingTests(StackFixture stack)
{
    private const int PasswordGrantsPerWindow = 20;
    private const int AuthRequestsPerWindow = 30;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A client from an address of its own, without the suite's resilience handler (which would wait out
    /// a 429's Retry-After and try again); <paramref name="address"/> is what Identity takes as the client's address.
    /// </summary>
    private HttpClient PlainClient(out string address)
    {
        address = StackFixture.TestAddress();
        var client = new HttpClient { BaseAddress = stack.App.GetEndpoint("identity", "http") };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static Task<HttpResponseMessage> PasswordGrantAsync(HttpClient client, string email, string password) =>
        client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "medicalhub-web", ["username"] = email, ["password"] = password, ["scope"] = "openid",
        }), Ct);

    [Fact]
    public async Task Password_guessing_from_one_address_gets_429_slow_down_is_audited_and_other_addresses_are_unaffected()
    {
        using var identity = new IdentityClient(stack);
        var victim = await identity.RegisterVerifiedAsync();
        using var attacker = PlainClient(out var attackerAddress);

        for (var i = 0; i < PasswordGrantsPerWindow; i++)
        {
            using var guess = await PasswordGrantAsync(attacker, IdentityClient.NewEmail(), "a guess that is wrong");
            Assert.Equal(HttpStatusCode.BadRequest, guess.StatusCode);
        }
        using var throttled = await PasswordGrantAsync(attacker, victim.Email, "one guess too many");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 300);
        Assert.Equal("slow_down", (await throttled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());

        // The victim, from their own address, logs in; the refused attempt never reached the password check.
        var token = await identity.AccessTokenAsync(victim);
        using var events = await identity.SendAsync(HttpMethod.Get, "/api/audit-events", token);
        var items = (await events.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("items").EnumerateArray().ToList();
        var audited = Assert.Single(items, e => e.GetProperty("action").GetString() == "login.throttled");
        Assert.Equal(victim.UserId, audited.GetProperty("subjectUserId").GetGuid());
        Assert.Equal(attackerAddress, audited.GetProperty("ipAddress").GetString());
        Assert.Equal("failure", audited.GetProperty("outcome").GetString());
        Assert.DoesNotContain(items, e => e.GetProperty("action").GetString() == "login.failed");
    }

    [Fact]
    public async Task The_sign_up_and_recovery_API_answers_429_with_a_problem_and_Retry_After()
    {
        using var client = PlainClient(out _);

        for (var i = 0; i < AuthRequestsPerWindow; i++)
        {
            using var accepted = await client.PostAsJsonAsync("/api/auth/forgot-password", new { email = IdentityClient.NewEmail() }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        using var throttled = await client.PostAsJsonAsync("/api/auth/forgot-password", new { email = IdentityClient.NewEmail() }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await throttled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32());
        Assert.True(throttled.Headers.Contains("Retry-After"));

        using var otherAddress = PlainClient(out _);
        using var fine = await otherAddress.PostAsJsonAsync("/api/auth/forgot-password", new { email = IdentityClient.NewEmail() }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, fine.StatusCode);
    }
}
