using MedicalHub.Security.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace MedicalHub.Security.ServiceClients;

public static class ServiceClientExtensions
{
    /// <summary>Registers <see cref="ServiceTokenClient"/> with this service's client credentials (<c>MedicalHub:ServiceClient</c>).</summary>
    public static IHostApplicationBuilder AddServiceTokenClient(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ServiceClientSettings>(builder.Configuration.GetSection(ServiceClientSettings.SectionName));
        builder.Services.Configure<AuthenticationSettings>(builder.Configuration.GetSection(AuthenticationSettings.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(ServiceTokenClient.TokenHttpClient);
        builder.Services.TryAddSingleton<ServiceTokenClient>();
        return builder;
    }

    /// <summary>
    /// Calls made with this HttpClient carry this service's token for <paramref name="audience"/> (the target service's
    /// name), e.g. <c>services.AddHttpClient("content", c => c.BaseAddress = new("http://content")).AddServiceAuthentication("content")</c>.
    /// </summary>
    public static IHttpClientBuilder AddServiceAuthentication(this IHttpClientBuilder http, string audience) =>
        http.AddHttpMessageHandler(sp => new ServiceAuthenticationHandler(sp.GetRequiredService<ServiceTokenClient>(), audience));
}
