using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Content.Api.Storage;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Sharing;

/// <summary>
/// The documents the caller may read: their own organization's (the organization filter), and those an active
/// <see cref="Share"/> grants them, as a user or through one of their roles, in the organization their token is for —
/// across organizations. Everything else is simply not found. Reading through a share is read-only: writes never use this.
/// Every read is recorded (<see cref="RecordAsync"/>) in the chain of the organization that owns the document, with the
/// reader's identity, whichever organization the reader acts for.
/// </summary>
public sealed class ReadableDocuments(ContentDbContext db, CurrentCaller caller, PhiAccessAudit audit, IHttpContextAccessor http, TimeProvider time)
{
    /// <summary>
    /// Records that the caller did <paramref name="action"/> to <paramref name="document"/> (found with <see cref="FindAsync"/>),
    /// before anything of it is answered: in the owner's chain, noting the reader's organization when it is another.
    /// </summary>
    public Task RecordAsync(Document document, string action, string? detail, CancellationToken ct, string resourceType = "DocumentReference", string? resourceId = null)
    {
        if (document.OrganizationId != caller.OrganizationId)
        {
            detail = $"{(detail is null ? "" : detail + "; ")}through a share, for a reader of organization {caller.OrganizationId}";
        }
        return audit.RecordAsync(new PhiAccess(action, resourceType, resourceId ?? document.Id.ToString(), document.PatientId is { } patient ? [patient] : [], Detail: detail)
        {
            OrganizationId = document.OrganizationId,
        }, ct);
    }

    /// <summary>
    /// Records a listing of <paramref name="documents"/> as a search: one record per owning organization, naming the patients
    /// of its documents on the page; an empty page is recorded in the caller's organization.
    /// </summary>
    public async Task RecordSearchAsync(IReadOnlyCollection<Document> documents, string? query, CancellationToken ct)
    {
        var pages = documents.GroupBy(d => d.OrganizationId).Select(g => (Owner: g.Key, Patients: g.Select(d => d.PatientId).OfType<Guid>().Distinct().ToList())).ToList();
        if (pages.Count == 0 && caller.OrganizationId is { } own)
        {
            pages.Add((own, []));
        }
        foreach (var (owner, patients) in pages)
        {
            var detail = owner != caller.OrganizationId ? $"through shares, for a reader of organization {caller.OrganizationId}" : null;
            await audit.RecordAsync(new PhiAccess(PhiActions.Search, "DocumentReference", null, patients, query, detail) { OrganizationId = owner }, ct);
        }
    }

    public async Task<Document?> FindAsync(Guid id, CancellationToken ct)
    {
        if (PortalPatient.HasPatientRole(http.HttpContext?.User))
        {
            // A patient reads only what was shared with them, never their practice's documents at large.
            var shared = SharedWithPatient();
            return shared is null ? null : await shared.SingleOrDefaultAsync(d => d.Id == id, ct);
        }
        var own = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (own is not null)
        {
            return own;
        }
        var grants = Grants();
        return grants is null ? null : await db.Documents.AcrossOrganizations().AsNoTracking()
            .Where(d => d.Id == id && grants.Any(s => s.OrganizationId == d.OrganizationId && (s.DocumentId == d.Id || (s.PatientId != null && s.PatientId == d.PatientId))))
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>The versions of a document the caller was found to read (<see cref="FindAsync"/>), newest first.</summary>
    public Task<List<DocumentVersion>> VersionsAsync(Document readable, CancellationToken ct) =>
        db.DocumentVersions.AcrossOrganizations().AsNoTracking()
            .Where(v => v.DocumentId == readable.Id && v.OrganizationId == readable.OrganizationId)
            .OrderByDescending(v => v.Number).ToListAsync(ct);

    public Task<DocumentVersion?> VersionAsync(Document readable, int number, CancellationToken ct) =>
        db.DocumentVersions.AcrossOrganizations().AsNoTracking()
            .SingleOrDefaultAsync(v => v.DocumentId == readable.Id && v.OrganizationId == readable.OrganizationId && v.Number == number, ct);

    public Task<StoredObject> StoredObjectAsync(DocumentVersion version, CancellationToken ct) =>
        db.StoredObjects.AcrossOrganizations().AsNoTracking()
            .SingleAsync(o => o.Key == version.StoredObjectKey && o.OrganizationId == version.OrganizationId, ct);

    /// <summary>
    /// What a patient portal account may read: documents of its practice shared with that account by name (never through a
    /// role, which every patient of the practice holds) and about the patient's own record — one document (about them, or
    /// about nobody, such as a leaflet) or their chart. Null for a caller that is not a patient with a record.
    /// </summary>
    public IQueryable<Document>? SharedWithPatient()
    {
        if (PortalPatient.From(http.HttpContext?.User) is not { } patient)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var grants = db.Shares.AcrossOrganizations().AsNoTracking()
            .Where(s => s.RevokedAt == null && (s.ExpiresAt == null || s.ExpiresAt > now) && s.OrganizationId == patient.OrganizationId
                && s.RecipientOrganizationId == patient.OrganizationId && s.RecipientUserId == patient.UserId);
        return db.Documents.AcrossOrganizations().AsNoTracking()
            .Where(d => d.OrganizationId == patient.OrganizationId && grants.Any(s =>
                (s.DocumentId == d.Id && (d.PatientId == null || d.PatientId == patient.PatientId))
                || (s.PatientId != null && s.PatientId == patient.PatientId && d.PatientId == patient.PatientId)));
    }

    /// <summary>The active shares granted to the caller (null for a caller that is not a user acting in an organization, and for a patient: <see cref="SharedWithPatient"/>).</summary>
    public IQueryable<Share>? Grants()
    {
        if (caller.UserId is not { } user || caller.OrganizationId is not { } organization || PortalPatient.HasPatientRole(http.HttpContext?.User))
        {
            return null;
        }
        var roles = http.HttpContext?.User.FindAll(ClaimNames.Role).Select(c => c.Value).ToList() ?? [];
        var now = time.GetUtcNow();
        return db.Shares.AcrossOrganizations().AsNoTracking()
            .Where(s => s.RevokedAt == null && (s.ExpiresAt == null || s.ExpiresAt > now) && s.RecipientOrganizationId == organization
                && (s.RecipientUserId == user || (s.RecipientRole != null && roles.Contains(s.RecipientRole))));
    }
}
