using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Providers.Fcm;
using MedicalHub.Communication.Api.Providers.Mailgun;
using MedicalHub.Communication.Api.Providers.Ovh;
using MedicalHub.Communication.Api.Providers.SendGrid;
using MedicalHub.Communication.Api.Providers.Twilio;
using MedicalHub.Communication.Api.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Communication.Api.Providers;

public static class DeliveryProviderExtensions
{
    public const string ProvidersSection = "MedicalHub:Communication:Providers";

    public static string HttpClientName(string providerName) => "MedicalHub.Communication.Providers." + providerName;

    /// <summary>
    /// One <see cref="IDeliveryProvider"/> per entry under <c>MedicalHub:Communication:Providers:&lt;name&gt;</c> whose
    /// <c>Type</c> is sendgrid, mailgun, twilio, ovh or fcm (smtp entries belong to the delivery engine). Every entry is
    /// validated here, so a configured provider with a missing secret stops the service at start with the key named.
    /// The options are also registered keyed by name for the status webhooks.
    /// </summary>
    public static IServiceCollection AddDeliveryProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        var errors = new List<string>();
        foreach (var section in configuration.GetSection(ProvidersSection).GetChildren())
        {
            switch (section["Type"]?.Trim().ToUpperInvariant())
            {
                case "SENDGRID":
                    Register<SendGridOptions>(services, section, errors, (sp, name, options) =>
                        new SendGridProvider(name, options, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>()));
                    break;
                case "MAILGUN":
                    Register<MailgunOptions>(services, section, errors, (sp, name, options) =>
                        new MailgunProvider(name, options, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>()));
                    break;
                case "TWILIO":
                    Register<TwilioOptions>(services, section, errors, (sp, name, options) =>
                        new TwilioProvider(name, options, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>()));
                    break;
                case "OVH":
                    Register<OvhOptions>(services, section, errors, (sp, name, options) =>
                        new OvhSmsProvider(name, options, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OvhSmsProvider>>()));
                    break;
                case "FCM":
                    services.AddKeyedSingleton(section.Key, (sp, key) =>
                        new GoogleAccessTokenSource(sp.GetRequiredKeyedService<FcmOptions>(key), sp.GetRequiredService<TimeProvider>()));
                    Register<FcmOptions>(services, section, errors, (sp, name, options) =>
                        new FcmProvider(name, options, sp.GetRequiredKeyedService<GoogleAccessTokenSource>(name), sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>()));
                    break;
                case "SMTP":
                    break;
                case null or "":
                    errors.Add($"{section.Path}:Type is required (sendgrid, mailgun, twilio, ovh, fcm or smtp)");
                    break;
                default:
                    errors.Add($"{section.Path}:Type '{section["Type"]}' is not a known provider type (sendgrid, mailgun, twilio, ovh, fcm or smtp)");
                    break;
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The delivery providers' configuration is invalid: " + string.Join("; ", errors));
        }

        return services;
    }

    private static void Register<TOptions>(
        IServiceCollection services,
        IConfigurationSection section,
        List<string> errors,
        Func<IServiceProvider, string, TOptions, IDeliveryProvider> create)
        where TOptions : ProviderOptions, new()
    {
        var name = section.Key;
        var options = new TOptions();
        section.Bind(options);

        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            errors.AddRange(problems.Select(problem => $"{section.Path}:{problem}"));
            return;
        }

        services.AddKeyedSingleton(name, options);
        // The engine owns retries: a provider call is one attempt, so the default resilience pipeline (which would
        // repeat a POST the provider may already have accepted) is removed, and the timeout is the provider's own.
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience, and the documented way to undo ConfigureHttpClientDefaults
        services.AddHttpClient(HttpClientName(name), client => client.Timeout = options.Timeout)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddSingleton(sp => create(sp, name, options));
    }
}
