using MedicalHub.Data.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace MedicalHub.Communication.Api.Conversations;

/// <summary>
/// The real-time side of conversations (<c>/hubs/conversations</c>, through the gateway). The access token is validated
/// when the connection is made (the <c>Authorization</c> header, or the <c>access_token</c> query parameter WebSockets
/// and server-sent events must use); a token that takes no part in conversations is refused at once; the connection
/// closes when the token expires (the client reconnects with a fresh one) and within seconds of its session ending.
/// Pushed to the client: <see cref="ConversationEvents.Methods"/>. Called by the client: <see cref="Typing"/>. Sending,
/// reading and fetching what was missed go through the REST API (idempotent, and audited per request).
/// </summary>
[Authorize]
public sealed class ConversationHub(LiveConnections live, Presence presence, MessageAccessAudit audit, IServiceScopeFactory scopes, ILogger<ConversationHub> logger) : Hub
{
    public const string Path = "/hubs/conversations";

    private const string CallerKey = "medicalhub.caller";

    public override async Task OnConnectedAsync()
    {
        if (ConversationCaller.From(Context.User) is not { } caller)
        {
            // A service's token, or a user whose token carries no messaging rights: no part in conversations.
            Context.Abort();
            return;
        }
        Context.Items[CallerKey] = caller;
        foreach (var group in caller.Groups())
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted);
        }
        live.Add(Context, caller);
        await audit.RecordAsync(caller, Context.GetHttpContext(), new MessageAccess(MessageAccessActions.Subscribe, null, caller.PatientId, 0), Context.ConnectionAborted);
        if (await presence.ConnectedAsync(caller.OrganizationId, caller.UserId, Context.ConnectionId) && !caller.IsPatient)
        {
            await Clients.OthersInGroup(ConversationGroups.Staff(caller.OrganizationId)).SendAsync(ConversationEvents.Methods.Presence, new PresenceNotice(caller.UserId, true));
        }
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        live.Remove(Context.ConnectionId);
        if (Context.Items.TryGetValue(CallerKey, out var value) && value is ConversationCaller caller)
        {
            try
            {
                if (await presence.DisconnectedAsync(caller.OrganizationId, caller.UserId, Context.ConnectionId) && !caller.IsPatient)
                {
                    await Clients.OthersInGroup(ConversationGroups.Staff(caller.OrganizationId)).SendAsync(ConversationEvents.Methods.Presence, new PresenceNotice(caller.UserId, false));
                }
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                // Presence lapses by itself (PresenceTimeout) when it cannot be withdrawn now.
                logger.LogWarning(ex, "Could not withdraw the presence of a closed connection");
            }
        }
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>The caller is typing in a conversation: the other participants' connections are told (not stored).</summary>
    public async Task Typing(Guid conversationId)
    {
        var caller = (ConversationCaller)Context.Items[CallerKey]!;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrganizationScope>().ActFor(caller.OrganizationId);
        var conversation = await scope.ServiceProvider.GetRequiredService<ConversationStore>().FindAsync(caller, conversationId, Context.ConnectionAborted)
            ?? throw new HubException("Conversation not found.");
        var notice = new TypingNotice(conversation.Id, caller.UserId);
        foreach (var group in ConversationStore.GroupsOf(conversation))
        {
            await Clients.GroupExcept(group, Context.ConnectionId).SendAsync(ConversationEvents.Methods.Typing, notice, Context.ConnectionAborted);
        }
    }
}
