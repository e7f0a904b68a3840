using MedicalHub.Data;
using MedicalHub.Content.Api.Infrastructure;

namespace MedicalHub.Content.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Connection names as the AppHost declares them: the service's own database and Redis.</summary>
    public const string DatabaseName = "contentdb";
    public const string RedisName = "content-redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDataStores<ContentDbContext>(DatabaseName, RedisName);
        return builder;
    }
}
