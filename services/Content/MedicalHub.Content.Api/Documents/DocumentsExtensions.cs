using MedicalHub.Content.Api.Documents.ContentTypes;

namespace MedicalHub.Content.Api.Documents;

public static class DocumentsExtensions
{
    public static IHostApplicationBuilder AddDocuments(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<DocumentSettings>(builder.Configuration.GetSection(DocumentSettings.SectionName));
        builder.Services.AddSingleton<ArchiveInspector>();
        builder.Services.AddScoped<UploadReceiver>();
        builder.Services.AddScoped<DocumentPatients>();
        builder.Services.AddScoped<DocumentVersionWriter>();
        builder.Services.AddSingleton<DeletedDocumentPurger>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeletedDocumentPurger>());
        return builder;
    }
}
