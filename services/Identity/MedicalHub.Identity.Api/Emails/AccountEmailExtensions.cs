using MedicalHub.Data.Outbox;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Security.ServiceClients;

namespace MedicalHub.Identity.Api.Emails;

public static class AccountEmailExtensions
{
    /// <summary>
    /// Runs Identity's outbox relay with the handlers that send its account e-mails through the Communication service
    /// (<c>http://communication</c> by service discovery), authenticated with Identity's own client-credentials token for
    /// the audience <c>communication</c>, which it gets from its own token endpoint (<c>http://identity</c>).
    /// </summary>
    public static IHostApplicationBuilder AddAccountEmails(this IHostApplicationBuilder builder)
    {
        var settings = builder.Services.AddOptions<AccountEmailSettings>().Bind(builder.Configuration.GetSection(AccountEmailSettings.SectionName));
        if (builder.Environment.IsDevelopment())
        {
            settings.PostConfigure(s => s.PublicAppUrl ??= AccountEmailSettings.DevelopmentPublicAppUrl);
        }
        settings
            .Validate(s => s.PublicAppUrl is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp),
                $"{AccountEmailSettings.SectionName}:PublicAppUrl (the web app's public address, the base of the links in e-mails) must be an absolute http(s) URL.")
            .ValidateOnStart();

        builder.AddServiceTokenClient();
        // The relay owns retries (with its backoff, and the idempotency key makes them safe): one attempt per delivery,
        // so the default resilience pipeline is removed; the relay's handler timeout bounds the call.
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience, and the documented way to undo ConfigureHttpClientDefaults
        builder.Services.AddHttpClient(AccountEmailHandler.HttpClientName)
            .RemoveAllResilienceHandlers()
            .AddServiceAuthentication("communication");
#pragma warning restore EXTEXP0001

        foreach (var type in AccountEmails.Types)
        {
            builder.Services.AddSingleton<IOutboxHandler>(sp => ActivatorUtilities.CreateInstance<AccountEmailHandler>(sp, type));
        }
        builder.AddOutboxRelay<IdentityServiceDbContext>();
        return builder;
    }
}
