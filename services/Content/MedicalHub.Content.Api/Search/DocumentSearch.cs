using System.Data.Common;
using System.Text;
using MedicalHub.Content.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace MedicalHub.Content.Api.Search;

/// <summary>Filters of a search: each narrows the matches; null fields do not.</summary>
public sealed record SearchFilters(Guid? PatientId = null, string? Category = null, string? MediaType = null, DateTimeOffset? From = null,
    DateTimeOffset? To = null, Guid? AuthorId = null);

/// <summary>Where the caller may search: their organization, and the documents other organizations shared with them.</summary>
public sealed record SearchScope(Guid OrganizationId, IReadOnlyList<Guid> SharedDocumentIds);

public sealed record SearchHit(Guid DocumentId, Guid OrganizationId, string Title, string Category, string MediaType, Guid? PatientId, Guid AuthorId,
    DateTimeOffset CreatedAt, string Language, double Rank, string Snippet);

public sealed record FacetCount(string Value, int Count);

public sealed record SearchFacets(int Total, IReadOnlyList<FacetCount> Category, IReadOnlyList<FacetCount> MediaType, IReadOnlyList<FacetCount> Patient);

public sealed record SearchResults(IReadOnlyList<SearchHit> Hits, bool HasMore, SearchFacets? Facets, string Index);

/// <summary>
/// Runs a full-text search in SQL. With the RUM index, matches come out of the index in rank order
/// (<c>search_vector &lt;=&gt; query</c>) and only the page's rows are read; with the GIN fallback every match is ranked
/// with <c>ts_rank_cd</c> and sorted. Deleted documents never match; filters and the scope apply before the page is cut.
/// Snippets (<c>ts_headline</c>, in the document's language) are made for the page only, and returned HTML-escaped with
/// the matched words in <c>&lt;mark&gt;</c>. Facets (counts by category, media type and patient, and the total) are
/// computed only when asked: they count every match, which a frequent word makes costly.
/// </summary>
public sealed class DocumentSearch(ContentDbContext db, SearchIndexStatus index)
{
    private const string MarkStart = "\u0002";
    private const string MarkEnd = "\u0003";
    private const int SnippetSourceCharacters = 60_000;

    public async Task<SearchResults> SearchAsync(SearchQuery query, SearchFilters filters, SearchScope scope, int page, int pageSize, bool facets, CancellationToken ct)
    {
        var kind = await index.KindAsync(ct);
        var command = new Command();
        var tsquery = query.Sql(command.Add);
        var where = Where(command, filters, scope);
        // RUM orders by distance inside the index; GIN ranks every match. Both sort ascending on the key.
        var sortKey = kind == SearchIndexStatus.Rum ? $"e.search_vector <=> {tsquery}" : $"-ts_rank_cd(e.search_vector, {tsquery})";
        var rank = kind == SearchIndexStatus.Rum ? "1 / NULLIF(top.sort_key, 0)" : "-top.sort_key";
        var limit = command.Add(pageSize + 1);
        var offset = command.Add((page - 1) * pageSize);
        var options = command.Add($"StartSel={MarkStart}, StopSel={MarkEnd}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"");
        command.Text = $"""
            SELECT top.document_id, d.organization_id, d.title, d.category, d.media_type, d.patient_id, d.created_by, d.created_at, e.language,
                   coalesce({rank}, 0)::float8,
                   ts_headline(CASE e.language WHEN 'fr' THEN 'medicalhub_fr'::regconfig ELSE 'medicalhub_en'::regconfig END,
                               left(e.body, {SnippetSourceCharacters}), {tsquery}, {options})
            FROM (
                SELECT e.document_id, {sortKey} AS sort_key
                FROM search_entries e JOIN documents d ON d.id = e.document_id
                WHERE e.search_vector @@ {tsquery} AND {where}
                ORDER BY {sortKey}
                LIMIT {limit} OFFSET {offset}
            ) top
            JOIN search_entries e ON e.document_id = top.document_id JOIN documents d ON d.id = top.document_id
            ORDER BY top.sort_key, top.document_id
            """;
        var hits = new List<SearchHit>();
        await command.ReadAsync(db, reader => hits.Add(new SearchHit(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetGuid(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetString(8),
            reader.GetDouble(9), Snippet(reader.GetString(10)))), ct);
        var hasMore = hits.Count > pageSize;
        if (hasMore)
        {
            hits.RemoveAt(hits.Count - 1);
        }
        return new SearchResults(hits, hasMore, facets ? await FacetsAsync(query, filters, scope, ct) : null, kind);
    }

    private async Task<SearchFacets> FacetsAsync(SearchQuery query, SearchFilters filters, SearchScope scope, CancellationToken ct)
    {
        var command = new Command();
        var tsquery = query.Sql(command.Add);
        var where = Where(command, filters, scope);
        command.Text = $"""
            SELECT CASE WHEN GROUPING(d.category) = 0 THEN 'category' WHEN GROUPING(d.media_type) = 0 THEN 'mediaType'
                        WHEN GROUPING(d.patient_id) = 0 THEN 'patient' ELSE 'total' END,
                   coalesce(d.category, d.media_type, d.patient_id::text), count(*)::int
            FROM search_entries e JOIN documents d ON d.id = e.document_id
            WHERE e.search_vector @@ {tsquery} AND {where}
            GROUP BY GROUPING SETS ((d.category), (d.media_type), (d.patient_id), ())
            """;
        var rows = new List<(string Facet, string? Value, int Count)>();
        await command.ReadAsync(db, reader => rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2))), ct);
        IReadOnlyList<FacetCount> Of(string facet, int top) => [.. rows.Where(r => r.Facet == facet && r.Value is not null)
            .OrderByDescending(r => r.Count).ThenBy(r => r.Value, StringComparer.Ordinal).Take(top).Select(r => new FacetCount(r.Value!, r.Count))];
        return new SearchFacets(rows.Where(r => r.Facet == "total").Sum(r => r.Count), Of("category", 50), Of("mediaType", 50), Of("patient", 20));
    }

    private static string Where(Command command, SearchFilters filters, SearchScope scope)
    {
        var conditions = new List<string> { "d.deleted_at IS NULL" };
        var organization = command.Add(scope.OrganizationId);
        conditions.Add(scope.SharedDocumentIds.Count == 0
            ? $"e.organization_id = {organization}"
            : $"(e.organization_id = {organization} OR e.document_id = ANY({command.Add(scope.SharedDocumentIds.ToArray())}))");
        if (filters.PatientId is { } patient)
        {
            conditions.Add($"d.patient_id = {command.Add(patient)}");
        }
        if (filters.Category is { } category)
        {
            conditions.Add($"d.category = {command.Add(category)}");
        }
        if (filters.MediaType is { } mediaType)
        {
            conditions.Add($"d.media_type = {command.Add(mediaType)}");
        }
        if (filters.AuthorId is { } author)
        {
            conditions.Add($"d.created_by = {command.Add(author)}");
        }
        if (filters.From is { } from)
        {
            conditions.Add($"d.created_at >= {command.Add(from)}");
        }
        if (filters.To is { } to)
        {
            conditions.Add($"d.created_at < {command.Add(to)}");
        }
        return string.Join(" AND ", conditions);
    }

    /// <summary>ts_headline's text HTML-escaped, its marks made <c>&lt;mark&gt;</c>; page breaks and runs of space made one space.</summary>
    public static string Snippet(string headline)
    {
        var text = new StringBuilder(headline.Length + 32);
        var spaced = false;
        foreach (var c in headline)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!spaced)
                {
                    text.Append(' ');
                }
                spaced = true;
                continue;
            }
            spaced = false;
            var escaped = c switch
            {
                '\u0002' => "<mark>",
                '\u0003' => "</mark>",
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            if (escaped is null)
            {
                text.Append(c);
            }
            else
            {
                text.Append(escaped);
            }
        }
        return text.ToString().Trim();
    }

    /// <summary>A parameterized SQL command over the context's connection.</summary>
    private sealed class Command
    {
        private readonly List<NpgsqlParameter> _parameters = [];

        public string Text { get; set; } = "";

        public string Add(object value)
        {
            var name = $"@p{_parameters.Count}";
            _parameters.Add(value switch
            {
                Guid[] ids => new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids },
                _ => new NpgsqlParameter(name, value),
            });
            return name;
        }

        public async Task ReadAsync(ContentDbContext db, Action<DbDataReader> read, CancellationToken ct)
        {
            var connection = db.Database.GetDbConnection();
            var opened = connection.State != System.Data.ConnectionState.Open;
            if (opened)
            {
                await db.Database.OpenConnectionAsync(ct);
            }
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = Text;
                command.Parameters.AddRange(_parameters.ToArray());
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    read(reader);
                }
            }
            finally
            {
                if (opened)
                {
                    await db.Database.CloseConnectionAsync();
                }
            }
        }
    }
}
