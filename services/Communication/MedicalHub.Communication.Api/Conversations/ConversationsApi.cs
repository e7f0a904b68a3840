using System.Globalization;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Notifications;
using MedicalHub.Data;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MedicalHub.Communication.Api.Conversations;

public sealed record ConversationLinkRequest(string? Type, Guid? Id);

/// <param name="Kind"><c>direct</c>, <c>group</c> or <c>patient</c>.</param>
/// <param name="ParticipantIds">Staff of the organization besides the caller (direct: exactly one; group: 1 to 99).</param>
/// <param name="PatientUserId">A patient conversation started by staff: the patient's portal account.</param>
/// <param name="PatientId">A patient conversation: the patient's record in Content (a patient's own token names it already).</param>
/// <param name="RoutedRole">A patient conversation: the role that answers (e.g. <c>Receptionist</c>).</param>
public sealed record CreateConversationRequest(string? Kind, string? Subject, Guid[]? ParticipantIds, Guid? PatientUserId, Guid? PatientId,
    string? RoutedRole, ConversationLinkRequest? Link);

/// <summary>The caller's own state in a conversation; only the fields sent change.</summary>
public sealed record OwnStateRequest(bool? Archived, bool? Muted);

public sealed record ReadRequest(long Sequence);

public sealed record RetentionView(int? RetentionDays);

/// <summary>
/// Conversations (<c>/api/conversations</c>): start one, list the caller's with their unread counts, open one, mark it
/// read, archive or mute it, the unread totals, who is online, the organization's retention, and the export of a patient
/// conversation into the patient's record. Scoped to the token's organization; a conversation the caller may not see is
/// 404, never 403. Messages: <see cref="MessagesApi"/>.
/// </summary>
public static class ConversationsApi
{
    /// <summary>Who may set the organization's retention.</summary>
    public const string ManagePermission = PermissionNames.OrgManage;

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        conversations.MapPost("/", CreateAsync).WithName("CreateConversation")
            .WithSummary("Start a direct, group or patient conversation (a direct one that exists already is answered as it is)");
        conversations.MapGet("/", ListAsync).WithName("ListConversations")
            .WithSummary("The caller's conversations, most recent activity first, with their unread counts and last sequence numbers");
        conversations.MapGet("/{id:guid}", GetAsync).WithName("GetConversation").WithSummary("One conversation, with its participants' read marks");
        conversations.MapPatch("/{id:guid}/me", UpdateOwnStateAsync).WithName("UpdateOwnConversationState").WithSummary("Archive or mute a conversation for oneself");
        conversations.MapPost("/{id:guid}/read", ReadAsync).WithName("MarkConversationRead")
            .WithSummary("Mark the conversation read up to a sequence number (a read receipt for the other participants)");
        conversations.MapGet("/unread", UnreadAsync).WithName("GetUnreadCounts").WithSummary("Unread messages per conversation and in total");
        conversations.MapGet("/presence", PresenceAsync).WithName("GetPresence").WithSummary("Whether colleagues are connected now, and when they last were");
        conversations.MapGet("/settings/retention", GetRetentionAsync).WithName("GetConversationRetention")
            .WithSummary("How long the organization keeps messages");
        conversations.MapPut("/settings/retention", SetRetentionAsync).WithName("SetConversationRetention")
            .WithSummary("Set how long the organization keeps messages (org:manage)");
        conversations.MapPost("/{id:guid}/export", ExportAsync).WithName("ExportConversation")
            .WithSummary("Write a patient conversation into the patient's record, as a Content document");
        return app;
    }

    internal static ProblemHttpResult NoPart() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "No part in conversations.", detail: "Conversations are for the organization's staff (permission messages:send) and its patients' portal accounts.");

    private static async Task<Results<Created<ConversationView>, Ok<ConversationView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateConversationRequest request, HttpContext http, CommunicationDbContext db, ConversationStore store, MemberDirectory members,
        ContentDocuments content, ConversationEvents events, TimeProvider time, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return NoPart();
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ConversationKind kind = default;
        if (request.Kind is null || !Enum.TryParse(request.Kind, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(request.Kind, out _))
        {
            errors["kind"] = ["One of direct, group, patient."];
        }
        var subject = request.Subject?.Trim();
        if (subject is { Length: > ConversationRules.MaxSubjectLength } || subject?.Any(char.IsControl) == true)
        {
            errors["subject"] = [$"At most {ConversationRules.MaxSubjectLength} characters, no control characters."];
        }
        if (kind == ConversationKind.Group && string.IsNullOrEmpty(subject))
        {
            errors["subject"] = ["A group conversation has a subject."];
        }
        ConversationLinkType? linkType = null;
        if (request.Link is { } link)
        {
            if (link.Type is null || !Enum.TryParse<ConversationLinkType>(link.Type, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(link.Type, out _))
            {
                errors["link.type"] = ["One of patient, document, task."];
            }
            else
            {
                linkType = parsed;
            }
            if (link.Id is null || link.Id == Guid.Empty)
            {
                errors["link.id"] = ["The id of what the conversation is about."];
            }
        }
        var participantIds = (request.ParticipantIds ?? []).Distinct().ToList();
        if (kind == ConversationKind.Patient && (!ConversationRules.IsRoleName(request.RoutedRole) || request.RoutedRole == RoleNames.Patient))
        {
            errors["routedRole"] = ["A patient conversation is routed to a role of the practice (e.g. Receptionist): 1 to 100 characters."];
        }
        if (kind != ConversationKind.Patient && (request.RoutedRole is not null || request.PatientId is not null || request.PatientUserId is not null))
        {
            errors["routedRole"] = ["Only a patient conversation has a routed role, a patient and a patient's account."];
        }
        if (kind == ConversationKind.Patient && !caller.IsPatient && request.PatientId is null)
        {
            errors["patientId"] = ["A patient conversation names the patient's record."];
        }
        if (caller.IsPatient && request.PatientId is { } ownRecord && ownRecord != caller.PatientId)
        {
            errors["patientId"] = ["A patient's conversations are about their own record."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (ConversationRules.WhoMayBeAddressed(caller, kind, participantIds, request.PatientUserId) is { } refusal)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "These participants cannot be addressed.", detail: refusal);
        }

        // Everyone named must be an active member of this organization (Identity decides; another organization's user is
        // unknown here, like a user who does not exist).
        // Staff are named as participants, a patient's portal account as the patient of a patient conversation about their
        // own record: a patient account is never a staff participant, and never the patient of another record.
        var patientId = caller.IsPatient ? caller.PatientId : request.PatientId;
        var patientOfConversation = kind == ConversationKind.Patient && !caller.IsPatient;
        List<Guid> named = patientOfConversation ? [request.PatientUserId!.Value] : participantIds;
        foreach (var userId in named)
        {
            switch (await members.FindAsync(caller.OrganizationId, userId, ct))
            {
                case MemberDirectory.Found { Contact.PatientId: var linkedRecord } when patientOfConversation ? linkedRecord != patientId : linkedRecord is not null:
                    return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "These participants cannot be addressed.",
                        detail: patientOfConversation
                            ? $"The user {userId} is not the portal account of the patient {patientId}."
                            : $"The user {userId} is a patient's portal account: write to patients in a patient conversation.");
                case MemberDirectory.NotAMember:
                    return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unknown participant.",
                        detail: $"No active member of this organization has the user id {userId}.");
                case MemberDirectory.Unavailable:
                    http.Response.Headers.RetryAfter = "5";
                    return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The participants cannot be checked now.",
                        detail: "Identity could not be asked whether they are members. Nothing was created; try again shortly.");
            }
        }
        if (patientOfConversation)
        {
            switch (await content.FindPatientAsync(patientId!.Value, BearerOf(http), ct))
            {
                case ContentDocuments.NotReadable:
                    return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unknown patient.",
                        detail: "No patient of this organization has this id.");
                case ContentDocuments.Unavailable:
                    http.Response.Headers.RetryAfter = "5";
                    return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The patient cannot be checked now.",
                        detail: "Content could not be asked about the patient. Nothing was created; try again shortly.");
            }
        }

        var now = time.GetUtcNow();
        var directKey = kind == ConversationKind.Direct ? ConversationRules.DirectKey(caller.UserId, participantIds[0]) : null;
        if (directKey is not null && await ExistingDirectAsync(db, directKey, ct) is { } existing)
        {
            return TypedResults.Ok(await ViewAsync(db, store, caller, existing.Id, ct));
        }
        var conversation = new Conversation
        {
            OrganizationId = caller.OrganizationId,
            Kind = kind,
            Subject = string.IsNullOrEmpty(subject) ? null : subject,
            LinkType = linkType,
            LinkId = request.Link?.Id,
            RoutedRole = kind == ConversationKind.Patient ? request.RoutedRole : null,
            PatientId = kind == ConversationKind.Patient ? patientId : null,
            DirectKey = directKey,
            CreatedBy = caller.UserId,
            CreatedAt = now,
        };
        conversation.Participants.Add(Participant(conversation, caller.UserId, caller.Kind, now));
        foreach (var userId in participantIds)
        {
            conversation.Participants.Add(Participant(conversation, userId, ParticipantKind.Staff, now));
        }
        if (kind == ConversationKind.Patient && !caller.IsPatient)
        {
            conversation.Participants.Add(Participant(conversation, request.PatientUserId!.Value, ParticipantKind.Patient, now));
        }
        db.Add(conversation);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && directKey is not null)
        {
            // Both started the same direct conversation at once: the other request made it.
            db.ChangeTracker.Clear();
            return TypedResults.Ok(await ViewAsync(db, store, caller, (await ExistingDirectAsync(db, directKey, ct))!.Id, ct));
        }
        await events.ConversationChangedAsync(ConversationStore.GroupsOf(conversation), new ConversationNotice(conversation.Id, 0));
        return TypedResults.Created($"/api/conversations/{conversation.Id}", await ViewAsync(db, store, caller, conversation.Id, ct));
    }

    private static ConversationParticipant Participant(Conversation conversation, Guid userId, ParticipantKind kind, DateTimeOffset now) =>
        new() { ConversationId = conversation.Id, OrganizationId = conversation.OrganizationId, UserId = userId, Kind = kind, JoinedAt = now };

    private static Task<Conversation?> ExistingDirectAsync(CommunicationDbContext db, string directKey, CancellationToken ct) =>
        db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.DirectKey == directKey, ct);

    private static async Task<Results<Ok<ConversationPage>, ValidationProblem, ProblemHttpResult>> ListAsync(HttpContext http, CommunicationDbContext db,
        ConversationStore store, CancellationToken ct, bool archived = false, int page = 1, int pageSize = 50)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return NoPart();
        }
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var me = caller.UserId;
        var query = store.Visible(caller).Where(c => db.Set<ConversationParticipant>()
            .Any(p => p.ConversationId == c.Id && p.UserId == me && p.ArchivedAt != null) == archived);
        var total = await query.CountAsync(ct);
        var ids = await query.OrderByDescending(c => c.LastMessageAt ?? c.CreatedAt).ThenByDescending(c => c.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(new ConversationPage([.. await ViewsAsync(db, store, caller, ids, ct)], page, pageSize, total));
    }

    private static async Task<Results<Ok<ConversationView>, NotFound, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, CommunicationDbContext db,
        ConversationStore store, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return NoPart();
        }
        var views = await ViewsAsync(db, store, caller, [id], ct);
        return views.Count == 0 ? TypedResults.NotFound() : TypedResults.Ok(views[0]);
    }

    private static async Task<Results<Ok<ConversationView>, NotFound, ProblemHttpResult>> UpdateOwnStateAsync(Guid id, OwnStateRequest request, HttpContext http,
        CommunicationDbContext db, ConversationStore store, TimeProvider time, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return NoPart();
        }
        if (await store.FindAsync(caller, id, ct) is not { } conversation)
        {
            return TypedResults.NotFound();
        }
        var now = time.GetUtcNow();
        var mine = await store.OwnStateAsync(caller, conversation, now, ct);
        if (request.Archived is { } archive)
        {
            mine.ArchivedAt = archive ? mine.ArchivedAt ?? now : null;
        }
        if (request.Muted is { } mute)
        {
            mine.Muted = mute;
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, store, caller, id, ct));
    }

    private static async Task<Results<Ok<ReadReceipt>, NotFound, ValidationProblem, ProblemHttpResult>> ReadAsync(Guid id, ReadRequest request, HttpContext http,
        CommunicationDbContext db, ConversationStore store, ConversationEvents events, TimeProvider time, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return NoPart();
        }
        if (await store.FindAsync(caller, id, ct) is not { } conversation)
        {
            return TypedResults.NotFound();
        }
        if (request.Sequence < 0 || request.Sequence > conversation.LastSequence)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sequence"] = [$"From 0 to the conversation's last sequence number ({conversation.LastSequence})."] });
        }
        var now = time.GetUtcNow();
        var mine = await store.OwnStateAsync(caller, conversation, now, ct);
        if (request.Sequence > mine.LastReadSequence)
        {
            // Read marks only move forward (two devices marking at once keep the furthest).
            await db.Set<ConversationParticipant>().Where(p => p.ConversationId == id && p.UserId == caller.UserId && p.LastReadSequence < request.Sequence)
                .ExecuteUpdateAsync(p => p.SetProperty(x => x.LastReadSequence, request.Sequence).SetProperty(x => x.LastReadAt, now), ct);
            var receipt = new ReadReceipt(id, caller.UserId, request.Sequence, now);
            await events.ReadReceiptAsync(ConversationStore.GroupsOf(conversation), receipt);
            return TypedResults.Ok(receipt);
        }
        return TypedResults.Ok(new ReadReceipt(id, caller.UserId, mine.LastReadSequence, mine.LastReadAt ?? now));
    }

    private static async Task<Results<Ok<UnreadCounts>, ProblemHttpResult>> UnreadAsync(HttpContext http, CommunicationDbContext db, ConversationStore store,
        CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { } caller)
        {
            return NoPart();
        }
        var visible = store.Visible(caller).Select(c => c.Id);
        var counts = await UnreadQuery(db, caller.UserId, visible).ToListAsync(ct);
        var me = caller.UserId;
        var quiet = (await db.Set<ConversationParticipant>().Where(p => p.UserId == me && (p.Muted || p.ArchivedAt != null))
            .Select(p => p.ConversationId).ToListAsync(ct)).ToHashSet();
        return TypedResults.Ok(new UnreadCounts(counts.Where(c => !quiet.Contains(c.ConversationId)).Sum(c => c.Unread),
            [.. counts.OrderBy(c => c.ConversationId)]));
    }

    /// <summary>Per conversation: the messages of others, not deleted, after the caller's read mark; and how many of them mention the caller.</summary>
    private static IQueryable<UnreadConversation> UnreadQuery(CommunicationDbContext db, Guid me, IQueryable<Guid> conversationIds) =>
        db.Set<ConversationMessage>()
            .Where(m => conversationIds.Contains(m.ConversationId) && m.SenderId != me && m.DeletedAt == null
                && m.Sequence > (db.Set<ConversationParticipant>().Where(p => p.ConversationId == m.ConversationId && p.UserId == me)
                    .Select(p => (long?)p.LastReadSequence).FirstOrDefault() ?? 0))
            .GroupBy(m => m.ConversationId)
            .Select(g => new UnreadConversation(g.Key, g.LongCount(), g.LongCount(m => m.Mentions.Contains(me))));

    private static async Task<Results<Ok<PresenceView[]>, ValidationProblem, ProblemHttpResult>> PresenceAsync(HttpContext http, Presence presence,
        CancellationToken ct, Guid[]? userId = null)
    {
        if (ConversationCaller.From(http.User) is not { IsPatient: false } caller)
        {
            return NoPart();
        }
        if (userId is null || userId.Length is 0 or > ConversationRules.MaxParticipants)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = [$"1 to {ConversationRules.MaxParticipants} user ids (?userId=…&userId=…)."] });
        }
        var views = new List<PresenceView>();
        foreach (var id in userId.Distinct())
        {
            views.Add(await presence.OfAsync(caller.OrganizationId, id));
        }
        return TypedResults.Ok(views.ToArray());
    }

    private static async Task<Results<Ok<RetentionView>, ProblemHttpResult>> GetRetentionAsync(HttpContext http, CommunicationDbContext db, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { IsPatient: false })
        {
            return NoPart();
        }
        var retention = await db.Set<ConversationRetention>().AsNoTracking().SingleOrDefaultAsync(ct);
        return TypedResults.Ok(new RetentionView(retention?.RetentionDays));
    }

    private static async Task<Results<Ok<RetentionView>, ValidationProblem, ProblemHttpResult>> SetRetentionAsync(RetentionView request, HttpContext http,
        CommunicationDbContext db, Microsoft.Extensions.Options.IOptions<ConversationSettings> settings, TimeProvider time, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { IsPatient: false } caller || !http.User.HasClaim(ClaimNames.Permission, ManagePermission))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Retention is the organization's administrators' to set.",
                detail: $"Setting it needs the permission {ManagePermission}.");
        }
        var minimum = settings.Value.MinimumRetentionDays;
        if (request.RetentionDays is { } days && (days < minimum || days > 36500))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["retentionDays"] = [$"From {minimum} to 36500 days, or null to keep messages for ever."] });
        }
        var retention = await db.Set<ConversationRetention>().SingleOrDefaultAsync(ct);
        if (retention is null)
        {
            db.Add(retention = new ConversationRetention { OrganizationId = caller.OrganizationId });
        }
        retention.RetentionDays = request.RetentionDays;
        retention.UpdatedAt = time.GetUtcNow();
        retention.UpdatedBy = caller.UserId;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new RetentionView(retention.RetentionDays));
    }

    private static async Task<Results<Created<ExportedConversation>, NotFound, ProblemHttpResult>> ExportAsync(Guid id, HttpContext http,
        CommunicationDbContext db, ConversationStore store, ContentDocuments content, MessageAccessAudit audit, TimeProvider time, CancellationToken ct)
    {
        if (ConversationCaller.From(http.User) is not { IsPatient: false } caller)
        {
            return ConversationCaller.From(http.User) is null ? NoPart()
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Exports are made by the practice.");
        }
        if (await store.FindAsync(caller, id, ct) is not { } conversation)
        {
            return TypedResults.NotFound();
        }
        var patientId = conversation.PatientId ?? (conversation.LinkType == ConversationLinkType.Patient ? conversation.LinkId : null);
        if (patientId is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not a patient's conversation.",
                detail: "Only a patient conversation, or one linked to a patient, is written into a patient's record.");
        }
        var messages = await db.Set<ConversationMessage>().AsNoTracking().Where(m => m.ConversationId == id).OrderBy(m => m.Sequence).ToListAsync(ct);
        var transcript = ConversationTranscript.Write(conversation, messages, time.GetUtcNow());
        var title = $"Conversation: {conversation.Subject ?? ConversationNames.Kind(conversation.Kind)} ({time.GetUtcNow():yyyy-MM-dd})";
        switch (await content.UploadTextAsync(transcript, title.Length > 500 ? title[..500] : title, "clinical-note", patientId.Value,
                    $"conversation-{conversation.Id:N}.txt", BearerOf(http), ct))
        {
            case ContentDocuments.Uploaded { DocumentId: var documentId }:
                await audit.RecordAsync(caller, http, new MessageAccess(MessageAccessActions.Export, id, patientId, messages.Count,
                    $"document {documentId}"), ct);
                return TypedResults.Created($"/api/documents/{documentId}", new ExportedConversation(documentId, patientId.Value, messages.Count));
            case ContentDocuments.Refused refused:
                if (refused.Status == StatusCodes.Status503ServiceUnavailable)
                {
                    http.Response.Headers.RetryAfter = "5";
                }
                return TypedResults.Problem(statusCode: refused.Status, title: refused.Title ?? "Content refused the export.", detail: refused.Detail);
            default:
                throw new InvalidOperationException("Unexpected upload outcome.");
        }
    }

    /// <summary>The access token of the request (relayed to Content, which applies the user's own rights).</summary>
    internal static string BearerOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim()
            : http.Request.Query["access_token"].ToString();
    }

    internal static async Task<ConversationView> ViewAsync(CommunicationDbContext db, ConversationStore store, ConversationCaller caller, Guid id, CancellationToken ct) =>
        (await ViewsAsync(db, store, caller, [id], ct)).Single();

    /// <summary>The conversations (visible to the caller) in the order of <paramref name="ids"/>, with the caller's state and unread counts.</summary>
    internal static async Task<List<ConversationView>> ViewsAsync(CommunicationDbContext db, ConversationStore store, ConversationCaller caller,
        IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var conversations = await store.Visible(caller).AsNoTracking().Include(c => c.Participants).AsSplitQuery()
            .Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        var unread = (await UnreadQuery(db, caller.UserId, db.Conversations.Where(c => ids.Contains(c.Id)).Select(c => c.Id)).ToListAsync(ct))
            .ToDictionary(u => u.ConversationId, u => u.Unread);
        var byId = conversations.ToDictionary(c => c.Id);
        return [.. ids.Where(byId.ContainsKey).Select(id =>
        {
            var c = byId[id];
            var mine = c.Participants.SingleOrDefault(p => p.UserId == caller.UserId);
            return new ConversationView(c.Id, ConversationNames.Kind(c.Kind), c.Subject,
                c.LinkType is { } type ? new ConversationLinkView(ConversationNames.Link(type)!, c.LinkId!.Value) : null,
                c.RoutedRole, c.PatientId, c.CreatedBy, c.CreatedAt, c.LastSequence, c.LastMessageAt, mine?.LastReadSequence ?? 0,
                unread.GetValueOrDefault(c.Id), mine?.ArchivedAt is not null, mine?.Muted ?? false,
                [.. c.Participants.OrderBy(p => p.JoinedAt).ThenBy(p => p.UserId)
                    .Select(p => new ParticipantView(p.UserId, MessageView.Name(p.Kind), p.LastReadSequence, p.LastReadAt))]);
        })];
    }
}

public sealed record ExportedConversation(Guid DocumentId, Guid PatientId, int Messages);

/// <summary>A conversation written as plain text for the patient's record: who wrote what, when, with each edit's state as it is now.</summary>
public static class ConversationTranscript
{
    public static string Write(Conversation conversation, IReadOnlyList<ConversationMessage> messages, DateTimeOffset exportedAt)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Conversation {conversation.Id}");
        if (conversation.Subject is { } subject)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Subject: {subject}");
        }
        if (conversation.RoutedRole is { } role)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Care team: {role}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"Exported: {exportedAt:yyyy-MM-dd HH:mm:ss} UTC, {messages.Count} messages");
        foreach (var m in messages)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"#{m.Sequence} {m.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC, {MessageView.Name(m.SenderKind)} {m.SenderId}{(m.EditedAt is { } e ? $" (edited {e:yyyy-MM-dd HH:mm:ss} UTC)" : "")}");
            text.AppendLine(m.DeletedAt is { } d ? $"(deleted {d:yyyy-MM-dd HH:mm:ss} UTC)" : m.Body);
            foreach (var a in m.Attachments)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"[attachment: document {a.DocumentId}{(a.Title is null ? "" : $", {a.Title}")}]");
            }
        }
        return text.ToString();
    }
}
