namespace MedicalHub.Content.Api.Ingestion.Hl7Messages;

public static class Hl7MessagesExtensions
{
    /// <summary>The HL7 v2 intake endpoint: ACK/NAK, ADT to the patient registry, reviews of ambiguous ADT messages.</summary>
    public static IHostApplicationBuilder AddHl7Messages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AdtPatientUpdates>();
        builder.Services.AddScoped<Hl7MessageIntake>();
        return builder;
    }
}
