using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Data.Inbox;

public static class InboxServiceExtensions
{
    /// <summary>
    /// Registers <see cref="IntegrationEventInbox{TContext}"/> (scoped) for a service whose model calls
    /// <see cref="InboxModelExtensions.AddInbox"/>; register one <see cref="IIntegrationEventConsumer"/> (scoped) per
    /// reaction, and map the service's <c>POST /api/internal/events</c> (service tokens only) to
    /// <see cref="IntegrationEventInbox{TContext}.ReceiveAsync"/>.
    /// </summary>
    public static IServiceCollection AddIntegrationEventInbox<TContext>(this IServiceCollection services) where TContext : DbContext
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<IntegrationEventInbox<TContext>>();
        return services;
    }
}
