using MedicalHub.Content.Api.Ingestion;

namespace MedicalHub.Content.Api.Clinical;

public static class ClinicalExtensions
{
    /// <summary>Structured clinical data made by the ingestion pipeline: HL7 v2 results become observations.</summary>
    public static IHostApplicationBuilder AddClinicalData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IDocumentDeriver, Hl7ResultsDeriver>();
        return builder;
    }
}
