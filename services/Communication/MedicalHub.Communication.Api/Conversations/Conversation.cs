using MedicalHub.Data.Tenancy;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>What kind of conversation: among staff of one organization, or a patient with the practice's care team.</summary>
public enum ConversationKind
{
    /// <summary>Two staff members; at most one such conversation per pair (<see cref="Conversation.DirectKey"/>).</summary>
    Direct,

    /// <summary>Staff members of one organization, named by a subject.</summary>
    Group,

    /// <summary>A patient (a portal account linked to their Content record) with the care team: the holders of <see cref="Conversation.RoutedRole"/>.</summary>
    Patient,
}

/// <summary>What a conversation may be about, besides its subject.</summary>
public enum ConversationLinkType
{
    Patient,
    Document,
    Task,
}

/// <summary>
/// A conversation of one organization. Its messages are numbered without gaps from 1 (<see cref="LastSequence"/> is the
/// newest message's number), so a client that knows the last number it holds fetches exactly what it missed.
/// </summary>
public sealed class Conversation : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public ConversationKind Kind { get; init; }

    public string? Subject { get; set; }

    public ConversationLinkType? LinkType { get; init; }

    /// <summary>The patient (Content), document (Content) or task (Workflow) the conversation is about.</summary>
    public Guid? LinkId { get; init; }

    /// <summary>A patient conversation: the role whose holders answer (e.g. <c>Receptionist</c>, <c>Practitioner</c>).</summary>
    public string? RoutedRole { get; init; }

    /// <summary>A patient conversation: the patient's record in Content.</summary>
    public Guid? PatientId { get; init; }

    /// <summary>A direct conversation: the two user ids in order, so a pair has one direct conversation.</summary>
    public string? DirectKey { get; init; }

    public Guid CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The newest message's sequence number (0: none yet); incremented under the row's lock when a message is stored.</summary>
    public long LastSequence { get; set; }

    public DateTimeOffset? LastMessageAt { get; set; }

    public List<ConversationParticipant> Participants { get; init; } = [];
}

/// <summary>Whether a participant is one of the organization's staff or the patient of a patient conversation.</summary>
public enum ParticipantKind
{
    Staff,
    Patient,
}

/// <summary>
/// A user in a conversation, with their own state: what they have read, whether they archived or muted it, and how far
/// the offline fallback has notified them. In a patient conversation the care team's members get a row when they first
/// read or write (their access comes from the role, not from the row).
/// </summary>
public sealed class ConversationParticipant : IOrganizationOwned
{
    public Guid ConversationId { get; init; }

    public Guid UserId { get; init; }

    public Guid OrganizationId { get; init; }

    public ParticipantKind Kind { get; init; }

    public DateTimeOffset JoinedAt { get; init; }

    /// <summary>The sequence number up to which the participant has read (a read receipt).</summary>
    public long LastReadSequence { get; set; }

    public DateTimeOffset? LastReadAt { get; set; }

    public DateTimeOffset? ArchivedAt { get; set; }

    public bool Muted { get; set; }

    /// <summary>Messages up to this number have been considered by the offline fallback (notified or not needed).</summary>
    public long LastNotifiedSequence { get; set; }
}
