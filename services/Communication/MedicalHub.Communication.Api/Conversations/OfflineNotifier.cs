using System.Security.Claims;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Notifications;
using MedicalHub.Communication.Api.Routing;
using MedicalHub.Data.Tenancy;
using MedicalHub.Data.Work;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// The offline fallback, in every replica: a participant with a message of someone else unread for
/// <see cref="ConversationSettings.OfflineAfter"/>, who has not been connected for that long either, is sent one
/// notification through the delivery engine (their channels, preferences and quiet hours apply, category
/// <see cref="ConversationSettings.NotificationCategory"/>). It never carries the message's text, nor its subject: only
/// that there is a new message, and a link to the web app. A muted conversation notifies only a mention. Participants are
/// claimed with <c>FOR UPDATE SKIP LOCKED</c> (replicas never notify the same one twice) and the notification's
/// idempotency key is the conversation, the user and the sequence number, so a replica that dies mid-way sends nothing twice.
/// </summary>
public sealed partial class OfflineNotifier(IServiceScopeFactory scopes, IOptions<ConversationSettings> settings, TimeProvider time, ILogger<OfflineNotifier> logger)
    : PollingWorker(logger)
{
    protected override int BatchSize => 100;

    protected override TimeSpan PollInterval => settings.Value.OfflineCheckInterval;

    protected override TimeProvider Time => time;

    private sealed record Candidate(Guid ConversationId, Guid UserId, Guid OrganizationId, long LastSequence, string Kind);

    public override async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunicationDbContext>();
        var presence = scope.ServiceProvider.GetRequiredService<Presence>();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = time.GetUtcNow();
            var cutoff = now - settings.Value.OfflineAfter;
            var candidates = await db.Database.SqlQuery<Candidate>($"""
                SELECT p.conversation_id AS "ConversationId", p.user_id AS "UserId", p.organization_id AS "OrganizationId",
                       c.last_sequence AS "LastSequence", p.kind AS "Kind"
                FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id
                WHERE c.last_sequence > GREATEST(p.last_notified_sequence, p.last_read_sequence)
                  AND EXISTS (SELECT 1 FROM conversation_messages m
                              WHERE m.conversation_id = p.conversation_id AND m.sequence > GREATEST(p.last_notified_sequence, p.last_read_sequence)
                                AND m.sender_id <> p.user_id AND m.deleted_at IS NULL AND m.created_at <= {cutoff}
                                AND (NOT p.muted OR p.user_id = ANY(m.mentions)))
                ORDER BY c.last_message_at
                LIMIT {BatchSize}
                FOR UPDATE OF p SKIP LOCKED
                """).ToListAsync(ct);
            foreach (var candidate in candidates)
            {
                var seen = await presence.OfAsync(candidate.OrganizationId, candidate.UserId);
                var away = !seen.Online && (seen.LastSeenAt is null || seen.LastSeenAt < cutoff);
                if (away && !await NotifyAsync(candidate, ct))
                {
                    continue; // Identity could not be asked: the next pass tries again.
                }
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    UPDATE conversation_participants SET last_notified_sequence = GREATEST(last_notified_sequence, {candidate.LastSequence})
                    WHERE conversation_id = {candidate.ConversationId} AND user_id = {candidate.UserId}
                    """, ct);
            }
            await transaction.CommitAsync(ct);
            return candidates.Count;
        }, cancellationToken);
    }

    /// <returns>False when the notification could not be accepted now (to be tried again).</returns>
    private async Task<bool> NotifyAsync(Candidate candidate, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrganizationScope>().ActFor(candidate.OrganizationId);
        var intake = scope.ServiceProvider.GetRequiredService<NotificationIntake>();
        var appUrl = scope.ServiceProvider.GetRequiredService<IOptions<CommunicationSettings>>().Value.AppUrl;
        var link = new Uri(appUrl, $"/messages/{candidate.ConversationId}");
        var patient = candidate.Kind == nameof(ParticipantKind.Patient);
        var request = new SendNotificationRequest(
            new NotificationRecipient(candidate.UserId, null, null, null, null, null),
            settings.Value.NotificationCategory,
            Template: null,
            Data: null,
            Subject: "You have a new message",
            Body: patient
                ? $"Your practice has sent you a new message. Sign in to read it: {link}"
                : $"You have a new message in MedicalHub. Sign in to read it: {link}",
            HtmlBody: null,
            Channels: null,
            SendAt: null,
            IdempotencyKey: $"conversation:{candidate.ConversationId:N}:{candidate.UserId:N}:{candidate.LastSequence}",
            OrganizationId: candidate.OrganizationId);
        var outcome = await intake.AcceptAsync(request, null, ThisService, ct);
        switch (outcome)
        {
            case NotificationIntake.Accepted:
                return true;
            case MemberDirectory.RecipientUnavailable:
                return false;
            default:
                // No address known, or no longer a member: there is nobody to notify.
                LogNotNotified(logger, candidate.UserId, outcome.GetType().Name);
                return true;
        }
    }

    /// <summary>This service acting for an organization, as the intake knows service callers.</summary>
    private static readonly CurrentCaller ThisService = CurrentCaller.From(new ClaimsPrincipal(new ClaimsIdentity(
        [new Claim(ClaimNames.ClientKind, ClientKinds.Service), new Claim(ClaimNames.ClientId, "communication")], "internal")));

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} was not notified of an unread message: {Outcome}")]
    private static partial void LogNotNotified(ILogger logger, Guid userId, string outcome);
}
