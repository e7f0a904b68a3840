using MedicalHub.Communication.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// Which conversations a caller sees, in one place (the API, the hub and the search use it). Always within the token's
/// organization (the context's organization filter), and then: staff see the conversations they take part in and the
/// patient conversations routed to one of their roles; a patient sees only their own patient conversations (those of
/// the record their token is linked to, in which they take part). Anything else is simply not found (404).
/// </summary>
public sealed class ConversationStore(CommunicationDbContext db)
{
    public IQueryable<Conversation> Visible(ConversationCaller caller)
    {
        var me = caller.UserId;
        if (caller.IsPatient)
        {
            var patientId = caller.PatientId;
            return db.Conversations.Where(c => c.Kind == ConversationKind.Patient && c.PatientId == patientId && c.Participants.Any(p => p.UserId == me));
        }
        var roles = caller.Roles.ToList();
        return db.Conversations.Where(c => c.Participants.Any(p => p.UserId == me) || (c.RoutedRole != null && roles.Contains(c.RoutedRole)));
    }

    public Task<Conversation?> FindAsync(ConversationCaller caller, Guid id, CancellationToken ct) =>
        Visible(caller).AsNoTracking().Include(c => c.Participants).AsSplitQuery().SingleOrDefaultAsync(c => c.Id == id, ct);

    /// <summary>The caller's own state in a conversation; a care-team member's row is made the first time they need one.</summary>
    public async Task<ConversationParticipant> OwnStateAsync(ConversationCaller caller, Conversation conversation, DateTimeOffset now, CancellationToken ct)
    {
        var mine = await db.Set<ConversationParticipant>().SingleOrDefaultAsync(p => p.ConversationId == conversation.Id && p.UserId == caller.UserId, ct);
        if (mine is not null)
        {
            return mine;
        }
        // Made with ON CONFLICT: two requests of one care-team member at once make one row.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO conversation_participants (conversation_id, user_id, organization_id, kind, joined_at, last_read_sequence, muted, last_notified_sequence)
            VALUES ({conversation.Id}, {caller.UserId}, {conversation.OrganizationId}, {caller.Kind.ToString()}, {now}, 0, false, 0)
            ON CONFLICT (conversation_id, user_id) DO NOTHING
            """, ct);
        return await db.Set<ConversationParticipant>().SingleAsync(p => p.ConversationId == conversation.Id && p.UserId == caller.UserId, ct);
    }

    /// <summary>The groups whose connections see the conversation's events.</summary>
    public static IReadOnlyList<string> GroupsOf(Conversation conversation) =>
        ConversationEvents.GroupsOf(conversation, conversation.Participants.Select(p => p.UserId));
}
