namespace MedicalHub.Content.Api.Search;

public static class SearchExtensions
{
    /// <summary>Full-text search, and the index it runs on (RUM or the GIN fallback) in readiness.</summary>
    public static IHostApplicationBuilder AddSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SearchIndexStatus>();
        builder.Services.AddScoped<DocumentSearch>();
        builder.Services.AddHealthChecks().AddCheck<SearchIndexHealthCheck>("content-search-index");
        return builder;
    }
}
