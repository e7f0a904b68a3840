using MedicalHub.Content.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// The patient a document is filed under: one of the organization's patients in the registry (another organization's,
/// or an id the registry does not know, is refused), and for a record that was merged, its survivor, which a merge also
/// moves the merged record's documents to.
/// </summary>
public sealed class DocumentPatients(ContentDbContext db)
{
    /// <summary>The organization's patient <paramref name="patientId"/> (or the record it was merged into); null when the organization has none by that id.</summary>
    public Task<Guid?> ResolveAsync(Guid patientId, CancellationToken ct) =>
        db.Patients.AsNoTracking().Where(p => p.Id == patientId).Select(p => (Guid?)(p.MergedIntoId ?? p.Id)).SingleOrDefaultAsync(ct);

    public const string Unknown = "No patient of your organization has this id.";
}
