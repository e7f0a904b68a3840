using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class AccountTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(IdentityClient.Registered User, string AccessToken)> SignedInAsync(IdentityClient identity)
    {
        var user = await identity.RegisterVerifiedAsync();
        using var login = await identity.PasswordGrantAsync(user.Email, user.Password);
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (user, tokens.GetProperty("access_token").GetString()!);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    [Fact]
    public async Task The_token_check_answers_who_the_token_speaks_for()
    {
        using var identity = new IdentityClient(stack);
        var (user, token) = await SignedInAsync(identity);

        using var response = await identity.Http.SendAsync(Request(HttpMethod.Post, "/auth/validate", token), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(user.UserId, info.GetProperty("userId").GetGuid());
        Assert.Equal(user.OrganizationId, info.GetProperty("organizationId").GetGuid());
        Assert.Equal(["OrgAdmin"], info.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("roles:manage", info.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    public static TheoryData<string> BadTokens => new() { "missing", "garbage", "tampered-payload", "tampered-signature", "alg-none" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_forged_and_unsigned_tokens_get_401(string kind)
    {
        using var identity = new IdentityClient(stack);
        var (_, token) = await SignedInAsync(identity);
        var parts = token.Split('.');
        var bad = kind switch
        {
            "missing" => null,
            "garbage" => "not-a-token",
            "tampered-payload" => parts[0] + "." + Base64Url(Encoding.UTF8.GetBytes(
                IdentityClient.Payload(token).ToString().Replace("OrgAdmin", "SuperAdmin", StringComparison.Ordinal))) + "." + parts[2],
            "tampered-signature" => parts[0] + "." + parts[1] + "." + (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..],
            "alg-none" => Base64Url("""{"alg":"none","typ":"at+jwt"}"""u8.ToArray()) + "." + parts[1] + ".",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        foreach (var (method, path) in new[] { (HttpMethod.Post, "/auth/validate"), (HttpMethod.Get, "/api/account/profile"), (HttpMethod.Get, "/api/account/organizations") })
        {
            using var response = await identity.Http.SendAsync(Request(method, path, bad), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_profile_can_be_read_and_changed_field_by_field()
    {
        using var identity = new IdentityClient(stack);
        var (user, token) = await SignedInAsync(identity);

        using var changed = await identity.Http.SendAsync(Request(HttpMethod.Patch, "/api/account/profile", token,
            new { title = "Dr.", phone = "+44 20 7946 0000", timeZone = "Europe/London", locale = "en-GB" }), Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        using var read = await identity.Http.SendAsync(Request(HttpMethod.Get, "/api/account/profile", token), Ct);
        var profile = await read.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(user.Email, profile.GetProperty("email").GetString());
        Assert.Equal("Gregory", profile.GetProperty("givenName").GetString());
        Assert.Equal("Dr.", profile.GetProperty("title").GetString());
        Assert.Equal("Europe/London", profile.GetProperty("timeZone").GetString());
        Assert.Equal("en-GB", profile.GetProperty("locale").GetString());
        Assert.True(profile.GetProperty("emailVerified").GetBoolean());
    }

    [Theory]
    [InlineData("""{"timeZone":"Mars/Olympus_Mons"}""")]
    [InlineData("""{"phone":"call me maybe"}""")]
    [InlineData("""{"givenName":""}""")]
    [InlineData("""{ "title": """)]
    public async Task Invalid_profile_changes_are_refused_and_change_nothing(string body)
    {
        using var identity = new IdentityClient(stack);
        var (_, token) = await SignedInAsync(identity);
        var request = Request(HttpMethod.Patch, "/api/account/profile", token);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await identity.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var read = await identity.Http.SendAsync(Request(HttpMethod.Get, "/api/account/profile", token), Ct);
        var profile = await read.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("UTC", profile.GetProperty("timeZone").GetString());
        Assert.Equal("Gregory", profile.GetProperty("givenName").GetString());
    }

    [Fact]
    public async Task Each_user_sees_only_their_own_account_and_organizations()
    {
        using var identity = new IdentityClient(stack);
        var (alice, _) = await SignedInAsync(identity);
        var (bob, bobToken) = await SignedInAsync(identity);

        using var bobsProfile = await identity.Http.SendAsync(Request(HttpMethod.Get, "/api/account/profile", bobToken), Ct);
        Assert.Equal(bob.Email, (await bobsProfile.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("email").GetString());

        using var bobsOrganizations = await identity.Http.SendAsync(Request(HttpMethod.Get, "/api/account/organizations", bobToken), Ct);
        var organizations = await bobsOrganizations.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var only = Assert.Single(organizations.EnumerateArray());
        Assert.Equal(bob.OrganizationId, only.GetProperty("id").GetGuid());
        Assert.NotEqual(alice.OrganizationId, only.GetProperty("id").GetGuid());
        Assert.True(only.GetProperty("current").GetBoolean());
        Assert.Equal(["OrgAdmin"], only.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // Bob cannot pick Alice's organization at the token endpoint either.
        using var intoAlices = await identity.PasswordGrantAsync(bob.Email, bob.Password, ("organization_id", alice.OrganizationId.ToString()));
        Assert.Equal(HttpStatusCode.BadRequest, intoAlices.StatusCode);
    }

    [Fact]
    public async Task Preferences_start_at_the_defaults_and_are_replaced_only_by_valid_values()
    {
        using var identity = new IdentityClient(stack);
        var (_, token) = await SignedInAsync(identity);

        using var defaults = await identity.SendAsync(HttpMethod.Get, "/api/account/preferences", token);
        Assert.Equal("system", (await defaults.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("theme").GetString());

        using var saved = await identity.SendAsync(HttpMethod.Put, "/api/account/preferences", token,
            new { theme = "dark", dateFormat = "dd.MM.yyyy", timeFormat = "24h", weekStartsOn = "monday" });
        using var invalid = await identity.SendAsync(HttpMethod.Put, "/api/account/preferences", token,
            new { theme = "neon", dateFormat = "dd.MM.yyyy", timeFormat = "25h", weekStartsOn = "monday" });
        using var read = await identity.SendAsync(HttpMethod.Get, "/api/account/preferences", token);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order();
        Assert.Equal(["theme", "timeFormat"], errors);
        var preferences = await read.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("dark", preferences.GetProperty("theme").GetString());
        Assert.Equal("dd.MM.yyyy", preferences.GetProperty("dateFormat").GetString());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
