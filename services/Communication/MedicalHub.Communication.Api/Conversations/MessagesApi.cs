using System.Globalization;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Data;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Conversations;

public sealed record EditMessageRequest(string? Body);

public sealed record MessageRevisionView(int Revision, string Body, string Change, DateTimeOffset ReplacedAt, Guid ReplacedBy);

public sealed record SearchHit(Guid ConversationId, string? Subject, MessageView Message);

public sealed record SearchPage(SearchHit[] Items, int Page, int PageSize, int Total);

/// <summary>
/// Messages of a conversation (<c>/api/conversations/{id}/messages</c>): send, page through (or fetch what was missed
/// after a sequence number), edit and delete within the edit window (earlier text kept), react, and the search over the
/// caller's own conversations. Every read is recorded in the message access audit.
/// </summary>
public static class MessagesApi
{
    /// <summary>Who reads the earlier texts of edited and deleted messages.</summary>
    public const string AuditPermission = PermissionNames.AuditRead;

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/conversations/{id:guid}/messages").WithTags("Conversations").RequireAuthorization();
        messages.MapPost("/", SendAsync).WithName("SendMessage")
            .WithSummary("Send a message (idempotent per clientMessageId); pushed to the participants' connections once stored");
        messages.MapGet("/", ListAsync).WithName("ListMessages")
            .WithSummary("Messages in sequence order: after a number (what a reconnecting client missed), or the newest page before a number");
        messages.MapPatch("/{sequence:long}", EditAsync).WithName("EditMessage").WithSummary("Change one's own message within the edit window");
        messages.MapDelete("/{sequence:long}", DeleteAsync).WithName("DeleteMessage").WithSummary("Delete one's own message within the edit window");
        messages.MapPut("/{sequence:long}/reactions/{emoji}", ReactAsync).WithName("AddReaction").WithSummary("React to a message");
        messages.MapDelete("/{sequence:long}/reactions/{emoji}", UnreactAsync).WithName("RemoveReaction").WithSummary("Take one's reaction back");
        messages.MapGet("/{sequence:long}/revisions", RevisionsAsync).WithName("ListMessageRevisions")
            .WithSummary("The earlier texts of an edited or deleted message (audit:read)");
        app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization()
            .MapGet("/search", SearchAsync).WithName("SearchMessages").WithSummary("Search the messages of the caller's conversations");
        return app;
    }

    private static async Task<Results<Created<MessageView>, Ok<MessageView>, NotFound, ValidationProblem, ProblemHttpResult>> SendAsync(Guid id,
        SendMessageRequest request, HttpContext http, ConversationStore store, MessagePosting posting, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return ConversationsApi.NoPart();
        }
        if (await store.FindAsync(caller, id, ct) is not { } conversation)
        {
            return TypedResults.NotFound();
        }
        switch (await posting.PostAsync(caller, conversation, request, ConversationsApi.BearerOf(http), ct))
        {
            case MessagePosting.Posted { Replayed: true } replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Ok(replay.Message);
            case MessagePosting.Posted posted:
                return TypedResults.Created($"/api/conversations/{id}/messages/{posted.Message.Sequence}", posted.Message);
            case MessagePosting.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors);
            case MessagePosting.Refused refused:
                if (refused.RetryAfter is { } wait)
                {
                    http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                return TypedResults.Problem(statusCode: refused.Status, title: refused.Title, detail: refused.Detail);
            default:
                throw new InvalidOperationException("Unexpected outcome.");
        }
    }

    private static async Task<Results<Ok<MessagePage>, NotFound, ValidationProblem, ProblemHttpResult>> ListAsync(Guid id, HttpContext http,
        CommunicationDbContext db, ConversationStore store, MessageAccessAudit audit, CancellationToken ct, long? after = null, long? before = null, int limit = 50)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return ConversationsApi.NoPart();
        }
        if (limit is < 1 or > ConversationRules.MaxPageSize || after < 0 || before < 1 || (after is not null && before is not null))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] = [$"limit 1 to {ConversationRules.MaxPageSize}; after ≥ 0 or before ≥ 1, not both."],
            });
        }
        if (await store.FindAsync(caller, id, ct) is not { } conversation)
        {
            return TypedResults.NotFound();
        }
        var query = db.Set<ConversationMessage>().AsNoTracking().Include(m => m.Reactions).Where(m => m.ConversationId == id);
        List<ConversationMessage> page;
        if (after is { } a)
        {
            page = await query.Where(m => m.Sequence > a).OrderBy(m => m.Sequence).Take(limit + 1).ToListAsync(ct);
        }
        else
        {
            var upper = before ?? long.MaxValue;
            page = await query.Where(m => m.Sequence < upper).OrderByDescending(m => m.Sequence).Take(limit + 1).ToListAsync(ct);
            page.Reverse();
        }
        var hasMore = page.Count > limit;
        if (hasMore)
        {
            page = after is not null ? page[..limit] : page[1..];
        }
        if (page.Count > 0)
        {
            await audit.RecordAsync(caller, http, new MessageAccess(MessageAccessActions.Read, id, PatientOf(conversation), page.Count,
                $"sequences {page[0].Sequence}-{page[^1].Sequence}"), ct);
        }
        return TypedResults.Ok(new MessagePage([.. page.Select(MessageView.From)], conversation.LastSequence, hasMore));
    }

    private static async Task<Results<Ok<MessageView>, NotFound, ValidationProblem, ProblemHttpResult>> EditAsync(Guid id, long sequence, EditMessageRequest request,
        HttpContext http, CommunicationDbContext db, ConversationStore store, ConversationEvents events, MessageAccessAudit audit,
        IOptions<ConversationSettings> settings, TimeProvider time, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return ConversationsApi.NoPart();
        }
        var body = request.Body ?? "";
        if (string.IsNullOrWhiteSpace(body) || body.Length > ConversationRules.MaxBodyLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"1 to {ConversationRules.MaxBodyLength} characters (delete a message to remove it)."] });
        }
        return await ChangeOwnMessageAsync(id, sequence, caller, http, db, store, events, audit, settings, time, MessageAccessActions.Edit, (message, now) =>
        {
            message.Body = body;
            message.BodyHtml = MessageText.ToHtml(body);
            message.EditedAt = now;
        }, ct);
    }

    private static async Task<Results<Ok<MessageView>, NotFound, ValidationProblem, ProblemHttpResult>> DeleteAsync(Guid id, long sequence, HttpContext http,
        CommunicationDbContext db, ConversationStore store, ConversationEvents events, MessageAccessAudit audit, IOptions<ConversationSettings> settings,
        TimeProvider time, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return ConversationsApi.NoPart();
        }
        return await ChangeOwnMessageAsync(id, sequence, caller, http, db, store, events, audit, settings, time, MessageAccessActions.Delete, (message, now) =>
        {
            message.Body = "";
            message.BodyHtml = "";
            message.Attachments = [];
            message.DeletedAt = now;
            message.DeletedBy = caller.UserId;
        }, ct);
    }

    /// <summary>
    /// An edit or a deletion: only the author, only within the edit window, never of a deleted message. The text it
    /// replaces is kept as a revision, in the transaction of the change, with the audit record.
    /// </summary>
    private static async Task<Results<Ok<MessageView>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeOwnMessageAsync(Guid id, long sequence,
        ConversationCaller caller, HttpContext http, CommunicationDbContext db, ConversationStore store, ConversationEvents events, MessageAccessAudit audit,
        IOptions<ConversationSettings> settings, TimeProvider time, string action, Action<ConversationMessage, DateTimeOffset> change, CancellationToken ct)
    {
        if (await store.FindAsync(caller, id, ct) is not { } conversation)
        {
            return TypedResults.NotFound();
        }
        var now = time.GetUtcNow();
        var outcome = await db.Database.CreateExecutionStrategy().ExecuteAsync<(ProblemHttpResult? Refusal, ConversationMessage? Message)>(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var message = await db.Set<ConversationMessage>()
                .FromSqlInterpolated($"SELECT * FROM conversation_messages WHERE conversation_id = {id} AND sequence = {sequence} FOR UPDATE")
                .Include(m => m.Reactions).SingleOrDefaultAsync(token);
            if (message is null)
            {
                return (null, null);
            }
            if (message.SenderId != caller.UserId)
            {
                return (TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your message.", detail: "Only its author changes a message."), null);
            }
            if (message.DeletedAt is not null)
            {
                return (TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The message is deleted."), null);
            }
            if (now - message.CreatedAt > settings.Value.EditWindow)
            {
                return (TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Too late to change this message.",
                    detail: $"Messages can be edited or deleted within {settings.Value.EditWindow.TotalMinutes:0} minutes of sending."), null);
            }
            db.Add(new MessageRevision
            {
                OrganizationId = message.OrganizationId,
                MessageId = message.Id,
                Revision = message.Revision,
                Body = message.Body,
                ReplacedAt = now,
                ReplacedBy = caller.UserId,
                Change = action == MessageAccessActions.Delete ? "deleted" : "edited",
            });
            change(message, now);
            message.Revision++;
            await db.SaveChangesAsync(token);
            await audit.RecordWithinTransactionAsync(db, caller, http, new MessageAccess(action, id, PatientOf(conversation), 1, $"sequence {sequence}"), token);
            await transaction.CommitAsync(token);
            return (null, message);
        }, ct);
        if (outcome.Message is { } changed)
        {
            var view = MessageView.From(changed);
            await events.MessageChangedAsync(ConversationStore.GroupsOf(conversation), view);
            return TypedResults.Ok(view);
        }
        return outcome.Refusal is { } problem ? problem : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<MessageView>, NotFound, ValidationProblem, ProblemHttpResult>> ReactAsync(Guid id, long sequence, string emoji,
        HttpContext http, CommunicationDbContext db, ConversationStore store, ConversationEvents events, TimeProvider time, CancellationToken ct) =>
        await ChangeReactionAsync(id, sequence, emoji, add: true, http, db, store, events, time, ct);

    private static async Task<Results<Ok<MessageView>, NotFound, ValidationProblem, ProblemHttpResult>> UnreactAsync(Guid id, long sequence, string emoji,
        HttpContext http, CommunicationDbContext db, ConversationStore store, ConversationEvents events, TimeProvider time, CancellationToken ct) =>
        await ChangeReactionAsync(id, sequence, emoji, add: false, http, db, store, events, time, ct);

    private static async Task<Results<Ok<MessageView>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeReactionAsync(Guid id, long sequence, string emoji,
        bool add, HttpContext http, CommunicationDbContext db, ConversationStore store, ConversationEvents events, TimeProvider time, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return ConversationsApi.NoPart();
        }
        if (!ConversationRules.IsReaction(emoji))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["emoji"] = [$"One emoji or short name, at most {ConversationRules.MaxEmojiLength} characters, no spaces."] });
        }
        if (await store.FindAsync(caller, id, ct) is not { } conversation)
        {
            return TypedResults.NotFound();
        }
        var message = await db.Set<ConversationMessage>().AsNoTracking().SingleOrDefaultAsync(m => m.ConversationId == id && m.Sequence == sequence, ct);
        if (message is null)
        {
            return TypedResults.NotFound();
        }
        if (message.DeletedAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The message is deleted.");
        }
        if (add)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO message_reactions (message_id, user_id, emoji, organization_id, created_at)
                VALUES ({message.Id}, {caller.UserId}, {emoji}, {message.OrganizationId}, {time.GetUtcNow()})
                ON CONFLICT DO NOTHING
                """, ct);
        }
        else
        {
            await db.Set<MessageReaction>().Where(r => r.MessageId == message.Id && r.UserId == caller.UserId && r.Emoji == emoji).ExecuteDeleteAsync(ct);
        }
        var view = MessageView.From(await db.Set<ConversationMessage>().AsNoTracking().Include(m => m.Reactions).SingleAsync(m => m.Id == message.Id, ct));
        await events.MessageChangedAsync(ConversationStore.GroupsOf(conversation), view);
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<MessageRevisionView[]>, NotFound, ProblemHttpResult>> RevisionsAsync(Guid id, long sequence, HttpContext http,
        CommunicationDbContext db, ConversationStore store, MessageAccessAudit audit, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { IsPatient: false } caller || !http.User.HasClaim(ClaimNames.Permission, AuditPermission))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Earlier texts are for the audit.",
                detail: $"Reading them needs the permission {AuditPermission}.");
        }
        // The audit sees every conversation of the organization, not only the auditor's own.
        var conversation = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        var message = conversation is null ? null
            : await db.Set<ConversationMessage>().AsNoTracking().SingleOrDefaultAsync(m => m.ConversationId == id && m.Sequence == sequence, ct);
        if (message is null)
        {
            return TypedResults.NotFound();
        }
        var revisions = await db.Set<MessageRevision>().AsNoTracking().Where(r => r.MessageId == message.Id).OrderBy(r => r.Revision).ToListAsync(ct);
        await audit.RecordAsync(caller, http, new MessageAccess(MessageAccessActions.Read, id, PatientOf(conversation!), revisions.Count,
            $"revisions of sequence {sequence}"), ct);
        return TypedResults.Ok(revisions.Select(r => new MessageRevisionView(r.Revision, r.Body, r.Change, r.ReplacedAt, r.ReplacedBy)).ToArray());
    }

    private static async Task<Results<Ok<SearchPage>, ValidationProblem, ProblemHttpResult>> SearchAsync(HttpContext http, CommunicationDbContext db,
        ConversationStore store, MessageAccessAudit audit, CancellationToken ct, string? q = null, int page = 1, int pageSize = 50)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return ConversationsApi.NoPart();
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(q) || q.Length > 200)
        {
            errors["q"] = ["Words to look for, 1 to 200 characters."];
        }
        Paging.AddErrors(errors, page, pageSize);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var visible = store.Visible(caller);
        var matches = db.Set<ConversationMessage>().AsNoTracking()
            .Where(m => m.DeletedAt == null && visible.Any(c => c.Id == m.ConversationId)
                && EF.Property<NpgsqlTypes.NpgsqlTsVector>(m, "SearchVector").Matches(EF.Functions.WebSearchToTsQuery("simple", q!)));
        var total = await matches.CountAsync(ct);
        var hits = await matches.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Include(m => m.Reactions).ToListAsync(ct);
        var subjects = await db.Conversations.AsNoTracking().Where(c => hits.Select(h => h.ConversationId).Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Subject, ct);
        await audit.RecordAsync(caller, http, new MessageAccess(MessageAccessActions.Search, null, caller.PatientId, hits.Count), ct);
        return TypedResults.Ok(new SearchPage([.. hits.Select(m => new SearchHit(m.ConversationId, subjects.GetValueOrDefault(m.ConversationId), MessageView.From(m)))],
            page, pageSize, total));
    }

    private static Guid? PatientOf(Conversation conversation) =>
        conversation.PatientId ?? (conversation.LinkType == ConversationLinkType.Patient ? conversation.LinkId : null);
}
