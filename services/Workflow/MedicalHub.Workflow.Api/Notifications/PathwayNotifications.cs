using System.Text.Json.Nodes;
using MedicalHub.Data.Outbox;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Instances;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Notifications;

/// <summary>
/// Queues a step's (or a compensation's) notification in the outbox, in the unit of work that ends the step: it leaves
/// for Communication's <c>POST /api/notifications</c> after the commit (<see cref="NotificationOutboxHandler"/>), and is
/// lost with the step if the transaction rolls back. Placeholders in the subject, body, data and address are rendered now.
/// </summary>
public sealed class PathwayNotifications(WorkflowDbContext db, TimeProvider time)
{
    public const string MessageType = "workflow.notification";
    public const string DefaultCategory = "care-pathway";

    /// <summary>What Communication receives (the outbox payload).</summary>
    public sealed record Payload(Guid OrganizationId, Recipient Recipient, string Category, string? Template, JsonObject? Data, string? Subject, string? Body,
        Guid InstanceId);

    public sealed record Recipient(Guid? UserId, string? Email, string? Locale);

    /// <summary>Queued: the outbox message id. Skipped: why it could not be addressed (recorded as the step's outcome note).</summary>
    public abstract record Outcome;

    public sealed record Queued(Guid MessageId) : Outcome;

    public sealed record Skipped(string Reason) : Outcome;

    public async Task<Outcome> QueueAsync(PathwayInstance instance, NotificationSpec spec, Facts facts, Guid? stepExecutionId, Guid? compensationId, CancellationToken ct)
    {
        Recipient recipient;
        switch (spec.To!.Kind)
        {
            case "patient":
                var patient = await db.KnownPatients.AsNoTracking().SingleOrDefaultAsync(p => p.PatientId == instance.PatientId, ct);
                if (patient?.Email is null)
                {
                    return new Skipped("Workflow knows no e-mail address for the patient (Content's patient events carry none).");
                }
                recipient = new Recipient(null, patient.Email, patient.Locale);
                break;
            case "user":
                recipient = new Recipient(spec.To.UserId, null, null);
                break;
            default:
                var email = facts.Render(spec.To.Email!).Trim();
                if (email.Length is 0 or > 320 || !email.Contains('@', StringComparison.Ordinal))
                {
                    return new Skipped($"The address '{spec.To.Email}' rendered to no e-mail address.");
                }
                recipient = new Recipient(null, email, null);
                break;
        }

        var payload = new Payload(instance.OrganizationId, recipient, spec.Category ?? DefaultCategory, spec.Template,
            spec.Data is null ? null : facts.RenderNode(spec.Data) as JsonObject,
            spec.Subject is null ? null : facts.Render(spec.Subject), spec.Body is null ? null : facts.Render(spec.Body), instance.Id);
        var message = db.AddOutboxMessage(MessageType, payload);
        var now = time.GetUtcNow();
        db.SentNotifications.Add(new SentNotification
        {
            OutboxMessageId = message.MessageId,
            OrganizationId = instance.OrganizationId,
            InstanceId = instance.Id,
            StepExecutionId = stepExecutionId,
            CompensationId = compensationId,
            Status = "queued",
            CreatedAt = now,
            UpdatedAt = now,
        });
        return new Queued(message.MessageId);
    }
}
