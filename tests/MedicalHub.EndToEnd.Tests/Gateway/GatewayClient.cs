using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Gateway;

/// <summary>
/// Plain HTTP clients on one gateway instance (no resilience handler: a retried 429 or 401 would hide
/// what the gateway answered), and the forging of tokens for the tests.
/// </summary>
internal static class GatewayClient
{
    public const string AllowedOrigin = "https://app.medicalhub.test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static HttpClient Create(StackFixture stack, string instance = GatewayUnderTest.Name) =>
        new() { BaseAddress = stack.App.GetEndpoint(instance, "http") };

    /// <summary>The public URL tokens name as issuer: the (first) gateway's.</summary>
    public static string Issuer(StackFixture stack) => stack.App.GetEndpoint(GatewayUnderTest.Name, "http").ToString();

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token = null, string? clientIp = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (clientIp is not null)
        {
            // The test runner is a trusted proxy (loopback): this is the client address the gateway counts.
            request.Headers.Add("X-Forwarded-For", clientIp);
        }
        return request;
    }

    /// <summary>An address from a documentation range, different for every call, so each test has its own per-IP counters.</summary>
    public static string NewClientIp() => $"198.51.{RandomNumberGenerator.GetInt32(0, 256)}.{RandomNumberGenerator.GetInt32(1, 255)}";

    /// <summary>
    /// Signs <paramref name="payload"/> with Identity's real signing key, read (and decrypted with the
    /// AppHost's key-encryption parameter) from Identity's database: the only way to make a token whose
    /// signature is right but whose lifetime, issuer or audience is wrong. The key that signs (the newest ES256 key)
    /// signs with ES256; <paramref name="algorithm"/> only changes what the header claims.
    /// </summary>
    public static async Task<string> SignWithIdentityKeyAsync(StackFixture stack, JsonObject payload, string? algorithm = null, string type = "at+jwt")
    {
        var secret = await stack.ParameterAsync("identity-key-encryption-key");
        var kek = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb"));
        await db.OpenAsync(Ct);
        await using var query = new NpgsqlCommand(
            "SELECT key_id, protected_key FROM signing_keys WHERE use = 'sig' AND retired_at IS NULL ORDER BY created_at DESC LIMIT 1", db);
        await using var row = await query.ExecuteReaderAsync(Ct);
        Assert.True(await row.ReadAsync(Ct));
        var keyId = row.GetString(0);
        var protectedKey = (byte[])row[1];

        var pkcs8 = new byte[protectedKey.Length - 28];
        using (var aes = new AesGcm(kek, 16))
        {
            aes.Decrypt(protectedKey.AsSpan(0, 12), protectedKey.AsSpan(28), protectedKey.AsSpan(12, 16), pkcs8);
        }
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);

        var header = new JsonObject { ["alg"] = algorithm ?? "ES256", ["kid"] = keyId, ["typ"] = type };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = ecdsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return signingInput + "." + Base64Url(signature);
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
