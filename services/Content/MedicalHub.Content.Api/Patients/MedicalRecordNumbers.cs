using System.Globalization;
using MedicalHub.Content.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Patients;

/// <summary>The last medical record number an organization handed out.</summary>
public sealed class MedicalRecordNumberCounter
{
    public Guid OrganizationId { get; init; }

    public long LastNumber { get; init; }
}

/// <summary>
/// The practice's own medical record numbers (MRN): identifiers of the organization's MRN system, numbered 1, 2, 3…
/// (shown with six digits at least) in the order patients are registered, unless the client gives one itself.
/// </summary>
public static class MedicalRecordNumbers
{
    /// <summary>The identifier system of an organization's MRNs.</summary>
    public static string SystemOf(Guid organizationId) => $"urn:medicalhub:organization:{organizationId}:mrn";

    public const string TypeCode = "MR";

    /// <summary>The next number, within the caller's transaction (the counter row stays locked until it ends).</summary>
    public static async Task<string> NextAsync(ContentDbContext db, Guid organizationId, CancellationToken ct)
    {
        var next = await db.Database.SqlQuery<long>($"""
            INSERT INTO medical_record_number_counters (organization_id, last_number) VALUES ({organizationId}, 1)
            ON CONFLICT (organization_id) DO UPDATE SET last_number = medical_record_number_counters.last_number + 1
            RETURNING last_number AS "Value"
            """).ToListAsync(ct);
        return next.Single().ToString("D6", CultureInfo.InvariantCulture);
    }
}
