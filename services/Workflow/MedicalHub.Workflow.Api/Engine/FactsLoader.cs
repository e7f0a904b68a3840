using System.Text.Json.Nodes;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Instances;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>Gathers an instance's <see cref="Facts"/> from its own rows and the known-patient copy (organization-scoped queries).</summary>
public sealed class FactsLoader(WorkflowDbContext db, TimeProvider time)
{
    public async Task<Facts> LoadAsync(PathwayInstance instance, string? outcome, CancellationToken ct)
    {
        var root = new JsonObject
        {
            ["outcome"] = outcome,
            ["vars"] = ParseObject(instance.Variables),
            ["event"] = instance.LastEvent is null ? null : JsonNode.Parse(instance.LastEvent),
            ["instance"] = new JsonObject
            {
                ["id"] = instance.Id.ToString(),
                ["patientId"] = instance.PatientId.ToString(),
                ["organizationId"] = instance.OrganizationId.ToString(),
                ["startedAt"] = instance.StartedAt.ToString("O"),
            },
        };

        // The latest run of each step (tracked rows first: the current unit of work may have changed them).
        var steps = new JsonObject();
        var executions = db.TrackedStepExecutions(instance.Id).Select(e => e.Entity).ToList();
        // An instance started in this unit of work has no stored steps yet: no query (a bulk start loads facts for each).
        var stored = db.Entry(instance).State == EntityState.Added ? [] : await db.StepExecutions.AsNoTracking().Where(s => s.InstanceId == instance.Id)
            .Select(s => new StoredRun(s.Id, s.StepId, s.Sequence, s.Outcome, s.Result, s.EndedAt)).ToListAsync(ct);
        foreach (var s in stored.Where(s => executions.All(e => e.Id != s.Id)).Select(s => (s.StepId, s.Sequence, s.Outcome, s.Result, s.EndedAt))
                     .Concat(executions.Select(e => (e.StepId, e.Sequence, e.Outcome, e.Result, e.EndedAt)))
                     .OrderBy(s => s.Sequence))
        {
            steps[s.StepId] = new JsonObject
            {
                ["outcome"] = s.Outcome,
                ["result"] = s.Result is null ? null : JsonNode.Parse(s.Result),
                ["endedAt"] = s.EndedAt?.ToString("O"),
            };
        }
        root["steps"] = steps;

        var now = time.GetUtcNow();
        var patient = await db.KnownPatients.AsNoTracking().SingleOrDefaultAsync(p => p.PatientId == instance.PatientId, ct);
        if (patient is not null)
        {
            var person = new JsonObject { ["id"] = patient.PatientId.ToString(), ["status"] = patient.Status.ToString().ToLowerInvariant(), ["gender"] = patient.Gender };
            if (patient.BirthDate is { } born)
            {
                var today = DateOnly.FromDateTime(now.UtcDateTime);
                var age = today.Year - born.Year - (today < born.AddYears(today.Year - born.Year) ? 1 : 0);
                person["birthDate"] = born.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                person["age"] = age;
            }
            root["patient"] = person;
        }
        var observations = new JsonObject();
        foreach (var o in await db.PatientObservations.AsNoTracking().Where(o => o.PatientId == instance.PatientId).ToListAsync(ct))
        {
            observations[o.Code] = new JsonObject
            {
                ["value"] = o.ValueNumber is { } number ? JsonValue.Create(number) : JsonValue.Create(o.ValueText),
                ["unit"] = o.Unit,
                ["system"] = o.System,
                ["effectiveAt"] = o.EffectiveAt.ToString("O"),
                ["ageDays"] = (int)Math.Floor((now - o.EffectiveAt).TotalDays),
            };
        }
        root["observations"] = observations;
        return new Facts(root);
    }

    private sealed record StoredRun(Guid Id, string StepId, int Sequence, string? Outcome, string? Result, DateTimeOffset? EndedAt);

    public static JsonObject ParseObject(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonNode.Parse(json) as JsonObject ?? [];
}
