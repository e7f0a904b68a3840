namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>
/// A ready-made referral pathway (a saga across services), served to the web editor as a starting point:
/// share the patient's chart with the receiving practice (Content's <c>POST /api/shares</c>, with Workflow's service token on
/// behalf of the instance's organization, the step execution's id as <c>Idempotency-Key</c>), tell them (Communication),
/// wait for their answer with a deadline, then book and wait for the report; on refusal or timeout, undo in reverse order
/// (withdrawal notice, then <c>DELETE /api/shares/{id}</c>) and tell the patient. Variables at the start:
/// <c>receiverOrganizationId</c> and either <c>receiverRole</c> (a role of that organization, e.g. <c>Practitioner</c>) or
/// <c>receiverUserId</c> (one of its members), <c>receiverName</c>, <c>receiverEmail</c>, <c>reason</c>; optional
/// <c>shareExpiresAt</c>.
/// </summary>
public static class ReferralTemplate
{
    public const string Json = """
    {
      "start": "share-chart",
      "steps": [
        { "id": "share-chart", "name": "Share the patient's chart with the receiving practice", "type": "service-call",
          "call": { "service": "content", "method": "POST", "path": "/api/shares",
            "body": { "organizationId": "{{instance.organizationId}}", "patientId": "{{instance.patientId}}",
                      "recipientOrganizationId": "{{vars.receiverOrganizationId}}", "recipientRole": "{{vars.receiverRole}}",
                      "recipientUserId": "{{vars.receiverUserId}}", "expiresAt": "{{vars.shareExpiresAt}}" } },
          "compensation": { "call": { "service": "content", "method": "DELETE",
            "path": "/api/shares/{{steps.share-chart.result.id}}?organizationId={{instance.organizationId}}" } },
          "next": [ { "to": "notify-receiver", "when": { "fact": "outcome", "op": "eq", "value": "succeeded" } }, { "to": "share-failed" } ] },
        { "id": "notify-receiver", "name": "Tell the receiving practice", "type": "notification",
          "notification": { "to": { "kind": "email", "email": "{{vars.receiverEmail}}" }, "category": "referral",
            "subject": "New referral", "body": "A patient has been referred to you: {{vars.reason}}. The shared records are available to you." },
          "compensation": { "notification": { "to": { "kind": "email", "email": "{{vars.receiverEmail}}" }, "category": "referral",
            "subject": "Referral withdrawn", "body": "The referral sent to you has been withdrawn; access to the shared records is revoked." } },
          "next": [ { "to": "await-answer" } ] },
        { "id": "await-answer", "name": "Wait for the receiving practice's answer", "type": "task",
          "task": { "title": "Record the receiving practice's answer to the referral", "role": "Receptionist", "priority": "urgent",
                    "dueIn": "P7D", "timeout": "P14D", "outcomes": [ "accepted", "refused" ] },
          "next": [ { "to": "book", "when": { "fact": "outcome", "op": "eq", "value": "accepted" } }, { "to": "undo" } ] },
        { "id": "book", "name": "Book the appointment", "type": "task",
          "task": { "title": "Book the referral appointment", "role": "Receptionist", "dueIn": "P7D", "outcomes": [ "booked" ] },
          "sla": "P7D", "escalation": { "role": "Practitioner", "title": "Referral appointment not booked within a week" },
          "next": [ { "to": "await-report" } ] },
        { "id": "await-report", "name": "Wait for the specialist's report", "type": "event",
          "event": { "type": "document.ingested", "where": { "category": "report" }, "timeout": "P90D" },
          "next": [ { "to": "done" } ] },
        { "id": "undo", "name": "Undo the referral", "type": "compensate", "next": [ { "to": "tell-patient" } ] },
        { "id": "tell-patient", "name": "Tell the patient", "type": "notification",
          "notification": { "to": { "kind": "patient" }, "category": "referral", "subject": "About your referral",
            "body": "Your referral could not be arranged with {{vars.receiverName}}. Your practice will contact you." },
          "next": [ { "to": "not-accepted" } ] },
        { "id": "share-failed", "name": "The chart could not be shared", "type": "end", "outcome": "share-failed" },
        { "id": "not-accepted", "name": "Referral not accepted", "type": "end", "outcome": "referral-not-accepted" },
        { "id": "done", "name": "Referral completed", "type": "end" }
      ]
    }
    """;

    public static PathwayDocument Document => PathwayDocument.TryParse(Json, out var error) ?? throw new InvalidOperationException(error);
}
