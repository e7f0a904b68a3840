using Microsoft.AspNetCore.SignalR;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// What the hub pushes to connected clients, after the change is committed. Through the Redis backplane every replica's
/// connections receive it. A push is a convenience for speed, never the only way to learn of a message: a client that
/// missed one (disconnected, or a replica died between the commit and the push) sees a gap in the sequence numbers, or a
/// conversation's <c>lastSequence</c> ahead of what it holds, and fetches what it lacks.
/// </summary>
public sealed class ConversationEvents(IHubContext<ConversationHub> hub)
{
    /// <summary>The client methods (what the stock SignalR clients register with <c>connection.on(...)</c>).</summary>
    public static class Methods
    {
        public const string MessageReceived = "messageReceived";
        public const string MessageChanged = "messageChanged";
        public const string ReadReceipt = "readReceipt";
        public const string Typing = "typing";
        public const string Presence = "presence";
        public const string ConversationChanged = "conversationChanged";
    }

    /// <summary>The groups whose connections see a conversation: each participant's, and a patient conversation's care team (the role).</summary>
    public static IReadOnlyList<string> GroupsOf(Conversation conversation, IEnumerable<Guid> participantIds)
    {
        var groups = participantIds.Select(u => ConversationGroups.User(conversation.OrganizationId, u)).ToList();
        if (conversation.RoutedRole is { } role)
        {
            groups.Add(ConversationGroups.Role(conversation.OrganizationId, role));
        }
        return groups;
    }

    public Task MessageReceivedAsync(IReadOnlyList<string> groups, MessageView message) =>
        hub.Clients.Groups(groups).SendAsync(Methods.MessageReceived, message);

    public Task MessageChangedAsync(IReadOnlyList<string> groups, MessageView message) =>
        hub.Clients.Groups(groups).SendAsync(Methods.MessageChanged, message);

    public Task ReadReceiptAsync(IReadOnlyList<string> groups, ReadReceipt receipt) =>
        hub.Clients.Groups(groups).SendAsync(Methods.ReadReceipt, receipt);

    public Task ConversationChangedAsync(IReadOnlyList<string> groups, ConversationNotice notice) =>
        hub.Clients.Groups(groups).SendAsync(Methods.ConversationChanged, notice);

    public Task PresenceAsync(Guid organizationId, PresenceNotice notice) =>
        hub.Clients.Group(ConversationGroups.Staff(organizationId)).SendAsync(Methods.Presence, notice);
}
