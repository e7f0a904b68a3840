using MedicalHub.Identity.Api.SignIn;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens.Grants;

/// <summary>
/// <c>grant_type=urn:medicalhub:params:oauth:grant-type:mfa-otp</c>, the second step of a login with MFA: the
/// <c>mfa_token</c> of the password step and <c>otp</c> (the authenticator's code) or <c>recovery_code</c>. Checked by
/// <see cref="PasswordLogin"/>; the login the token holds (organization, scopes) ends in <see cref="SignInCompletion"/>.
/// </summary>
public sealed class MfaOtpGrant(PasswordLogin logins, SignInCompletion completion) : ITokenGrant
{
    public async Task<IResult> ExchangeAsync(OpenIddictRequest request, HttpContext http, CancellationToken ct)
    {
        var second = await logins.CheckSecondFactorAsync((string?)request[TokenParameters.MfaToken], (string?)request[TokenParameters.Otp],
            (string?)request[TokenParameters.RecoveryCode], request.ClientId, ct);
        return second.Outcome switch
        {
            PasswordLogin.SecondFactorOutcome.ChallengeExpired => OAuthResults.Forbid(Errors.InvalidGrant, "The mfa_token is invalid or has expired: log in again."),
            PasswordLogin.SecondFactorOutcome.LockedOut => OAuthResults.InvalidCredentials(),
            PasswordLogin.SecondFactorOutcome.WrongCode => OAuthResults.Forbid(Errors.InvalidGrant, "The code is not right, or was already used."),
            PasswordLogin.SecondFactorOutcome.WrongRecoveryCode => OAuthResults.Forbid(Errors.InvalidGrant, "The recovery code is not right, or was already used."),
            PasswordLogin.SecondFactorOutcome.Missing =>
                OAuthResults.Forbid(Errors.InvalidRequest, "Send the code from the authenticator as otp, or a recovery code as recovery_code."),
            _ => OAuthResults.For(await completion.AfterSecondFactorAsync(new SignInAttempt(http, SignInChannel.TokenEndpoint, request.ClientId, null, []), second, ct)),
        };
    }
}
