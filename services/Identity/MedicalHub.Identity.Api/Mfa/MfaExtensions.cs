using MedicalHub.Identity.Api.Accounts;
using Microsoft.AspNetCore.Identity;

namespace MedicalHub.Identity.Api.Mfa;

public static class MfaExtensions
{
    /// <summary>
    /// The second factor: authenticator codes, second-factor secrets encrypted in the user store, and the organization
    /// policy that gives a member of an MFA-required role their rights only after a login with MFA. After the user store
    /// (<c>AddIdentityCore</c>), whose plain EF store the encrypting one replaces.
    /// </summary>
    public static IHostApplicationBuilder AddSecondFactor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UserSecretProtector>();
        builder.Services.AddScoped<IUserStore<User>, ProtectedUserStore>();
        builder.Services.AddScoped<AuthenticatorCodes>();
        builder.Services.AddMfaEnrollmentPolicy();
        return builder;
    }
}
