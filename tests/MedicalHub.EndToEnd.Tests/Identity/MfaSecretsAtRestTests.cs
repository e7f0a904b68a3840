using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class MfaSecretsAtRestTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_authenticator_key_and_recovery_codes_are_stored_encrypted_and_still_work()
    {
        using var identity = new IdentityClient(stack);
        var user = await identity.RegisterVerifiedAsync();
        var token = await identity.AccessTokenAsync(user);
        using var start = await identity.SendAsync(HttpMethod.Post, "/api/account/mfa/totp", token);
        var secret = (await start.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
        using var confirm = await identity.SendAsync(HttpMethod.Post, "/api/account/mfa/totp/confirm", token, new { code = Totp.Code(secret) });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var codes = (await confirm.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToList();

        var stored = new Dictionary<string, string>();
        await using (var db = new NpgsqlConnection(await stack.ConnectionStringAsync("identitydb")))
        {
            await db.OpenAsync(Ct);
            await using var query = new NpgsqlCommand("SELECT name, value FROM \"AspNetUserTokens\" WHERE user_id = @user AND login_provider = '[AspNetUserStore]'", db);
            query.Parameters.AddWithValue("user", user.UserId);
            await using var reader = await query.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                stored[reader.GetString(0)] = reader.GetString(1);
            }
        }

        Assert.StartsWith("enc1:", stored["AuthenticatorKey"], StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored["AuthenticatorKey"], StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("enc1:", stored["RecoveryCodes"], StringComparison.Ordinal);
        Assert.All(codes, code => Assert.DoesNotContain(code, stored["RecoveryCodes"], StringComparison.OrdinalIgnoreCase));

        // Decrypted on use: the TOTP step and a recovery code complete logins.
        using var password = await identity.PasswordGrantAsync(user.Email, user.Password);
        var mfaToken = (await password.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("mfa_token").GetString()!;
        using var withCode = await identity.TokenAsync(("grant_type", "urn:medicalhub:params:oauth:grant-type:mfa-otp"), ("client_id", "medicalhub-web"),
            ("mfa_token", mfaToken), ("otp", Totp.Code(secret, stepOffset: 1)));
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        using var again = await identity.PasswordGrantAsync(user.Email, user.Password);
        var secondMfaToken = (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("mfa_token").GetString()!;
        using var withRecoveryCode = await identity.TokenAsync(("grant_type", "urn:medicalhub:params:oauth:grant-type:mfa-otp"), ("client_id", "medicalhub-web"),
            ("mfa_token", secondMfaToken), ("recovery_code", codes[0]));
        Assert.Equal(HttpStatusCode.OK, withRecoveryCode.StatusCode);
    }
}
