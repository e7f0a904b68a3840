using System.Text.RegularExpressions;
using MedicalHub.Content.Api.Extensions;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Audit;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.AccessAudit;

/// <summary>One access to record: what was done to which resource, of which patients (see <see cref="PhiAccessRecord"/>).</summary>
/// <param name="Action">One of <see cref="PhiActions"/>.</param>
/// <param name="ResourceType">The resource's FHIR name where it has one: <c>Patient</c>, <c>DocumentReference</c>, <c>Binary</c>…</param>
/// <param name="ResourceId">The resource; null for a search.</param>
/// <param name="PatientIds">Whose data it was (for a search: the patients on the page returned).</param>
/// <param name="Query">For a search: the parameter names searched on, never their values.</param>
/// <param name="Detail">A short note that is not PHI (a version number, the record another was merged into).</param>
public sealed record PhiAccess(string Action, string ResourceType, string? ResourceId, IReadOnlyList<Guid> PatientIds, string? Query = null, string? Detail = null)
{
    /// <summary>
    /// The organization whose data it was, whose chain records the access; null: the organization the caller acts for.
    /// Another organization's only for reads through a share (the reader is recorded in the owner's chain).
    /// </summary>
    public Guid? OrganizationId { get; init; }

    public static PhiAccess OfPatient(string action, Guid patientId, string? detail = null) =>
        new(action, "Patient", patientId.ToString(), [patientId], Detail: detail);
}

/// <summary>
/// Records accesses to patient data in the organization's tamper-evident chain: the one place the rest of Content calls,
/// after it has read (and before it answers) or within the transaction of the change. Who, from where and why come from
/// the current request: the caller's token (user, client), the peer address and <c>X-Forwarded-For</c>, the user agent,
/// the request id, and the purpose of use stated in <see cref="PurposeOfUseHeader"/>.
/// </summary>
public sealed partial class PhiAccessAudit(
    AuditChain<ContentDbContext, PhiAccessRecord> chain,
    CurrentCaller caller,
    OrganizationScope organizations,
    IHttpContextAccessor http)
{
    /// <summary>The request header a client states its purpose of use in (an HL7 v3 PurposeOfUse code).</summary>
    public const string PurposeOfUseHeader = "X-Purpose-Of-Use";

    public const string PurposeOfUseSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    /// <summary>The purposes of use accepted (HL7 v3 PurposeOfUse, the codes a practice uses).</summary>
    public static readonly IReadOnlySet<string> PurposesOfUse = new HashSet<string>(StringComparer.Ordinal)
    {
        "TREAT", "ETREAT", "CAREMGT", "HPAYMT", "HOPERAT", "PATRQT", "FAMRQT", "PUBHLTH", "HRESCH", "HLEGAL", "HSYSADMIN",
        "COVERAGE", "HQUALIMP", "HCOMPL", "RECORDMGT",
    };

    /// <summary>
    /// The client id recorded for what Content does on its own, outside any request (the purge of documents past their
    /// retention): no user acted.
    /// </summary>
    public const string ServiceClientId = "content";

    /// <summary>
    /// Records <paramref name="access"/> in a transaction of its own, in the chain of the organization whose data it was
    /// (<see cref="PhiAccess.OrganizationId"/>, by default the caller's); returns once it is committed.
    /// </summary>
    public async Task RecordAsync(PhiAccess access, CancellationToken cancellationToken)
    {
        var record = ToRecord(access);
        await chain.AppendAsync(record.OrganizationId, [record], cancellationToken);
        Count([access]);
    }

    /// <summary>Records <paramref name="access"/> within <paramref name="db"/>'s open transaction: it commits with the change it records.</summary>
    public Task RecordWithinTransactionAsync(ContentDbContext db, PhiAccess access, CancellationToken cancellationToken) =>
        RecordWithinTransactionAsync(db, [access], cancellationToken);

    /// <summary>
    /// Records <paramref name="accesses"/> (of the organization in scope) within <paramref name="db"/>'s open transaction,
    /// once per transaction (records of an earlier, rolled-back attempt still in the context are dropped first).
    /// </summary>
    public async Task RecordWithinTransactionAsync(ContentDbContext db, IReadOnlyList<PhiAccess> accesses, CancellationToken cancellationToken)
    {
        if (accesses.Any(a => a.OrganizationId is { } owner && owner != Organization()))
        {
            throw new OrganizationScopeViolationException("A change is recorded in the chain of the organization it changed, the one in scope.");
        }
        // One call per transaction: records still unsaved in the context are those of an attempt that rolled back.
        foreach (var unsaved in db.ChangeTracker.Entries<PhiAccessRecord>().Where(e => e.State == EntityState.Added).ToList())
        {
            unsaved.State = EntityState.Detached;
        }
        await chain.AppendWithinTransactionAsync(db, Organization(), [.. accesses.Select(ToRecord)], cancellationToken);
        Count(accesses);
    }

    /// <summary>
    /// Saves <paramref name="db"/>'s pending changes and the record of them in one transaction (retried whole on a
    /// transient failure): the change is never visible without its record, nor the record without the change.
    /// <see cref="DbUpdateConcurrencyException"/> and other save failures propagate, with nothing saved.
    /// </summary>
    public async Task SaveWithRecordAsync(ContentDbContext db, PhiAccess access, CancellationToken cancellationToken)
    {
        StatedPurposeOfUse(); // a bad purpose of use is refused before anything is written
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await RecordWithinTransactionAsync(db, access, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    private static void Count(IEnumerable<PhiAccess> accesses)
    {
        foreach (var access in accesses)
        {
            ContentMetrics.PhiAccessRecords.Add(1, new KeyValuePair<string, object?>("action", access.Action));
        }
    }

    /// <summary>
    /// The purpose of use the request states, or null when it states none. A value that is not a known code is the
    /// caller's mistake: <see cref="BadHttpRequestException"/> (400), checked before any data is read.
    /// </summary>
    public string? StatedPurposeOfUse()
    {
        var stated = http.HttpContext?.Request.Headers[PurposeOfUseHeader];
        if (stated is not { Count: > 0 } values)
        {
            return null;
        }
        return values.Count == 1 && PurposesOfUse.Contains(values[0]!)
            ? values[0]
            : throw new BadHttpRequestException(
                $"{PurposeOfUseHeader} must be one HL7 v3 PurposeOfUse code: {string.Join(", ", PurposesOfUse.Order(StringComparer.Ordinal))}.");
    }

    private Guid Organization() => organizations.OrganizationId
        ?? throw new OrganizationScopeViolationException("Patient data was accessed outside any organization's scope.");

    private PhiAccessRecord ToRecord(PhiAccess access)
    {
        if (!PhiActions.All.Contains(access.Action))
        {
            throw new ArgumentException($"'{access.Action}' is not a PHI action.", nameof(access));
        }
        var request = http.HttpContext?.Request;
        return new PhiAccessRecord
        {
            OrganizationId = access.OrganizationId ?? Organization(),
            Action = access.Action,
            UserId = caller.UserId,
            ClientId = Truncate(caller.ClientId, 100) ?? (request is null ? ServiceClientId : null),
            ResourceType = access.ResourceType,
            ResourceId = access.ResourceId,
            PatientIds = [.. access.PatientIds.Distinct()],
            PurposeOfUse = StatedPurposeOfUse(),
            Query = Truncate(access.Query, 500),
            IpAddress = request?.HttpContext.Connection.RemoteIpAddress?.ToString(),
            ForwardedFor = Printable(request?.Headers["X-Forwarded-For"].ToString(), 200),
            UserAgent = Printable(request?.Headers.UserAgent.ToString(), 500),
            RequestId = RequestIdOf(request),
            Detail = Truncate(access.Detail, 500),
        };
    }

    private static string? RequestIdOf(HttpRequest? request)
    {
        if (request is null)
        {
            return null;
        }
        var forwarded = request.Headers["X-Request-Id"].ToString();
        return WellFormedRequestId().IsMatch(forwarded) ? forwarded : Truncate(request.HttpContext.TraceIdentifier, 64);
    }

    private static string? Truncate(string? value, int length) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= length ? value : value[..length];

    /// <summary>A header value as recorded: control characters (which Postgres text may refuse, and logs misread) replaced by '?', then truncated.</summary>
    private static string? Printable(string? value, int length) =>
        Truncate(value is null ? null : string.Create(value.Length, value, (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        }), length);

    /// <summary>The gateway's request id form (letters, digits, <c>. _ : -</c>, at most 64).</summary>
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex WellFormedRequestId();
}
