namespace MedicalHub.Workflow.Api.Tasks;

public sealed record TaskView(Guid Id, string Kind, string Title, string? Description, Guid? PatientId, Guid? InstanceId, Guid? StepExecutionId, string? AssignedRole,
    Guid? AssignedUserId, Guid? ClaimedBy, DateTimeOffset? ClaimedAt, string Status, string Priority, DateTimeOffset? DueAt, bool Overdue, string[]? AllowedOutcomes,
    string? Outcome, string? Note, DateTimeOffset? CompletedAt, Guid? CompletedBy, Guid[] LinkedDocumentIds, Guid[] LinkedPatientIds, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static TaskView From(CareTask t, DateTimeOffset now) => new(t.Id, t.Kind, t.Title, t.Description, t.PatientId, t.InstanceId, t.StepExecutionId,
        t.AssignedRole, t.AssignedUserId, t.ClaimedBy, t.ClaimedAt, StatusName(t.Status), t.Priority, t.DueAt, t.IsOpen && t.DueAt < now, t.AllowedOutcomes,
        t.Outcome, t.Note, t.CompletedAt, t.CompletedBy, t.LinkedDocumentIds, t.LinkedPatientIds, t.CreatedAt, t.UpdatedAt);

    /// <summary>FHIR's task status codes.</summary>
    public static string StatusName(CareTaskStatus status) => status switch
    {
        CareTaskStatus.Ready => "ready",
        CareTaskStatus.InProgress => "in-progress",
        CareTaskStatus.OnHold => "on-hold",
        CareTaskStatus.Completed => "completed",
        _ => "cancelled",
    };

    public static CareTaskStatus? ParseStatus(string? name) => name switch
    {
        "ready" => CareTaskStatus.Ready,
        "in-progress" => CareTaskStatus.InProgress,
        "on-hold" => CareTaskStatus.OnHold,
        "completed" => CareTaskStatus.Completed,
        "cancelled" => CareTaskStatus.Cancelled,
        _ => null,
    };
}

public sealed record TaskPage(TaskView[] Items, int Page, int PageSize, int Total);
