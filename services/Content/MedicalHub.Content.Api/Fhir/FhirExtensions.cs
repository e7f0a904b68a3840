using MedicalHub.Fhir;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Content.Api.Fhir;

public static class FhirExtensions
{
    /// <summary>
    /// Serves one resource type at <c>/fhir/{type}</c> with <typeparamref name="THandler"/> (per request), as
    /// <paramref name="capability"/> says: e.g. <c>services.AddFhirResource&lt;PatientFhirHandler&gt;(PatientFhirHandler.Capability)</c>.
    /// </summary>
    public static IServiceCollection AddFhirResource<THandler>(this IServiceCollection services, FhirResourceCapability capability)
        where THandler : class, IFhirResourceHandler
    {
        services.AddKeyedScoped<IFhirResourceHandler, THandler>(capability.Type);
        services.AddSingleton(capability);
        services.TryAddSingleton<FhirCapabilities>();
        services.AddFhirProblemWriter();
        return services;
    }
}
