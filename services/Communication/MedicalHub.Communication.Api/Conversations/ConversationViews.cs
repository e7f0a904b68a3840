namespace MedicalHub.Communication.Api.Conversations;

public sealed record ReactionView(string Emoji, Guid[] UserIds);

/// <summary>A message as the API and the hub show it; a deleted message keeps its number and loses its text and attachments.</summary>
public sealed record MessageView(
    Guid Id, Guid ConversationId, long Sequence, Guid SenderId, string SenderKind, string Body, string BodyHtml, long? ReplyToSequence,
    Guid[] Mentions, MessageAttachment[] Attachments, ReactionView[] Reactions, DateTimeOffset CreatedAt, DateTimeOffset? EditedAt, int Revision,
    bool Deleted, Guid? ClientMessageId)
{
    public static MessageView From(ConversationMessage m) => new(
        m.Id, m.ConversationId, m.Sequence, m.SenderId, Name(m.SenderKind), m.Body, m.BodyHtml, m.ReplyToSequence, [.. m.Mentions],
        [.. m.Attachments],
        [.. m.Reactions.GroupBy(r => r.Emoji, StringComparer.Ordinal).OrderBy(g => g.Min(r => r.CreatedAt))
            .Select(g => new ReactionView(g.Key, [.. g.OrderBy(r => r.CreatedAt).Select(r => r.UserId)]))],
        m.CreatedAt, m.EditedAt, m.Revision, m.DeletedAt is not null, m.ClientMessageId);

    public static string Name(ParticipantKind kind) => kind == ParticipantKind.Patient ? "patient" : "staff";
}

public sealed record ParticipantView(Guid UserId, string Kind, long LastReadSequence, DateTimeOffset? LastReadAt);

public sealed record ConversationLinkView(string Type, Guid Id);

/// <summary>A conversation as the caller sees it: its own state (unread, archived, muted) included.</summary>
public sealed record ConversationView(
    Guid Id, string Kind, string? Subject, ConversationLinkView? Link, string? RoutedRole, Guid? PatientId, Guid CreatedBy, DateTimeOffset CreatedAt,
    long LastSequence, DateTimeOffset? LastMessageAt, long LastReadSequence, long Unread, bool Archived, bool Muted, ParticipantView[] Participants);

public sealed record ConversationPage(ConversationView[] Items, int Page, int PageSize, int Total);

public sealed record MessagePage(MessageView[] Items, long LastSequence, bool HasMore);

public sealed record UnreadConversation(Guid ConversationId, long Unread, long Mentions);

/// <summary>Unread messages per conversation and in total (muted and archived conversations are listed but left out of the total).</summary>
public sealed record UnreadCounts(long Total, UnreadConversation[] Conversations);

public sealed record ReadReceipt(Guid ConversationId, Guid UserId, long Sequence, DateTimeOffset ReadAt);

public sealed record TypingNotice(Guid ConversationId, Guid UserId);

public sealed record PresenceNotice(Guid UserId, bool Online);

public sealed record PresenceView(Guid UserId, bool Online, DateTimeOffset? LastSeenAt);

public sealed record ConversationNotice(Guid ConversationId, long LastSequence);

public static class ConversationNames
{
    public static string Kind(ConversationKind kind) => kind.ToString().ToLowerInvariant();

    public static string? Link(ConversationLinkType? type) => type?.ToString().ToLowerInvariant();
}
