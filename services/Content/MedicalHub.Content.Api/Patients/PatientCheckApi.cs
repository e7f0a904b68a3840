using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Patients;

/// <summary>
/// Whether a patient record is in use in an organization, for a service that links something to it (Identity, before a
/// patient portal invitation). Service clients holding <see cref="PermissionNames.PatientsCheck"/> only; answers nothing
/// about the patient but that it exists (a merged-away record does not: its survivor is the one to link).
/// </summary>
public static class PatientCheckApi
{
    public static IEndpointRouteBuilder MapPatientCheckApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/internal/organizations/{organizationId:guid}/patients/{patientId:guid}", CheckAsync)
            .WithName("CheckPatient").WithTags("Internal")
            .WithSummary("200 when the patient record exists in the organization and is in use, else 404 (service clients only)")
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser()
                .RequireClaim(ClaimNames.ClientKind, ClientKinds.Service)
                .RequireClaim(ClaimNames.Permission, PermissionNames.PatientsCheck));
        return app;
    }

    public sealed record PatientExists(Guid Id, Guid OrganizationId);

    private static async Task<Results<Ok<PatientExists>, NotFound>> CheckAsync(Guid organizationId, Guid patientId, ContentDbContext db, CancellationToken ct) =>
        await db.Patients.AcrossOrganizations().AsNoTracking()
            .AnyAsync(p => p.Id == patientId && p.OrganizationId == organizationId && p.MergedIntoId == null, ct)
            ? TypedResults.Ok(new PatientExists(patientId, organizationId))
            : TypedResults.NotFound();
}
