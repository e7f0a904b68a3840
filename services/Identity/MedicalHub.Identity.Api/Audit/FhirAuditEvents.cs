using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using R4 = Hl7.Fhir.Model;

namespace MedicalHub.Identity.Api.Audit;

/// <summary>
/// The audit trail as FHIR R4 <c>AuditEvent</c> resources (in a <c>searchset</c> Bundle), for a practice's
/// own security information and event management: type and subtype from the DICOM audit vocabulary (with
/// our action as a second subtype), outcome <c>0</c> success / <c>4</c> failure, the user and the client as
/// agents, Identity as the source, and the chain position and hashes as details of the record's entity.
/// </summary>
public static class FhirAuditEvents
{
    public const string MediaType = "application/fhir+json";
    public const string ActionSystem = "urn:medicalhub:audit-action";
    public const string UserSystem = "urn:medicalhub:user";
    public const string ClientSystem = "urn:medicalhub:client";
    public const string OrganizationSystem = "urn:medicalhub:organization";
    public const string ChainSystemPrefix = "urn:medicalhub:audit-chain:";

    private const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    private const string AuditEventType = "http://terminology.hl7.org/CodeSystem/audit-event-type";

    private static readonly FhirJsonSerializer Serializer = new();

    public static string Serialize(Bundle bundle) => Serializer.SerializeToString(bundle);

    public static Bundle Searchset(IEnumerable<AuditEvent> events, long total, string selfUrl, string? nextUrl)
    {
        var bundle = new Bundle { Id = Guid.NewGuid().ToString(), Type = Bundle.BundleType.Searchset, Total = (int)Math.Min(total, int.MaxValue), Timestamp = DateTimeOffset.UtcNow };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = selfUrl });
        if (nextUrl is not null)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = nextUrl });
        }
        foreach (var e in events)
        {
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = ToFhir(e), Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match } });
        }
        return bundle;
    }

    public static R4.AuditEvent ToFhir(AuditEvent e)
    {
        var (type, subtype) = Classify(e.Action);
        var resource = new R4.AuditEvent
        {
            Id = $"{e.ChainId}-{e.Sequence}",
            Type = type,
            Action = ActionOf(e.Action),
            Recorded = e.OccurredAt,
            Outcome = e.Outcome == AuditOutcomes.Success ? R4.AuditEvent.AuditEventOutcome.N0 : R4.AuditEvent.AuditEventOutcome.N4,
            OutcomeDesc = e.Reason,
            Source = new R4.AuditEvent.SourceComponent
            {
                Site = e.ChainId == Guid.Empty ? null : e.ChainId.ToString(),
                Observer = new ResourceReference { Identifier = new Identifier("urn:medicalhub:service", "identity"), Display = "MedicalHub Identity" },
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };
        if (subtype is not null)
        {
            resource.Subtype.Add(subtype);
        }
        resource.Subtype.Add(new Coding(ActionSystem, e.Action));

        // The person who acted (for a login, the account that logged in), from the address recorded.
        var person = e.ActorUserId ?? e.SubjectUserId;
        resource.Agent.Add(new R4.AuditEvent.AgentComponent
        {
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/extra-security-role-type", "humanuser", "human user"),
            Who = person is { } id ? new ResourceReference { Identifier = new Identifier(UserSystem, id.ToString()) } : new ResourceReference { Display = "unknown user" },
            Requestor = true,
            Network = e.IpAddress is null ? null : new R4.AuditEvent.NetworkComponent { Address = e.IpAddress, Type = R4.AuditEvent.AuditEventAgentNetworkType.N2 },
        });
        if (e.ClientId is not null)
        {
            resource.Agent.Add(new R4.AuditEvent.AgentComponent
            {
                Type = new CodeableConcept(Dicom, "110150", "Application"),
                Who = new ResourceReference { Identifier = new Identifier(ClientSystem, e.ClientId) },
                Requestor = false,
            });
        }

        if (e.SubjectUserId is { } subject)
        {
            resource.Entity.Add(new R4.AuditEvent.EntityComponent
            {
                What = new ResourceReference { Identifier = new Identifier(UserSystem, subject.ToString()) },
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "11", "Security User Entity"),
            });
        }

        // The trail's own record: where it sits in its tamper-evident chain.
        var record = new R4.AuditEvent.EntityComponent
        {
            What = new ResourceReference { Identifier = new Identifier(ChainSystemPrefix + e.ChainId, e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
            Description = "Entry of the MedicalHub Identity audit chain (SHA-256 over the entry and the previous hash)",
        };
        record.Detail.Add(Detail("sequence", e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        record.Detail.Add(Detail("previousHash", e.PreviousHash));
        record.Detail.Add(Detail("hash", e.Hash));
        if (e.UserAgent is not null)
        {
            record.Detail.Add(Detail("userAgent", e.UserAgent));
        }
        resource.Entity.Add(record);
        return resource;
    }

    private static R4.AuditEvent.DetailComponent Detail(string type, string value) => new() { Type = type, Value = new FhirString(value) };

    private static (Coding Type, Coding? Subtype) Classify(string action) => action switch
    {
        AuditActions.LoginSucceeded or AuditActions.LoginFailed or AuditActions.MfaChallenged or AuditActions.RecoveryCodeUsed =>
            (new Coding(Dicom, "110114", "User Authentication"), new Coding(Dicom, "110122", "Login")),
        AuditActions.SessionRevoked => (new Coding(Dicom, "110114", "User Authentication"), new Coding(Dicom, "110123", "Logout")),
        AuditActions.LockedOut or AuditActions.RefreshTokenReused or AuditActions.LoginThrottled =>
            (new Coding(Dicom, "110113", "Security Alert"), null),
        AuditActions.RolesChanged or AuditActions.MemberDeactivated => (new Coding(Dicom, "110136", "Security Roles Changed"), null),
        AuditActions.OrganizationChanged => (new Coding(AuditEventType, "rest", "RESTful Operation"), null),
        _ => (new Coding(Dicom, "110137", "User Security Attributes Changed"), null),
    };

    private static R4.AuditEvent.AuditEventAction ActionOf(string action) => action switch
    {
        AuditActions.Registered => R4.AuditEvent.AuditEventAction.C,
        AuditActions.SessionRevoked or AuditActions.MemberDeactivated or AuditActions.MfaDisabled => R4.AuditEvent.AuditEventAction.D,
        _ when action.StartsWith("login.", StringComparison.Ordinal) => R4.AuditEvent.AuditEventAction.E,
        AuditActions.LockedOut or AuditActions.RefreshTokenReused or AuditActions.RecoveryCodeUsed or AuditActions.PasswordResetRequested => R4.AuditEvent.AuditEventAction.E,
        _ => R4.AuditEvent.AuditEventAction.U,
    };
}
