using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Content.Api.Storage;

public static class StorageExtensions
{
    /// <summary>
    /// Document bytes: the PostgreSQL backend (always available: it is the service's own database, <paramref name="databaseName"/>)
    /// and, when the AppHost gives the connection <see cref="StorageSettings.BlobConnectionName"/>, the Azure Blob backend;
    /// new objects go to <see cref="StorageSettings.Backend"/>. The sweeper runs in every replica.
    /// </summary>
    public static IHostApplicationBuilder AddDocumentStorage(this IHostApplicationBuilder builder, string databaseName)
    {
        var section = builder.Configuration.GetSection(StorageSettings.SectionName);
        builder.Services.Configure<StorageSettings>(section);
        var settings = section.Get<StorageSettings>() ?? new StorageSettings();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddSingleton<IObjectStore>(_ => PostgresObjectStore.FromConnectionString(
            builder.Configuration.GetConnectionString(databaseName) ?? throw new InvalidOperationException($"No connection string '{databaseName}'.")));
        if (builder.Configuration.GetConnectionString(StorageSettings.BlobConnectionName) is { Length: > 0 } blobs)
        {
            builder.Services.AddSingleton<IObjectStore>(_ => new AzureBlobObjectStore(new AzureBlobContainer(blobs, settings.BlobContainer)));
        }
        else if (settings.Backend == StorageBackend.AzureBlob)
        {
            throw new InvalidOperationException(
                $"{StorageSettings.SectionName}:Backend is AzureBlob, but there is no connection string '{StorageSettings.BlobConnectionName}' (the AppHost gives it).");
        }
        builder.Services.AddSingleton<ObjectStores>();
        builder.Services.AddScoped<ObjectStaging>();
        builder.Services.AddSingleton<StorageSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StorageSweeper>());
        return builder;
    }
}
