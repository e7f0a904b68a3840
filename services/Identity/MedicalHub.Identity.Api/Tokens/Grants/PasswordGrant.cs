using MedicalHub.Identity.Api.SignIn;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens.Grants;

/// <summary>
/// <c>grant_type=password</c> (first-party apps): the password step of <see cref="PasswordLogin"/>, then
/// <see cref="SignInCompletion"/>: tokens, or <c>mfa_required</c> with the <c>mfa_token</c> for <see cref="MfaOtpGrant"/>.
/// </summary>
public sealed class PasswordGrant(PasswordLogin logins, SignInCompletion completion) : ITokenGrant
{
    public async Task<IResult> ExchangeAsync(OpenIddictRequest request, HttpContext http, CancellationToken ct)
    {
        var check = await logins.CheckPasswordAsync(request.Username, request.Password, request.ClientId, ct);
        switch (check.Outcome)
        {
            case PasswordLogin.Outcome.InvalidCredentials:
                return OAuthResults.InvalidCredentials();
            case PasswordLogin.Outcome.EmailNotVerified:
                return OAuthResults.Forbid(Errors.InvalidGrant, "The e-mail address is not verified yet: follow the link in the verification e-mail.");
        }
        var attempt = new SignInAttempt(http, SignInChannel.TokenEndpoint, request.ClientId, (string?)request[TokenParameters.OrganizationId], [.. request.GetScopes()]);
        return OAuthResults.For(await completion.AfterPasswordAsync(attempt, check, ct));
    }
}
