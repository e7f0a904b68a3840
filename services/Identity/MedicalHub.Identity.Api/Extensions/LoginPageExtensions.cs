using MedicalHub.Identity.Api.Accounts;

namespace MedicalHub.Identity.Api.Extensions;

public static class LoginPageExtensions
{
    /// <summary>The browser login page's short-lived cookie and its forms' antiforgery tokens.</summary>
    public static IHostApplicationBuilder AddLoginPage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddCookie(LoginCookie.Scheme, LoginCookie.Configure);
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "medicalhub.antiforgery";
            options.FormFieldName = "__antiforgery";
        });
        return builder;
    }
}
