namespace MedicalHub.Identity.Api.Tokens;

/// <summary>MedicalHub's additions to the token and authorization endpoints' OAuth 2.0 parameters.</summary>
public static class TokenParameters
{
    /// <summary>The organization a login or refresh is for (a user may belong to several); without it, the oldest membership's.</summary>
    public const string OrganizationId = "organization_id";

    /// <summary>The second step of a login with MFA (the shape Auth0 uses): <c>mfa_token</c> plus <c>otp</c> or <c>recovery_code</c>.</summary>
    public const string MfaOtpGrantType = "urn:medicalhub:params:oauth:grant-type:mfa-otp";

    public const string MfaToken = "mfa_token";
    public const string Otp = "otp";
    public const string RecoveryCode = "recovery_code";
}
