using MedicalHub.Communication.Api.Extensions;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Data.Audit;
using MedicalHub.Data.Outbox;
using MedicalHub.Security.Authentication;
using StackExchange.Redis;

namespace MedicalHub.Communication.Api.Conversations;

public static class ConversationsExtensions
{
    /// <summary>
    /// Conversations: their API, the SignalR hub with its Redis backplane on this service's own Redis (every replica's
    /// connections receive every replica's pushes), presence, the flood limit, the attachments' shares (outbox to Content),
    /// the message access audit (an audit chain signed with <c>MedicalHub:AuditChain:Key</c>), the offline fallback and
    /// the retention sweeper.
    /// </summary>
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ConversationSettings>(builder.Configuration.GetSection(ConversationSettings.SectionName));
        builder.AcceptAccessTokenInQueryUnder(ConversationHub.Path);
        builder.Services.AddSignalR(options => options.MaximumReceiveMessageSize = 32 * 1024)
            .AddStackExchangeRedis(builder.Configuration.GetConnectionString(ApplicationServiceExtensions.RedisName) ?? "", options =>
            {
                options.Configuration.ChannelPrefix = RedisChannel.Literal("communication:hub");
                options.Configuration.AbortOnConnectFail = false;
            });
        builder.Services.AddScoped<ConversationStore>();
        builder.Services.AddScoped<MessagePosting>();
        builder.Services.AddSingleton<ConversationEvents>();
        builder.Services.AddSingleton<Presence>();
        builder.Services.AddSingleton<FloodLimit>();
        builder.Services.AddSingleton<LiveConnections>();
        builder.Services.AddHostedService<LiveConnectionsMonitor>();
        builder.AddContentDocuments();
        builder.AddOutboxRelay<CommunicationDbContext>();
        builder.AddAuditChain<CommunicationDbContext, MessageAccessRecord>();
        builder.Services.AddSingleton<MessageAccessAudit>();
        builder.Services.AddHostedService<OfflineNotifier>();
        builder.Services.AddHostedService<RetentionSweeper>();
        return builder;
    }

    public static WebApplication MapConversations(this WebApplication app)
    {
        app.MapConversationsApi();
        app.MapMessagesApi();
        // The connection closes when its token expires: the client reconnects with a fresh one (a revoked session's
        // connections are closed sooner, by LiveConnectionsMonitor).
        app.MapHub<ConversationHub>(ConversationHub.Path, options => options.CloseOnAuthenticationExpiration = true);
        return app;
    }
}
