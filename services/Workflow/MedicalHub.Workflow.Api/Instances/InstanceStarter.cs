using System.Text.Json.Nodes;
using MedicalHub.Data.Tenancy;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Instances;

/// <summary>
/// Starts instances for patients (by hand, through FHIR <c>$apply</c>, on an event, in bulk): only for a pathway of the
/// organization with a published version in force, and only for a patient the organization's patient events made known
/// (an unknown patient and another organization's patient get the same answer); on the current version, which the
/// instance keeps. The first steps run in the same unit of work (up to the first wait). The caller saves.
/// </summary>
public sealed class InstanceStarter(WorkflowDbContext db, OrganizationScope organizations, StepRunner runner, TimeProvider time)
{
    public const int MaxVariablesLength = 16_384;

    public sealed record StartRequest(Guid PatientId, JsonObject? Variables, string? StartKey);

    public abstract record Outcome;

    public sealed record Started(PathwayInstance Instance, bool Replayed) : Outcome;

    /// <summary>A refusal: the HTTP status, a title, and the field at fault (for a validation problem).</summary>
    public sealed record Refused(int Status, string Title, string Detail, string? Field = null) : Outcome;

    /// <summary>The pathway's version in force, or why nothing can start on it.</summary>
    public async Task<(Guid VersionId, Refused? Refusal)> VersionInForceAsync(Guid pathwayId, CancellationToken ct)
    {
        var pathway = await db.CarePathways.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pathwayId, ct);
        return pathway switch
        {
            null => (Guid.Empty, new Refused(StatusCodes.Status404NotFound, "No such care pathway.", $"The organization has no care pathway {pathwayId}.", "pathwayId")),
            { Status: CarePathwayStatus.Retired } => (Guid.Empty, new Refused(StatusCodes.Status409Conflict, "The care pathway is retired.", "A retired pathway starts no new instance.")),
            { CurrentVersionId: { } version } => (version, null),
            _ => (Guid.Empty, new Refused(StatusCodes.Status409Conflict, "The care pathway has no published version.", "Publish a version before starting instances.")),
        };
    }

    /// <summary>Starts one instance per request on <paramref name="pathwayId"/>'s version in force; all or nothing (the first refusal is returned).</summary>
    public async Task<(List<Started> Started, Refused? Refusal)> StartAsync(Guid pathwayId, IReadOnlyList<StartRequest> requests, string trigger, string startedBy,
        CancellationToken ct)
    {
        var (versionId, refusal) = await VersionInForceAsync(pathwayId, ct);
        if (refusal is not null)
        {
            return ([], refusal);
        }

        var patientIds = requests.Select(r => r.PatientId).Distinct().ToList();
        var known = await db.KnownPatients.AsNoTracking().Where(p => patientIds.Contains(p.PatientId))
            .Select(p => new { p.PatientId, p.Status, p.MergedInto }).ToDictionaryAsync(p => p.PatientId, ct);
        foreach (var request in requests)
        {
            if (!known.TryGetValue(request.PatientId, out var patient))
            {
                return ([], new Refused(StatusCodes.Status422UnprocessableEntity, "Unknown patient.",
                    $"Patient {request.PatientId} is not a patient of this organization known to Workflow (from Content's patient events).", "patientId"));
            }
            if (patient.Status != KnownPatientStatus.Active)
            {
                var detail = patient.MergedInto is { } survivor ? $"Patient {request.PatientId} was merged into {survivor}: start for that record." : $"Patient {request.PatientId} is inactive.";
                return ([], new Refused(StatusCodes.Status422UnprocessableEntity, "The patient record is not active.", detail, "patientId"));
            }
            if (request.Variables is { } variables && variables.ToJsonString().Length > MaxVariablesLength)
            {
                return ([], new Refused(StatusCodes.Status400BadRequest, "Variables too large.", $"Variables are at most {MaxVariablesLength} characters of JSON.", "variables"));
            }
        }

        var keys = requests.Where(r => r.StartKey is not null).Select(r => r.StartKey!).ToList();
        var previous = keys.Count == 0 ? [] : await db.Instances.Where(i => i.StartKey != null && keys.Contains(i.StartKey)).ToDictionaryAsync(i => i.StartKey!, ct);
        var organizationId = organizations.OrganizationId ?? throw new OrganizationScopeViolationException("Instances start within an organization's scope.");
        var now = time.GetUtcNow();
        var started = new List<Started>(requests.Count);
        foreach (var request in requests)
        {
            if (request.StartKey is { } key && previous.TryGetValue(key, out var existing))
            {
                started.Add(new Started(existing, Replayed: true));
                continue;
            }
            var instance = new PathwayInstance
            {
                OrganizationId = organizationId,
                PathwayId = pathwayId,
                VersionId = versionId,
                PatientId = request.PatientId,
                Variables = (request.Variables ?? []).ToJsonString(),
                Trigger = trigger,
                StartedBy = startedBy,
                StartKey = request.StartKey,
                StartedAt = now,
                UpdatedAt = now,
            };
            db.Instances.Add(instance);
            await runner.StartAsync(instance, ct);
            started.Add(new Started(instance, Replayed: false));
        }
        return (started, null);
    }
}
