using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class MfaTests(StackFixture stack)
{
    private const string MfaGrant = "urn:medicalhub:params:oauth:grant-type:mfa-otp";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Enrolled(IdentityClient.Registered User, string Secret, string[] RecoveryCodes, string AccessToken);

    private static async Task<JsonElement> SendAsync(IdentityClient identity, HttpMethod method, string path, string token, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await identity.Http.SendAsync(request, Ct);
        Assert.Equal(expected, response.StatusCode);
        return response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<Enrolled> EnrolAsync(IdentityClient identity)
    {
        var user = await identity.RegisterVerifiedAsync();
        using var login = await identity.PasswordGrantAsync(user.Email, user.Password);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString()!;

        var enrolment = await SendAsync(identity, HttpMethod.Post, "/api/account/mfa/totp", token, null, HttpStatusCode.OK);
        var secret = enrolment.GetProperty("secret").GetString()!;
        Assert.StartsWith("otpauth://totp/MedicalHub:", enrolment.GetProperty("otpAuthUri").GetString(), StringComparison.Ordinal);
        Assert.Contains($"secret={secret}", enrolment.GetProperty("otpAuthUri").GetString(), StringComparison.Ordinal);
        var png = Convert.FromBase64String(enrolment.GetProperty("qrCodePng").GetString()!);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        var confirmed = await SendAsync(identity, HttpMethod.Post, "/api/account/mfa/totp/confirm", token, new { code = Totp.Code(secret) }, HttpStatusCode.OK);
        var codes = confirmed.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(10, codes.Length);
        Assert.Equal(10, codes.Distinct().Count());
        return new Enrolled(user, secret, codes, token);
    }

    private static async Task<string> MfaTokenAsync(IdentityClient identity, IdentityClient.Registered user)
    {
        using var response = await identity.PasswordGrantAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("mfa_required", error.GetProperty("error").GetString());
        return error.GetProperty("mfa_token").GetString()!;
    }

    [Fact]
    public async Task With_TOTP_on_the_password_alone_gets_mfa_required_and_the_code_completes_the_login_once()
    {
        using var identity = new IdentityClient(stack);
        var enrolled = await EnrolAsync(identity);
        var mfaToken = await MfaTokenAsync(identity, enrolled.User);
        var code = Totp.Code(enrolled.Secret, stepOffset: 1); // the confirmation used the current step's code

        using var completed = await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"), ("mfa_token", mfaToken), ("otp", code));
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var claims = IdentityClient.Payload((await completed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString()!);
        Assert.Equal(["pwd", "mfa", "otp"], claims.GetProperty("amr").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(enrolled.User.OrganizationId.ToString(), claims.GetProperty("org_id").GetString());

        // The same code again, with a fresh challenge: refused as a replay.
        var again = await MfaTokenAsync(identity, enrolled.User);
        using var replay = await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"), ("mfa_token", again), ("otp", code));
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        // And the finished challenge cannot be used twice.
        using var reused = await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"), ("mfa_token", mfaToken), ("otp", Totp.Code(enrolled.Secret, -1)));
        Assert.Equal("invalid_grant", (await reused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_recovery_code_works_once()
    {
        using var identity = new IdentityClient(stack);
        var enrolled = await EnrolAsync(identity);

        using var first = await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"),
            ("mfa_token", await MfaTokenAsync(identity, enrolled.User)), ("recovery_code", enrolled.RecoveryCodes[3]));
        using var second = await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"),
            ("mfa_token", await MfaTokenAsync(identity, enrolled.User)), ("recovery_code", enrolled.RecoveryCodes[3]));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(["pwd", "mfa", "rc"], IdentityClient.Payload((await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString()!)
            .GetProperty("amr").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
    }

    [Theory]
    [InlineData("forged-token")]
    [InlineData("wrong-code")]
    [InlineData("no-code")]
    public async Task A_bad_second_step_is_an_OAuth_error(string kind)
    {
        using var identity = new IdentityClient(stack);
        var enrolled = await EnrolAsync(identity);
        var mfaToken = await MfaTokenAsync(identity, enrolled.User);
        var rightCode = Totp.Code(enrolled.Secret, 1);
        var wrongCode = rightCode == "000000" ? "111111" : "000000";

        using var response = kind switch
        {
            "forged-token" => await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"), ("mfa_token", "forged"), ("otp", rightCode)),
            "wrong-code" => await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"), ("mfa_token", mfaToken), ("otp", wrongCode)),
            _ => await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"), ("mfa_token", mfaToken)),
        };

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString();
        Assert.Equal(kind == "no-code" ? "invalid_request" : "invalid_grant", error);
    }

    [Fact]
    public async Task TOTP_is_turned_off_only_with_the_password_and_a_code_and_login_is_then_one_step_again()
    {
        using var identity = new IdentityClient(stack);
        var enrolled = await EnrolAsync(identity);

        await SendAsync(identity, HttpMethod.Post, "/api/account/mfa/totp/disable", enrolled.AccessToken,
            new { password = "not my password", code = Totp.Code(enrolled.Secret, 1) }, HttpStatusCode.BadRequest);
        await SendAsync(identity, HttpMethod.Post, "/api/account/mfa/totp", enrolled.AccessToken, null, HttpStatusCode.Conflict);
        await SendAsync(identity, HttpMethod.Post, "/api/account/mfa/totp/disable", enrolled.AccessToken,
            new { password = enrolled.User.Password, code = Totp.Code(enrolled.Secret, 2) }, HttpStatusCode.NoContent);

        using var login = await identity.PasswordGrantAsync(enrolled.User.Email, enrolled.User.Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task New_recovery_codes_replace_the_old_ones()
    {
        using var identity = new IdentityClient(stack);
        var enrolled = await EnrolAsync(identity);

        var fresh = await SendAsync(identity, HttpMethod.Post, "/api/account/mfa/totp/recovery-codes", enrolled.AccessToken,
            new { code = Totp.Code(enrolled.Secret, 1) }, HttpStatusCode.OK);
        var codes = fresh.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Empty(codes.Intersect(enrolled.RecoveryCodes));

        using var old = await identity.TokenAsync(("grant_type", MfaGrant), ("client_id", "medicalhub-web"),
            ("mfa_token", await MfaTokenAsync(identity, enrolled.User)), ("recovery_code", enrolled.RecoveryCodes[0]));
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
    }

    [Fact]
    public async Task An_administrator_resets_a_member_s_lost_authenticator_and_nobody_else_can()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var outsider = await identity.RegisterVerifiedAsync();
        var member = await EnrolAsync(identity);
        await identity.JoinAsync(member.User.UserId, admin.OrganizationId, IdentityClient.NurseRole);
        var path = $"/api/organizations/current/members/{member.User.UserId}/reset-mfa";

        using var byOutsider = await identity.SendAsync(HttpMethod.Post, path, await identity.AccessTokenAsync(outsider));
        Assert.Equal(HttpStatusCode.NotFound, byOutsider.StatusCode);
        await MfaTokenAsync(identity, member.User); // still protected

        using var reset = await identity.SendAsync(HttpMethod.Post, path, await identity.AccessTokenAsync(admin));
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        using var login = await identity.PasswordGrantAsync(member.User.Email, member.User.Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }
}

