using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Outbox;
using MedicalHub.Security.ServiceClients;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Sharing;

public static class SharingExtensions
{
    /// <summary>
    /// Shares, share links, the reads they open, and the notification of a share's recipient through Communication
    /// (<c>http://communication</c> by service discovery), delivered by Content's outbox relay with Content's own
    /// client-credentials token for the audience <c>communication</c>.
    /// </summary>
    public static IHostApplicationBuilder AddSharing(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SharingSettings>(builder.Configuration.GetSection(SharingSettings.SectionName));
        builder.Services.AddScoped<ReadableDocuments>();
        builder.Services.AddScoped<ShareLinkOpener>();
        ShareRecipients.Register(builder);

        // The relay owns retries (its backoff, with the message id as idempotency key): one attempt per delivery.
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience, and the documented way to undo ConfigureHttpClientDefaults
        builder.Services.AddHttpClient(ShareNotificationHandler.HttpClientName)
            .RemoveAllResilienceHandlers()
            .AddServiceAuthentication("communication");
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<IOutboxHandler>(sp => new ShareNotificationHandler(
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<ShareRecipients>(), sp.GetRequiredService<IOptions<SharingSettings>>()));
        builder.AddOutboxRelay<ContentDbContext>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSharing(this IEndpointRouteBuilder app)
    {
        app.MapSharesApi();
        app.MapShareLinksApi();
        app.MapPublicShareLinksApi();
        app.MapPatientPortalApi();
        return app;
    }
}
