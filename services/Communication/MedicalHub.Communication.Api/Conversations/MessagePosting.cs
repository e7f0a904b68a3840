using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Data.Outbox;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MedicalHub.Communication.Api.Conversations;

/// <param name="Body">Markdown (the subset of <see cref="MessageText"/>); may be empty when there are attachments.</param>
/// <param name="Attachments">Content documents of the conversation's organization that the sender reads.</param>
/// <param name="Mentions">Participants the message names (they are notified offline even when they muted the conversation).</param>
/// <param name="ClientMessageId">The sender's own id: sending again with it answers the message already stored.</param>
public sealed record SendMessageRequest(string? Body, Guid[]? Attachments, Guid[]? Mentions, long? ReplyToSequence, Guid? ClientMessageId);

/// <summary>
/// Stores a message: checks it (text, mentions, the message it answers; each attachment read by Content with the
/// sender's own token), gives it the conversation's next number under the conversation row's lock, records the
/// sender's read mark, queues the attachments' shares in the outbox of the same transaction, and pushes it to the
/// participants' connections once committed.
/// </summary>
public sealed class MessagePosting(CommunicationDbContext db, ConversationStore store, ContentDocuments content, FloodLimit flood,
    ConversationEvents events, OutboxSignal<CommunicationDbContext> outbox, TimeProvider time)
{
    public abstract record Outcome;

    public sealed record Posted(MessageView Message, bool Replayed) : Outcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : Outcome;

    public sealed record Refused(int Status, string Title, string Detail, TimeSpan? RetryAfter = null) : Outcome;

    public async Task<Outcome> PostAsync(ConversationCaller caller, Conversation conversation, SendMessageRequest request, string userToken, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var body = request.Body ?? "";
        var attachmentIds = (request.Attachments ?? []).Distinct().ToList();
        var mentions = (request.Mentions ?? []).Distinct().ToList();
        if (string.IsNullOrWhiteSpace(body) && attachmentIds.Count == 0)
        {
            errors["body"] = ["A message has text or attachments."];
        }
        if (body.Length > ConversationRules.MaxBodyLength)
        {
            errors["body"] = [$"At most {ConversationRules.MaxBodyLength} characters."];
        }
        if (attachmentIds.Count > ConversationRules.MaxAttachments)
        {
            errors["attachments"] = [$"At most {ConversationRules.MaxAttachments} documents."];
        }
        var participants = conversation.Participants.Select(p => p.UserId).ToHashSet();
        if (mentions.Count > ConversationRules.MaxMentions || mentions.Any(m => !participants.Contains(m)))
        {
            errors["mentions"] = ["Mention only participants of the conversation."];
        }
        if (request.ReplyToSequence is { } reply && (reply < 1 || reply > conversation.LastSequence))
        {
            errors["replyToSequence"] = ["Answer a message of this conversation (1 to its last sequence number)."];
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        if (request.ClientMessageId is { } replayId && await ExistingAsync(conversation.Id, caller.UserId, replayId, ct) is { } replay)
        {
            return new Posted(MessageView.From(replay), Replayed: true);
        }
        if (await flood.TryAcquireAsync(caller.UserId) is { } wait)
        {
            return new Refused(StatusCodes.Status429TooManyRequests, "Too many messages.",
                $"You are sending messages faster than allowed; try again in {Math.Ceiling(wait.TotalSeconds)} s.", wait);
        }

        var attachments = new List<MessageAttachment>();
        foreach (var documentId in attachmentIds)
        {
            switch (await content.ReadAsync(documentId, userToken, ct))
            {
                case ContentDocuments.Readable { Document: var document } when document.OrganizationId == conversation.OrganizationId:
                    attachments.Add(new MessageAttachment(document.Id, document.Title, document.MediaType));
                    break;
                case ContentDocuments.Readable:
                    return new Invalid(new() { ["attachments"] = [$"Document {documentId} belongs to another organization: attach only this practice's documents."] });
                case ContentDocuments.NotReadable:
                    return new Invalid(new() { ["attachments"] = [$"You may not read document {documentId}, so you cannot attach it."] });
                default:
                    return new Refused(StatusCodes.Status503ServiceUnavailable, "The attachments cannot be checked now.",
                        "Content could not be asked whether you may read the documents. Nothing was sent; send the same message again shortly.",
                        TimeSpan.FromSeconds(5));
            }
        }

        var now = time.GetUtcNow();
        var html = MessageText.ToHtml(body);
        ConversationMessage stored;
        try
        {
            stored = await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                var sequence = (await db.Database.SqlQuery<long>($"""
                    UPDATE conversations SET last_sequence = last_sequence + 1, last_message_at = {now}
                    WHERE id = {conversation.Id} RETURNING last_sequence AS "Value"
                    """).ToListAsync(token)).Single();
                var message = new ConversationMessage
                {
                    OrganizationId = conversation.OrganizationId,
                    ConversationId = conversation.Id,
                    Sequence = sequence,
                    SenderId = caller.UserId,
                    SenderKind = caller.Kind,
                    ClientMessageId = request.ClientMessageId,
                    Body = body,
                    BodyHtml = html,
                    ReplyToSequence = request.ReplyToSequence,
                    Mentions = mentions,
                    Attachments = attachments,
                    CreatedAt = now,
                };
                db.Add(message);
                var mine = await store.OwnStateAsync(caller, conversation, now, token);
                mine.LastReadSequence = sequence;
                mine.LastReadAt = now;
                mine.LastNotifiedSequence = Math.Max(mine.LastNotifiedSequence, sequence);
                QueueShares(caller, conversation, attachments);
                await db.SaveChangesAsync(token);
                await transaction.CommitAsync(token);
                return message;
            }, ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && request.ClientMessageId is { } id)
        {
            // The same message sent twice at once: the other request stored it.
            db.ChangeTracker.Clear();
            return new Posted(MessageView.From((await ExistingAsync(conversation.Id, caller.UserId, id, ct))!), Replayed: true);
        }

        if (attachments.Count > 0)
        {
            outbox.Wake();
        }
        var view = MessageView.From(stored);
        await events.MessageReceivedAsync(ConversationStore.GroupsOf(conversation), view);
        return new Posted(view, Replayed: false);
    }

    /// <summary>
    /// Attaching shares the document with whoever in the conversation may not read it yet: every other participant, and a
    /// patient conversation's care team (its role). Content does it with this service's token, from the outbox, so the
    /// message and its shares cannot part.
    /// </summary>
    private void QueueShares(ConversationCaller caller, Conversation conversation, List<MessageAttachment> attachments)
    {
        foreach (var attachment in attachments)
        {
            foreach (var participant in conversation.Participants.Where(p => p.UserId != caller.UserId))
            {
                db.AddOutboxMessage(AttachmentShareHandler.MessageType, new ContentDocuments.AttachmentShare(
                    conversation.OrganizationId, attachment.DocumentId, caller.UserId, participant.UserId, null));
            }
            if (conversation.RoutedRole is { } role)
            {
                db.AddOutboxMessage(AttachmentShareHandler.MessageType, new ContentDocuments.AttachmentShare(
                    conversation.OrganizationId, attachment.DocumentId, caller.UserId, null, role));
            }
        }
    }

    private Task<ConversationMessage?> ExistingAsync(Guid conversationId, Guid senderId, Guid clientMessageId, CancellationToken ct) =>
        db.Set<ConversationMessage>().AsNoTracking().Include(m => m.Reactions)
            .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.SenderId == senderId && m.ClientMessageId == clientMessageId, ct);
}
