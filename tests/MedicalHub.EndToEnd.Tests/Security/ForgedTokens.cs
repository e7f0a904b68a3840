using System.Text;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Gateway;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Security;

/// <summary>
/// Bad variants of a real access token, each broken in one way: the kinds of <see cref="GatewaySecurityTests.BadTokens"/>,
/// presented to the gateway and directly to each service. Tokens with a valid signature but a wrong claim are signed with Identity's real key.
/// </summary>
internal static class ForgedTokens
{
    /// <param name="otherAudience">What "wrong-audience" puts in <c>aud</c>: another real service, so only this service's own name passes.</param>
    public static async Task<string?> MakeAsync(StackFixture stack, string kind, string token, string otherAudience)
    {
        var parts = token.Split('.');
        return kind switch
        {
            "missing" => null,
            "garbage" => "not-a-token",
            "tampered-payload" => parts[0] + "." + GatewayClient.Base64Url(Encoding.UTF8.GetBytes(
                IdentityClient.Payload(token).ToString().Replace("OrgAdmin", "SuperAdmin", StringComparison.Ordinal))) + "." + parts[2],
            "tampered-signature" => parts[0] + "." + parts[1] + "." + (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..],
            "alg-none" => GatewayClient.Base64Url("""{"alg":"none","typ":"at+jwt"}"""u8.ToArray()) + "." + parts[1] + ".",
            "hs256-with-the-public-key-id" => HmacSigned(token),
            "expired" => await ForgeAsync(stack, token, p => { p["iat"] = Now() - 900; p["nbf"] = Now() - 900; p["exp"] = Now() - 600; }),
            "wrong-issuer" => await ForgeAsync(stack, token, p => p["iss"] = "https://evil.example/"),
            "wrong-audience" => await ForgeAsync(stack, token, p => p["aud"] = otherAudience),
            "not-an-access-token" => await ForgeAsync(stack, token, _ => { }, type: "JWT"),
            "control" => await ForgeAsync(stack, token, _ => { }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static Task<string> ForgeAsync(StackFixture stack, string template, Action<JsonObject> change, string type = "at+jwt")
    {
        var payload = JsonNode.Parse(IdentityClient.Payload(template).GetRawText())!.AsObject();
        change(payload);
        return GatewayClient.SignWithIdentityKeyAsync(stack, payload, type: type);
    }

    /// <summary>The algorithm-confusion family: the same claims "signed" with HS256 under a secret the attacker picked.</summary>
    private static string HmacSigned(string token)
    {
        var header = JsonNode.Parse(IdentityClient.Header(token).GetRawText())!.AsObject();
        header["alg"] = "HS256";
        var input = GatewayClient.Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + token.Split('.')[1];
        var signature = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(token.Split('.')[2]), Encoding.ASCII.GetBytes(input));
        return input + "." + GatewayClient.Base64Url(signature);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
