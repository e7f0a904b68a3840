using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using StackExchange.Redis;

namespace MedicalHub.Identity.Api.SignIn;

public static class LoginPageExtensions
{
    /// <summary>The browser login page's short-lived cookie and its forms' antiforgery tokens.</summary>
    public static IHostApplicationBuilder AddLoginPage(this IHostApplicationBuilder builder)
    {
        // TLS ends at the ingress, so requests arrive as plain HTTP: outside Development the cookies are
        // marked Secure whatever the request's scheme (the browser only sends them over HTTPS).
        var securePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        builder.Services.AddAuthentication().AddCookie(LoginCookie.Scheme, options => LoginCookie.Configure(options, securePolicy));
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "medicalhub.antiforgery";
            options.Cookie.SecurePolicy = securePolicy;
            options.FormFieldName = "__antiforgery";
        });
        builder.Services.AddDataProtection().SetApplicationName("MedicalHub.Identity");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IConnectionMultiplexer>((options, redis) => options.XmlRepository = new RedisKeyRing(redis));
        return builder;
    }
}
