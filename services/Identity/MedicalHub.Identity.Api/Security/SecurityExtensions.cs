using MedicalHub.Identity.Api.Mfa;
using MedicalHub.Identity.Api.Tokens;
using Microsoft.AspNetCore.Identity;

namespace MedicalHub.Identity.Api.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Hardening on top of the token server (<see cref="Extensions.TokenServerExtensions.AddTokenServer"/>, which must
    /// come first): per-address throttling, encrypted second-factor secrets, and refresh-token replay handling.
    /// </summary>
    public static IHostApplicationBuilder AddSecurityHardening(this IHostApplicationBuilder builder)
    {
        builder.AddRequestThrottling();

        builder.AddSecondFactor();

        var leeway = builder.Configuration.GetSection(TokenServerSettings.SectionName).Get<TokenServerSettings>()?.RefreshTokenReuseLeeway
            ?? new TokenServerSettings().RefreshTokenReuseLeeway;
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetRefreshTokenReuseLeeway(leeway);
            options.AddEventHandler(RefreshTokenReuseHandler.Descriptor);
            options.AddEventHandler(TokenRevocationHandler.Descriptor);
        });
        return builder;
    }
}
