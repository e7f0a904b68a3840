using System.Collections.Concurrent;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>
/// Parsed definitions of published versions, by version id. A published version never changes, so an entry never goes
/// stale; drafts are never cached (instances only run published versions).
/// </summary>
public sealed class DefinitionCache
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<Guid, PathwayDocument> _documents = new();

    public async Task<PathwayDocument> GetAsync(WorkflowDbContext db, Guid versionId, CancellationToken ct)
    {
        if (_documents.TryGetValue(versionId, out var cached))
        {
            return cached;
        }
        // Versions are read across organizations here: the caller already holds an instance of this organization that names it.
        var version = await db.PathwayVersions.IgnoreQueryFilters().AsNoTracking()
            .Where(v => v.Id == versionId && v.Status == PathwayVersionStatus.Published)
            .Select(v => v.Document).SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"Pathway version {versionId} is not published.");
        var document = PathwayDocument.TryParse(version, out var error) ?? throw new InvalidOperationException($"Pathway version {versionId} is unreadable: {error}");
        if (_documents.Count >= MaxEntries)
        {
            _documents.Clear();
        }
        _documents[versionId] = document;
        return document;
    }
}
