using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using MedicalHub.Security.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>
/// How a service (Communication here) authenticates callers with the shared MedicalHub.Security: real Identity tokens on
/// the real stack, and forged ones. Rules that need a token signed by a trusted key (expired, wrong audience, wrong issuer)
/// are checked against the exact validation parameters the services use, with a key of the test's own.
/// </summary>
public sealed class AuthenticationTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CommunicationClient _client = new(stack);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_real_access_token_is_accepted_and_tampered_or_unsigned_ones_are_refused()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        await AssertStatusAsync(admin.Token, HttpStatusCode.OK);

        var parts = admin.Token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload["org_id"] = Guid.NewGuid().ToString();
        var tamperedPayload = Base64UrlEncoder.Encode(payload.ToJsonString());

        // Another organization written into a signed token: the signature no longer matches.
        await AssertStatusAsync($"{parts[0]}.{tamperedPayload}.{parts[2]}", HttpStatusCode.Unauthorized);

        // "alg: none", with and without the original signature.
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!;
        header["alg"] = "none";
        var noneHeader = Base64UrlEncoder.Encode(header.ToJsonString());
        await AssertStatusAsync($"{noneHeader}.{parts[1]}.", HttpStatusCode.Unauthorized);
        await AssertStatusAsync($"{noneHeader}.{parts[1]}.{parts[2]}", HttpStatusCode.Unauthorized);

        // HS256 keyed with Identity's public key (the classic key-confusion attack).
        using var jwks = await _client.Identity.Http.GetAsync("/.well-known/jwks", Ct);
        var publicKey = Encoding.UTF8.GetBytes(await jwks.Content.ReadAsStringAsync(Ct));
        header["alg"] = "HS256";
        var hsHeader = Base64UrlEncoder.Encode(header.ToJsonString());
        var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes($"{hsHeader}.{parts[1]}")));
        await AssertStatusAsync($"{hsHeader}.{parts[1]}.{signature}", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_id_token_signed_by_Identity_is_not_an_access_token_for_the_service()
    {
        var user = await _client.Identity.RegisterVerifiedAsync();
        using var login = await _client.Identity.PasswordGrantAsync(user.Email, user.Password);
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var idToken = tokens.GetProperty("id_token").GetString()!;
        Assert.True(await _client.Identity.SignatureIsValidAsync(idToken));

        // Signed with Identity's key, but for the web client (aud) and of type JWT, not at+jwt.
        await AssertStatusAsync(idToken, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(tokens.GetProperty("access_token").GetString()!, HttpStatusCode.OK);
    }

    private static readonly Uri Issuer = new("http://identity.test/");

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "wrong audience", Forge(audience: "content") },
        { "no audience", Forge(audience: null) },
        { "expired", Forge(expires: DateTime.UtcNow.AddMinutes(-5)) },
        { "wrong issuer", Forge(issuer: "http://evil.test/") },
        { "not an access token", Forge(type: "JWT") },
        { "signed by another key", Forge(key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = TrustedKey.KeyId }) },
        { "alg none", Unsigned() },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task The_services_validation_rules_refuse(string why, string token)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters());
        Assert.False(result.IsValid, $"a token with {why} was accepted");
    }

    [Fact]
    public async Task The_services_validation_rules_accept_a_well_formed_token()
    {
        // The control for the theory above: only the broken property makes those tokens fail.
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(Forge(), Parameters());
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("communication", result.Claims["aud"]);
    }

    private static readonly RsaSecurityKey TrustedKey = new(RSA.Create(2048)) { KeyId = "trusted" };

    private static TokenValidationParameters Parameters()
    {
        var parameters = AccessTokenValidation.Parameters("communication", new AuthenticationSettings { Issuer = Issuer });
        parameters.IssuerSigningKey = TrustedKey;
        return parameters;
    }

    private static string Forge(string? audience = "communication", DateTime? expires = null, string? issuer = null, string type = "at+jwt", SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer.ToString(),
            Audience = audience,
            IssuedAt = (expires ?? now.AddMinutes(5)).AddMinutes(-10),
            NotBefore = (expires ?? now.AddMinutes(5)).AddMinutes(-10),
            Expires = expires ?? now.AddMinutes(5),
            TokenType = type,
            Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["org_id"] = Guid.NewGuid().ToString(), ["permission"] = "messages:send" },
            SigningCredentials = new SigningCredentials(key ?? TrustedKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private static string Unsigned()
    {
        var parts = Forge().Split('.');
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt","kid":"trusted"}""");
        return $"{header}.{parts[1]}.";
    }

    private async Task AssertStatusAsync(string token, HttpStatusCode expected)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/api/notifications", token);
        Assert.Equal(expected, response.StatusCode);
    }
}
