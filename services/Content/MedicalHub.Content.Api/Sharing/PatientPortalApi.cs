using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data;
using MedicalHub.Security.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// What a patient portal account reads (a token with the role <c>Patient</c> and <c>patient_id</c>, <see cref="PortalPatient"/>):
/// only the documents its practice shared with that account about the patient's own record (<see cref="ReadableDocuments.SharedWithPatient"/>).
/// Staff and service tokens are refused (403); anything else is not found. Every read is recorded in the PHI access audit.
/// </summary>
public static class PatientPortalApi
{
    public static IEndpointRouteBuilder MapPatientPortalApi(this IEndpointRouteBuilder app)
    {
        var portal = app.MapGroup("/api/portal/documents").WithTags("Patient portal")
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireAssertion(c => PortalPatient.From(c.User) is not null));
        portal.MapGet("/", ListAsync).WithName("ListPortalDocuments").WithSummary("The documents shared with the calling patient, newest first");
        portal.MapGet("/{id:guid}", GetAsync).WithName("GetPortalDocument").WithSummary("One document shared with the calling patient");
        portal.MapGet("/{id:guid}/content", DownloadAsync).WithName("DownloadPortalDocument").WithSummary("The current version's bytes of a document shared with the calling patient");
        return app;
    }

    private static async Task<Results<Ok<DocumentPage>, ValidationProblem>> ListAsync(ReadableDocuments readable, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var shared = readable.SharedWithPatient()!;
        var items = await shared.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var total = page == 1 && items.Count < pageSize ? items.Count : await shared.CountAsync(ct);
        await readable.RecordSearchAsync(items, "portal", ct);
        return TypedResults.Ok(new DocumentPage([.. items.Select(DocumentView.From)], page, pageSize, total));
    }

    private static async Task<Results<Ok<DocumentView>, NotFound>> GetAsync(Guid id, ReadableDocuments readable, CancellationToken ct)
    {
        var document = await readable.FindAsync(id, ct);
        if (document is null)
        {
            return TypedResults.NotFound();
        }
        await readable.RecordAsync(document, PhiActions.Read, "patient portal", ct);
        return TypedResults.Ok(DocumentView.From(document));
    }

    private static async Task<Results<FileStreamHttpResult, NotFound>> DownloadAsync(Guid id, ReadableDocuments readable, ObjectStores stores, HttpContext http,
        CancellationToken ct)
    {
        var document = await readable.FindAsync(id, ct);
        var version = document is null ? null : await readable.VersionAsync(document, document.CurrentVersion, ct);
        if (version is null)
        {
            return TypedResults.NotFound();
        }
        var stored = await readable.StoredObjectAsync(version, ct);
        await readable.RecordAsync(document!, PhiActions.Download, $"patient portal, version {version.Number}", ct);
        return DocumentContent.Serve(http, stores, stored, version, id, disposition: null);
    }
}
