using System.Text.RegularExpressions;
using MedicalHub.Content.Api.Extensions;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Audit;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;

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

    /// <summary>Records <paramref name="access"/> in a transaction of its own; returns once it is committed.</summary>
    public async Task RecordAsync(PhiAccess access, CancellationToken cancellationToken)
    {
        await chain.AppendAsync(Organization(), [ToRecord(access)], cancellationToken);
        ContentMetrics.PhiAccessRecords.Add(1, new KeyValuePair<string, object?>("action", access.Action));
    }

    /// <summary>Records <paramref name="access"/> within <paramref name="db"/>'s open transaction: it commits with the change it records.</summary>
    public async Task RecordWithinTransactionAsync(ContentDbContext db, PhiAccess access, CancellationToken cancellationToken)
    {
        await chain.AppendWithinTransactionAsync(db, Organization(), [ToRecord(access)], cancellationToken);
        ContentMetrics.PhiAccessRecords.Add(1, new KeyValuePair<string, object?>("action", access.Action));
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
            OrganizationId = Organization(),
            Action = access.Action,
            UserId = caller.UserId,
            ClientId = Truncate(caller.ClientId, 100),
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
