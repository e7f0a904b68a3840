using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace MedicalHub.Data.Outbox;

public static class OutboxServiceExtensions
{
    /// <summary>
    /// Runs the relay for <typeparamref name="TContext"/>'s outbox in this process (every replica may run
    /// one). Register an <see cref="IOutboxHandler"/> per message type; the context's model must call
    /// <see cref="OutboxModelExtensions.AddOutbox"/>. Features that each queue their own message types call it
    /// independently: the relay is added once.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxRelay<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(OutboxRelay<TContext>)))
        {
            return builder;
        }
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection(OutboxOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OutboxSignal<TContext>>();
        builder.Services.AddSingleton<OutboxRelay<TContext>>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay<TContext>>());
        return builder;
    }
}
