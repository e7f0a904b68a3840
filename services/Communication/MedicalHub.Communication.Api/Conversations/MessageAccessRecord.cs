using MedicalHub.Data.Audit;
using MedicalHub.Data.Tenancy;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// One access to conversations' messages, recorded like an access to patient data (Content's PHI access audit): who, in
/// which organization, did what to which conversation (and, for a patient conversation, whose), from where and when. An
/// entry of the organization's tamper-evident chain (shared <see cref="ChainedAuditEntry"/>, key <c>communication-audit-key</c>).
/// </summary>
public sealed class MessageAccessRecord : ChainedAuditEntry, IOrganizationOwned
{
    public Guid OrganizationId { get; init; }

    /// <summary>One of <see cref="MessageAccessActions"/>.</summary>
    public required string Action { get; init; }

    public Guid? UserId { get; init; }

    public string? ClientId { get; init; }

    /// <summary>The conversation read; null for a search across the caller's conversations.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>The patient whose conversation it is (patient conversations, and those linked to a patient).</summary>
    public Guid? PatientId { get; init; }

    /// <summary>How many messages the access returned or touched.</summary>
    public int MessageCount { get; init; }

    public string? IpAddress { get; init; }

    public string? ForwardedFor { get; init; }

    public string? UserAgent { get; init; }

    public string? RequestId { get; init; }

    /// <summary>A short note that is not PHI (the sequence range read, the document an export became).</summary>
    public string? Detail { get; init; }

    public override void WriteContent(AuditContentWriter content) => content
        .Add(OrganizationId).Add(Action).Add(UserId).Add(ClientId).Add(ConversationId).Add(PatientId).Add(MessageCount)
        .Add(IpAddress).Add(ForwardedFor).Add(UserAgent).Add(RequestId).Add(Detail);
}

/// <summary>What is recorded of message access.</summary>
public static class MessageAccessActions
{
    /// <summary>Messages listed or fetched (a conversation opened, missed messages fetched after a reconnection).</summary>
    public const string Read = "read";

    /// <summary>A search over the caller's messages (the terms are never recorded).</summary>
    public const string Search = "search";

    /// <summary>A patient conversation written into the patient's record as a Content document.</summary>
    public const string Export = "export";

    /// <summary>A real-time connection opened: from then on the user's conversations' new messages are pushed to it.</summary>
    public const string Subscribe = "subscribe";

    public const string Edit = "edit";

    public const string Delete = "delete";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Read, Search, Export, Subscribe, Edit, Delete };
}
