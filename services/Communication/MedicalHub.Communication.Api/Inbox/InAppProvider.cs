using MedicalHub.Communication.Api.Conversations;
using MedicalHub.Communication.Api.Delivery;
using Microsoft.AspNetCore.SignalR;

namespace MedicalHub.Communication.Api.Inbox;

/// <summary>
/// The in-app channel's provider, built in: a delivery the engine hands it is in the recipient's inbox once it is sent
/// (<see cref="InboxApi"/> lists sent in-app deliveries), and the recipient's open connections to the conversation hub
/// are told at once (<see cref="Method"/>; through the Redis backplane, whichever replica holds them). A push that
/// fails is no failure of the delivery: the inbox has it, and clients read the inbox when they (re)connect.
/// </summary>
public sealed class InAppProvider(IHubContext<ConversationHub> hub, ILogger<InAppProvider> logger) : IDeliveryProvider
{
    public const string ProviderName = "in-app";

    /// <summary>The client method an inbox item is pushed to (<c>connection.on("inboxItem", …)</c>).</summary>
    public const string Method = "inboxItem";

    public string Name => ProviderName;

    public Channel Channel => Channel.InApp;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(message.To, out var userId))
        {
            return DeliveryResult.Permanent("An in-app delivery is addressed to a user id.");
        }
        try
        {
            await hub.Clients.Group(ConversationGroups.User(message.OrganizationId, userId)).SendAsync(Method,
                new InboxApi.InboxPush(message.NotificationId, message.Subject, message.TextBody), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "An inbox item could not be pushed to its recipient's connections; it waits in the inbox");
        }
        return DeliveryResult.Sent(null);
    }
}
