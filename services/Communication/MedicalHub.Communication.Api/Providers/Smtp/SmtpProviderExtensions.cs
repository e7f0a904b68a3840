using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Routing;

namespace MedicalHub.Communication.Api.Providers.Smtp;

public static class SmtpProviderExtensions
{
    public const string ProviderType = "smtp";

    /// <summary>One <see cref="SmtpDeliveryProvider"/> per configured provider of type <c>smtp</c>.</summary>
    public static IHostApplicationBuilder AddSmtpProviders(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(CommunicationSettings.SectionName).Get<CommunicationSettings>() ?? new CommunicationSettings();
        foreach (var (name, provider) in settings.Providers.Where(p => string.Equals(p.Value.Type, ProviderType, StringComparison.OrdinalIgnoreCase)))
        {
            var connectionString = provider.ConnectionString
                ?? (provider.ConnectionStringName is { } connectionName ? builder.Configuration.GetConnectionString(connectionName) : null);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                // Not wired here (e.g. no development mailbox in this environment): the provider does not exist, and a
                // route naming it fails over to the next.
                continue;
            }
            var endpoint = SmtpEndpoint.Parse(connectionString);
            var from = provider.From ?? settings.From;
            builder.Services.AddSingleton<IDeliveryProvider>(sp =>
                new SmtpDeliveryProvider(name, endpoint, from, sp.GetRequiredService<ILogger<SmtpDeliveryProvider>>()));
        }
        return builder;
    }
}
