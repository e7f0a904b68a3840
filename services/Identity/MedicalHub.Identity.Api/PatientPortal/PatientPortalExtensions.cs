using MedicalHub.Security.ServiceClients;

namespace MedicalHub.Identity.Api.PatientPortal;

public static class PatientPortalExtensions
{
    /// <summary>
    /// Patient portal invitations check the patient record with Content (<c>http://content</c> by service discovery,
    /// <c>MedicalHub:Identity:ContentUrl</c> to override), with Identity's client-credentials token for the audience <c>content</c>.
    /// </summary>
    public static IHostApplicationBuilder AddPatientPortal(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTokenClient();
        var contentUrl = builder.Configuration["MedicalHub:Identity:ContentUrl"] ?? "http://content";
        builder.Services.AddHttpClient(PatientRecords.HttpClientName, c => c.BaseAddress = new Uri(contentUrl))
            .AddServiceAuthentication("content");
        builder.Services.AddScoped<PatientRecords>();
        return builder;
    }
}
