using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Gateway.ServiceDocuments;

public static class MergedServiceDocumentExtensions
{
    public static IHostApplicationBuilder AddMergedServiceDocument<TDocument>(this IHostApplicationBuilder builder)
        where TDocument : MergedServiceDocument
    {
        builder.Services.AddHttpClient(MergedServiceDocument.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TDocument>();
        return builder;
    }
}
