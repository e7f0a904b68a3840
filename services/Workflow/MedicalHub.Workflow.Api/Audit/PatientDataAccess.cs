using MedicalHub.Data.Tenancy;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Security.Authorization;

namespace MedicalHub.Workflow.Api.Audit;

/// <summary>
/// A read of patient-linked data served by Workflow (instances, tasks, their FHIR forms): who read which patients'
/// records, when, through which endpoint. Written in the request that reads, so no read goes unrecorded.
/// </summary>
public sealed class PatientAccessRecord : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary><c>user:&lt;id&gt;</c> or <c>service:&lt;client id&gt;</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>What was read: <c>instance</c>, <c>instances</c>, <c>task</c>, <c>tasks</c>, <c>fhir-task</c>, <c>care-plan</c>…</summary>
    public required string Resource { get; init; }

    public Guid[] PatientIds { get; init; } = [];
}

/// <summary>Records reads of patient-linked data (<see cref="PatientAccessRecord"/>); skipped when a read returned no patient.</summary>
public sealed class PatientDataAudit(WorkflowDbContext db, CurrentCaller caller, TimeProvider time)
{
    public async Task RecordReadAsync(string resource, IEnumerable<Guid?> patientIds, CancellationToken ct)
    {
        var patients = patientIds.Where(p => p is not null).Select(p => p!.Value).Distinct().ToArray();
        if (patients.Length == 0)
        {
            return;
        }
        db.Set<PatientAccessRecord>().Add(new PatientAccessRecord
        {
            At = time.GetUtcNow(),
            Actor = ActorOf(caller),
            Resource = resource,
            PatientIds = patients,
        });
        await db.SaveChangesAsync(ct);
    }

    public static string ActorOf(CurrentCaller caller) => caller.IsService ? $"service:{caller.ClientId}" : $"user:{caller.UserId}";
}
