namespace MedicalHub.Identity.Api.Audit;

/// <summary>
/// One security event to record: what happened (<see cref="AuditActions"/>), its outcome, the organization whose chain
/// it goes in (none: the chain of events of no organization), who acted, whom it concerned (the actor when not given).
/// </summary>
public sealed record AuditEntry(string Action, string Outcome, Guid? OrganizationId, Guid? ActorUserId = null, Guid? SubjectUserId = null,
    string? Reason = null, string? ClientId = null);

/// <summary>Where Identity records its security events: the tamper-evident <see cref="AuditTrail"/>.</summary>
public interface IAuditTrail
{
    Task RecordAsync(AuditEntry entry, CancellationToken ct = default);
}
