using System.Globalization;
using System.Text;
using MedicalHub.Content.Api.Fhir;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;
using R4 = Hl7.Fhir.Model;

namespace MedicalHub.Content.Api.AccessAudit;

/// <summary>
/// The PHI access records as FHIR R4 <c>AuditEvent</c> resources, searched by <c>patient</c> ("who looked at this
/// record"), for holders of <c>audit:read</c>; the export is itself recorded. Type <c>rest</c>, subtype the RESTful
/// interaction and our action, the user and the client as agents (with the purpose of use and the network address),
/// the patients and the resource as entities, and the record's place in the organization's signed chain as details.
/// </summary>
public sealed class AuditEventFhirHandler(ContentDbContext db, PhiAccessAudit audit) : IFhirResourceHandler
{
    public const string ActionSystem = "urn:medicalhub:phi-action";
    public const string UserSystem = "urn:medicalhub:user";
    public const string ClientSystem = "urn:medicalhub:client";

    public static readonly FhirResourceCapability Capability = new(
        "AuditEvent",
        ["search-type"],
        [("patient", "reference", "Patient/{id} or {id}: the accesses to that patient's data, newest first.")],
        PermissionNames.AuditRead,
        Documentation: "The PHI access audit of the organization (tamper-evident: each record is signed and chained).");

    public async Task<FhirResult> SearchAsync(FhirRequest request, FhirSearch search, CancellationToken ct)
    {
        Guid? patient = null;
        foreach (var value in search.Values("patient"))
        {
            var id = value.StartsWith("Patient/", StringComparison.Ordinal) ? value["Patient/".Length..] : value;
            patient = Guid.TryParse(id, out var guid) ? guid
                : throw new FhirInputException("patient must be Patient/{id} or {id}, one value.");
        }
        var records = AccessAuditApi.Filtered(db, new AccessAuditApi.AccessFilter(patient, null, null, null, null));
        var total = await records.CountAsync(ct);
        var page = await records.OrderByDescending(r => r.Sequence).Skip((search.Page - 1) * search.Count).Take(search.Count).ToListAsync(ct);
        await audit.RecordAsync(new PhiAccess(PhiActions.Export, "AuditEvent", null, patient is { } p ? [p] : [], Query: patient is null ? null : "patient"), ct);
        return new FhirResult(StatusCodes.Status200OK, search.Searchset(request, page.Select(ToFhir), total));
    }

    public static R4.AuditEvent ToFhir(PhiAccessRecord r)
    {
        var (interaction, action) = Interaction(r.Action);
        var resource = new R4.AuditEvent
        {
            Id = r.Id.ToString(CultureInfo.InvariantCulture),
            Type = new R4.Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
            Subtype = [new R4.Coding("http://hl7.org/fhir/restful-interaction", interaction), new R4.Coding(ActionSystem, r.Action)],
            Action = action,
            Recorded = r.OccurredAt,
            Outcome = R4.AuditEvent.AuditEventOutcome.N0,
            Source = new R4.AuditEvent.SourceComponent
            {
                Site = r.OrganizationId.ToString(),
                Observer = new R4.ResourceReference { Identifier = new R4.Identifier("urn:medicalhub:service", "content"), Display = "MedicalHub Content" },
                Type = [new R4.Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };
        if (r.PurposeOfUse is { } purpose)
        {
            resource.PurposeOfEvent.Add(new R4.CodeableConcept(PhiAccessAudit.PurposeOfUseSystem, purpose));
        }
        resource.Agent.Add(new R4.AuditEvent.AgentComponent
        {
            Type = new R4.CodeableConcept("http://terminology.hl7.org/CodeSystem/extra-security-role-type", r.UserId is null ? "dataprocessor" : "humanuser"),
            Who = r.UserId is { } user
                ? new R4.ResourceReference { Identifier = new R4.Identifier(UserSystem, user.ToString()) }
                : new R4.ResourceReference { Identifier = new R4.Identifier(ClientSystem, r.ClientId) },
            Requestor = true,
            PurposeOfUse = r.PurposeOfUse is { } stated ? [new R4.CodeableConcept(PhiAccessAudit.PurposeOfUseSystem, stated)] : [],
            Network = r.IpAddress is null ? null : new R4.AuditEvent.NetworkComponent { Address = r.IpAddress, Type = R4.AuditEvent.AuditEventAgentNetworkType.N2 },
        });
        if (r.UserId is not null && r.ClientId is not null)
        {
            resource.Agent.Add(new R4.AuditEvent.AgentComponent
            {
                Type = new R4.CodeableConcept("http://dicom.nema.org/resources/ontology/DCM", "110150", "Application"),
                Who = new R4.ResourceReference { Identifier = new R4.Identifier(ClientSystem, r.ClientId) },
                Requestor = false,
            });
        }
        foreach (var patient in r.PatientIds)
        {
            resource.Entity.Add(new R4.AuditEvent.EntityComponent
            {
                What = new R4.ResourceReference($"Patient/{patient}"),
                Type = new R4.Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                Role = new R4.Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
            });
        }
        if (r.ResourceId is not null && r.ResourceType != "Patient")
        {
            resource.Entity.Add(new R4.AuditEvent.EntityComponent
            {
                What = new R4.ResourceReference($"{r.ResourceType}/{r.ResourceId}"),
                Type = new R4.Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                Role = new R4.Coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource"),
            });
        }
        var record = new R4.AuditEvent.EntityComponent
        {
            What = new R4.ResourceReference { Identifier = new R4.Identifier($"urn:medicalhub:phi-audit-chain:{r.ChainId}", r.Sequence.ToString(CultureInfo.InvariantCulture)) },
            Type = new R4.Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
            Description = "Entry of the organization's PHI access chain (HMAC-SHA256 over the entry and the previous hash)",
            Query = r.Query is null ? null : Encoding.UTF8.GetBytes(r.Query),
        };
        record.Detail.Add(Detail("sequence", r.Sequence.ToString(CultureInfo.InvariantCulture)));
        record.Detail.Add(Detail("keyId", r.KeyId));
        record.Detail.Add(Detail("previousHash", r.PreviousHash));
        record.Detail.Add(Detail("hash", r.Hash));
        foreach (var (type, value) in new[] { ("resourceType", r.ResourceType), ("requestId", r.RequestId), ("userAgent", r.UserAgent), ("forwardedFor", r.ForwardedFor), ("detail", r.Detail) })
        {
            if (value is not null)
            {
                record.Detail.Add(Detail(type, value));
            }
        }
        resource.Entity.Add(record);
        return resource;
    }

    private static R4.AuditEvent.DetailComponent Detail(string type, string value) => new() { Type = type, Value = new R4.FhirString(value) };

    private static (string Interaction, R4.AuditEvent.AuditEventAction Action) Interaction(string action) => action switch
    {
        PhiActions.Create => ("create", R4.AuditEvent.AuditEventAction.C),
        PhiActions.Update or PhiActions.Merge or PhiActions.Restore => ("update", R4.AuditEvent.AuditEventAction.U),
        PhiActions.Delete or PhiActions.Purge or PhiActions.Revoke => ("delete", R4.AuditEvent.AuditEventAction.D),
        PhiActions.ReadVersion => ("vread", R4.AuditEvent.AuditEventAction.R),
        PhiActions.Search => ("search-type", R4.AuditEvent.AuditEventAction.E),
        PhiActions.Export or PhiActions.Share => ("read", R4.AuditEvent.AuditEventAction.E),
        _ => ("read", R4.AuditEvent.AuditEventAction.R),
    };
}
