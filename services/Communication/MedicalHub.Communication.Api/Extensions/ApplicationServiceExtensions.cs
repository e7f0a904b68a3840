using MedicalHub.Data;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Providers;

namespace MedicalHub.Communication.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Connection names as the AppHost declares them: the service's own database and Redis.</summary>
    public const string DatabaseName = "communicationdb";
    public const string RedisName = "communication-redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDataStores<CommunicationDbContext>(DatabaseName, RedisName);
        builder.Services.AddDeliveryProviders(builder.Configuration);
        return builder;
    }
}
