using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Clinical;
using MedicalHub.Content.Api.Events;
using MedicalHub.Content.Api.Fhir;
using MedicalHub.Content.Api.Patients;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Ingestion;
using MedicalHub.Content.Api.Ingestion.Hl7Messages;
using MedicalHub.Content.Api.Search;
using MedicalHub.Content.Api.Sharing;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;

namespace MedicalHub.Content.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Connection names as the AppHost declares them: the service's own database and Redis.</summary>
    public const string DatabaseName = "contentdb";
    public const string RedisName = "content-redis";

    /// <summary>This service's name as an audience of access tokens.</summary>
    public const string Audience = "content";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDataStores<ContentDbContext>(DatabaseName, RedisName);
        builder.AddMedicalHubAuthentication(Audience);
        builder.Services.AddOrganizationScope<ContentDbContext>(sp => sp.GetRequiredService<CurrentCaller>().OrganizationId);
        builder.AddContentMetrics();
        builder.AddPhiAccessAudit();
        builder.AddIntegrationEvents();
        builder.Services.AddScoped<PatientRegistry>();
        builder.Services
            .AddFhirResource<PatientFhirHandler>(PatientFhirHandler.Capability)
            .AddFhirResource<AuditEventFhirHandler>(AuditEventFhirHandler.Capability)
            .AddFhirResource<DocumentReferenceFhirHandler>(DocumentReferenceFhirHandler.Capability)
            .AddFhirResource<BinaryFhirHandler>(BinaryFhirHandler.Capability)
            .AddFhirResource<ObservationFhirHandler>(ObservationFhirHandler.Capability);
        builder.AddDocumentStorage(DatabaseName);
        builder.AddDocuments();
        builder.AddSharing();
        builder.AddIngestion();
        builder.AddSearch();
        builder.AddClinicalData();
        builder.AddHl7Messages();
        return builder;
    }

    public static WebApplication MapContentApis(this WebApplication app)
    {
        app.MapDocumentsApi();
        app.MapAccessAuditApi();
        app.MapPatientsApi();
        app.MapPatientCheckApi();
        app.MapFhirApi();
        app.MapSharing();
        app.MapIngestionApi();
        app.MapSearchApi();
        app.MapClinicalApi();
        app.MapHl7MessagesApi();
        return app;
    }
}
