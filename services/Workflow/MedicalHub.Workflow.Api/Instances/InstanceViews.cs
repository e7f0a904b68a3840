using System.Text.Json.Nodes;
using MedicalHub.Workflow.Api.Tasks;

namespace MedicalHub.Workflow.Api.Instances;

public sealed record InstanceView(Guid Id, Guid PathwayId, Guid VersionId, Guid PatientId, string Status, string? Outcome, string? CurrentStepId, string Trigger,
    string StartedBy, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, Guid? ParentInstanceId, JsonObject Variables)
{
    public static InstanceView From(PathwayInstance i) => new(i.Id, i.PathwayId, i.VersionId, i.PatientId, StatusName(i.Status), i.Outcome, i.CurrentStepId, i.Trigger,
        i.StartedBy, i.StartedAt, i.EndedAt, i.ParentInstanceId, JsonNode.Parse(i.Variables) as JsonObject ?? []);

    public static string StatusName(InstanceStatus status) => status.ToString().ToLowerInvariant();
}

public sealed record StepView(Guid Id, string StepId, string Type, int Sequence, string Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? Actor,
    string? Outcome, string? Note, JsonNode? Result, DateTimeOffset? SlaDueAt, DateTimeOffset? SlaBreachedAt, int Attempts, string? LastError)
{
    public static StepView From(StepExecution s) => new(s.Id, s.StepId, s.StepType, s.Sequence, s.Status.ToString().ToLowerInvariant(), s.StartedAt, s.EndedAt, s.Actor,
        s.Outcome, s.Note, s.Result is null ? null : JsonNode.Parse(s.Result), s.SlaDueAt, s.SlaBreachedAt, s.Attempts, s.LastError);
}

public sealed record CompensationView(int Order, string StepId, Guid StepExecutionId, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? DoneAt,
    JsonNode? Result, string? LastError)
{
    public static CompensationView From(Compensation c) => new(c.Order, c.StepId, c.StepExecutionId, c.Status.ToString().ToLowerInvariant(), c.Attempts, c.CreatedAt,
        c.DoneAt, c.Result is null ? null : JsonNode.Parse(c.Result), c.LastError);
}

public sealed record InstanceDetail(InstanceView Instance, int VersionNumber, StepView[] Steps, CompensationView[] Compensations, TaskView[] Tasks);

/// <summary>One line of an instance's history: a step entered or ended, or an instance event (started, paused, an SLA breached…).</summary>
public sealed record HistoryItem(DateTimeOffset At, string Actor, string Action, string? StepId, JsonNode? Detail);

public sealed record InstancePage(InstanceView[] Items, int Page, int PageSize, int Total);
