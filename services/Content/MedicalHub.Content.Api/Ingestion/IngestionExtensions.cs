using MedicalHub.Content.Api.Ingestion.Extraction;
using MedicalHub.Content.Api.Ingestion.Tools;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Content.Api.Ingestion;

public static class IngestionExtensions
{
    /// <summary>
    /// The ingestion pipeline: the worker (in every replica), the extractors by media type, the external tools they run,
    /// and re-runs.
    /// </summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<IngestionSettings>(builder.Configuration.GetSection(IngestionSettings.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Poppler>();
        builder.Services.AddSingleton<Tesseract>();
        builder.Services.AddSingleton<Thumbnailer>();
        builder.Services.AddSingleton<IDocumentExtractor, PdfExtractor>();
        builder.Services.AddSingleton<IDocumentExtractor, ImageExtractor>();
        builder.Services.AddSingleton<IDocumentExtractor, TextExtractor>();
        builder.Services.AddSingleton<IDocumentExtractor, Hl7Extractor>();
        builder.Services.AddSingleton<IDocumentExtractor, FhirJsonExtractor>();
        builder.Services.AddSingleton<IDocumentExtractor, DicomExtractor>();
        builder.Services.AddSingleton<DocumentExtractors>();
        builder.Services.AddScoped<IngestionProcessor>();
        builder.Services.AddScoped<IngestionReruns>();
        builder.Services.AddSingleton<IngestionSignal>();
        builder.Services.AddSingleton<IngestionWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestionWorker>());
        return builder;
    }
}
