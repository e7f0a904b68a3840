namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>The AI assistant in Workflow: the deployment's providers, the record reader (Content, as the caller), the service and its API.</summary>
public static class AssistantServices
{
    public static IHostApplicationBuilder AddAssistant(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<AssistantOptions>(builder.Configuration.GetSection(AssistantOptions.SectionName));
        builder.Services.AddSingleton<AssistantProviders>();
        builder.Services.AddScoped<PatientRecordReader>();
        builder.Services.AddScoped<AssistantService>();
        builder.Services.AddHttpClient(PatientRecordReader.HttpClientName, http => http.BaseAddress = new Uri("http://content"));
        // No retries on a provider (its 429 and 500 are answered and audited at once) and no total timeout but the provider's own.
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience, and the documented way to undo ConfigureHttpClientDefaults
        builder.Services.AddTransient<ProviderExchange.Handler>();
        builder.Services.AddHttpClient(AssistantProviders.HttpClientName).RemoveAllResilienceHandlers().AddHttpMessageHandler<ProviderExchange.Handler>();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
