using MedicalHub.Content.Api.Documents;
using MedicalHub.Content.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Content.Api.Search;

/// <summary>
/// Writes a document's search entry (<see cref="SearchEntry"/>) in the caller's transaction: the vector is computed by
/// Postgres from the title (weight A) and the text (weight B) in the text's language; an entry of a newer version is
/// never replaced by an older one.
/// </summary>
public static class SearchIndexer
{
    /// <summary>Text beyond this is kept for snippets but not put into the vector (a tsvector holds at most 1 MB).</summary>
    public const int MaxVectorCharacters = 400_000;

    public static Task<int> UpsertAsync(ContentDbContext db, Document document, int versionNumber, string body, DateTimeOffset now, CancellationToken ct)
    {
        var language = TextLanguages.Detect(body);
        var configuration = TextLanguages.Configuration(language);
        var vectorText = body.Length > MaxVectorCharacters ? body[..MaxVectorCharacters] : body;
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO search_entries AS e (document_id, organization_id, version_number, patient_id, category, media_type, author_id, document_date,
                title, body, language, search_vector, indexed_at)
            VALUES ({document.Id}, {document.OrganizationId}, {versionNumber}, {document.PatientId}, {document.Category}, {document.MediaType},
                {document.CreatedBy}, {document.CreatedAt}, {document.Title}, {body}, {language},
                setweight(to_tsvector({configuration}::regconfig, {document.Title}), 'A') || setweight(to_tsvector({configuration}::regconfig, {vectorText}), 'B'),
                {now})
            ON CONFLICT (document_id) DO UPDATE SET
                version_number = EXCLUDED.version_number, patient_id = EXCLUDED.patient_id, category = EXCLUDED.category,
                media_type = EXCLUDED.media_type, title = EXCLUDED.title, body = EXCLUDED.body, language = EXCLUDED.language,
                search_vector = EXCLUDED.search_vector, indexed_at = EXCLUDED.indexed_at
            WHERE e.version_number <= EXCLUDED.version_number
            """, ct);
    }
}
