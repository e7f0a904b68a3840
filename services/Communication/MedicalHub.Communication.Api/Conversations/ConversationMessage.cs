using MedicalHub.Data.Tenancy;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// A message: its number in the conversation, who wrote it, its text (the markdown the sender wrote, and the sanitised
/// HTML it renders to), the Content documents it links, the message it answers, the users it mentions. Edits and the
/// deletion keep the earlier text in <see cref="MessageRevision"/> (for audit); a deleted message keeps its number.
/// </summary>
public sealed class ConversationMessage : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid OrganizationId { get; init; }

    public Guid ConversationId { get; init; }

    public long Sequence { get; init; }

    public Guid SenderId { get; init; }

    public ParticipantKind SenderKind { get; init; }

    /// <summary>The sender's own id for the message: sending again with it does not store a second message.</summary>
    public Guid? ClientMessageId { get; init; }

    /// <summary>Markdown (the subset <see cref="MessageText"/> renders); empty once deleted.</summary>
    public string Body { get; set; } = "";

    /// <summary>The body rendered to HTML that only holds what <see cref="MessageText"/> allows.</summary>
    public string BodyHtml { get; set; } = "";

    public long? ReplyToSequence { get; init; }

    public List<Guid> Mentions { get; init; } = [];

    public List<MessageAttachment> Attachments { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? EditedAt { get; set; }

    public int Revision { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    public Guid? DeletedBy { get; set; }

    public List<MessageReaction> Reactions { get; init; } = [];
}

/// <summary>A Content document a message links to (its bytes stay in Content; access follows Content's sharing).</summary>
public sealed record MessageAttachment(Guid DocumentId, string? Title, string? MediaType);

/// <summary>An earlier text of a message, kept when it is edited or deleted.</summary>
public sealed class MessageRevision : IOrganizationOwned
{
    public long Id { get; init; }

    public Guid OrganizationId { get; init; }

    public Guid MessageId { get; init; }

    /// <summary>0 for the original text, then 1, 2… for each edit's previous text.</summary>
    public int Revision { get; init; }

    public required string Body { get; init; }

    /// <summary>When this text was replaced (edited or deleted), and by whom.</summary>
    public DateTimeOffset ReplacedAt { get; init; }

    public Guid ReplacedBy { get; init; }

    /// <summary><c>edited</c> or <c>deleted</c>.</summary>
    public required string Change { get; init; }
}

/// <summary>One user's reaction (an emoji) to a message.</summary>
public sealed class MessageReaction : IOrganizationOwned
{
    public Guid MessageId { get; init; }

    public Guid UserId { get; init; }

    public required string Emoji { get; init; }

    public Guid OrganizationId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>How long an organization keeps its conversations' messages (none: for ever).</summary>
public sealed class ConversationRetention : IOrganizationOwned
{
    public Guid OrganizationId { get; init; }

    public int? RetentionDays { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid UpdatedBy { get; set; }
}
