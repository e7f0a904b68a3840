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
/// </summary>
public sealed class ReadableDocuments(ContentDbContext db, CurrentCaller caller, IHttpContextAccessor http, TimeProvider time)
{
    public async Task<Document?> FindAsync(Guid id, CancellationToken ct)
    {
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

    /// <summary>The active shares granted to the caller (null for a caller that is not a user acting in an organization).</summary>
    public IQueryable<Share>? Grants()
    {
        if (caller.UserId is not { } user || caller.OrganizationId is not { } organization)
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
