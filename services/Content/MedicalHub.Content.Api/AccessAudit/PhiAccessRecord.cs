using MedicalHub.Data.Audit;
using MedicalHub.Data.Tenancy;

namespace MedicalHub.Content.Api.AccessAudit;

/// <summary>
/// One access to patient data: who (user or service client), in which organization, did what to which resource of which
/// patients, why, from where and when. An entry of the organization's tamper-evident chain (<see cref="ChainedAuditEntry"/>):
/// the chain is the organization.
/// </summary>
public sealed class PhiAccessRecord : ChainedAuditEntry, IOrganizationOwned
{
    public Guid OrganizationId { get; init; }

    /// <summary>What was done (<see cref="PhiActions"/>).</summary>
    public required string Action { get; init; }

    /// <summary>The user who acted; null when a service acted on its own.</summary>
    public Guid? UserId { get; init; }

    /// <summary>The client application the request came through (the web app, an integrator's client, a service).</summary>
    public string? ClientId { get; init; }

    /// <summary>The kind of resource touched, by its FHIR name where it has one (<c>Patient</c>, <c>DocumentReference</c>, <c>AuditEvent</c>).</summary>
    public required string ResourceType { get; init; }

    /// <summary>The resource touched; null for a search (its hits are in <see cref="PatientIds"/>).</summary>
    public string? ResourceId { get; init; }

    /// <summary>Whose data it was: one patient for a read, every patient on the page for a search, none for practice data.</summary>
    public Guid[] PatientIds { get; init; } = [];

    /// <summary>Why, as the caller stated it (an HL7 v3 PurposeOfUse code such as <c>TREAT</c>); null when not stated.</summary>
    public string? PurposeOfUse { get; init; }

    /// <summary>For a search: the names of the parameters searched on (never their values, which may themselves be PHI).</summary>
    public string? Query { get; init; }

    /// <summary>The address the request came from (the direct peer: the gateway, when there is one).</summary>
    public string? IpAddress { get; init; }

    /// <summary>The <c>X-Forwarded-For</c> chain as the peer passed it (the client's address behind the gateway), recorded, not trusted.</summary>
    public string? ForwardedFor { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The request id (<c>X-Request-Id</c> from the gateway), which joins the record to traces and logs.</summary>
    public string? RequestId { get; init; }

    /// <summary>A short note that is not PHI: a version, the record another was merged into.</summary>
    public string? Detail { get; init; }

    public override void WriteContent(AuditContentWriter content) => content
        .Add(OrganizationId).Add(Action).Add(UserId).Add(ClientId).Add(ResourceType).Add(ResourceId).Add(PatientIds)
        .Add(PurposeOfUse).Add(Query).Add(IpAddress).Add(ForwardedFor).Add(UserAgent).Add(RequestId).Add(Detail);
}

/// <summary>What can be done to patient data; each access is recorded with one of these.</summary>
public static class PhiActions
{
    public const string Read = "read";
    public const string ReadVersion = "vread";
    public const string Search = "search";
    public const string SearchHitOpened = "search-hit-opened";
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Merge = "merge";
    public const string Download = "download";
    public const string Share = "share";

    /// <summary>A share or a share link ended by its owner.</summary>
    public const string Revoke = "revoke";
    public const string Export = "export";

    /// <summary>A deleted document brought back within its retention.</summary>
    public const string Restore = "restore";

    /// <summary>A deleted document removed for good once its retention ended (by Content itself).</summary>
    public const string Purge = "purge";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Read, ReadVersion, Search, SearchHitOpened, Create, Update, Delete, Merge, Download, Share, Revoke, Export, Restore, Purge,
    };
}
