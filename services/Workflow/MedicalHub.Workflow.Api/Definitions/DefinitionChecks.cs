using System.Text.Json;
using MedicalHub.Data.Tenancy;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Workflow.Api.Definitions;

/// <summary>
/// Reads a definition from a request and checks it (<see cref="DefinitionValidator"/>) against what only this service and
/// Identity know: the organization's roles, the callable services, and the pathways a sub-pathway step may start.
/// </summary>
public sealed class DefinitionChecks(WorkflowDbContext db, OrganizationScope organizations, RoleDirectory roles, IOptions<EngineOptions> engine)
{
    public abstract record Outcome;

    public sealed record Valid(PathwayDocument Document) : Outcome;

    /// <summary>Errors keyed by what failed (<c>steps.&lt;id&gt;</c>, <c>start</c>, <c>definition</c>…).</summary>
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Outcome;

    /// <summary>Roles outside Identity's built-in ones could not be checked: Identity did not answer.</summary>
    public sealed record RolesUnavailable(string[] Roles) : Outcome;

    public async Task<Outcome> CheckAsync(JsonElement? definition, Guid? self, HttpContext http, CancellationToken ct)
    {
        if (definition is not { ValueKind: JsonValueKind.Object } json)
        {
            return new Invalid(new() { ["definition"] = ["A definition is a JSON object with start and steps."] });
        }
        var document = PathwayDocument.TryParse(json.GetRawText(), out var error);
        return document is null ? new Invalid(new() { ["definition"] = [error!] }) : await CheckAsync(document, self, http, ct);
    }

    public async Task<Outcome> CheckAsync(PathwayDocument document, Guid? self, HttpContext http, CancellationToken ct)
    {
        var known = await roles.KnownAsync(organizations.OrganizationId!.Value, http, ct);
        var subPathways = document.Steps.Where(s => s.SubPathway?.PathwayId is not null).Select(s => s.SubPathway!.PathwayId!.Value).Distinct().ToList();
        var startable = subPathways.Count == 0 ? [] : await db.CarePathways.AsNoTracking()
            .Where(p => subPathways.Contains(p.Id) && p.Status == CarePathwayStatus.Active && p.CurrentVersionId != null).Select(p => p.Id).ToListAsync(ct);
        var rules = new DefinitionRules(known.Names, engine.Value.CallableServices.ToHashSet(StringComparer.Ordinal), startable.ToHashSet(), self);
        var errors = DefinitionValidator.Validate(document, rules);
        if (errors.Count == 0)
        {
            return new Valid(document);
        }
        if (!known.Complete)
        {
            var unchecked_ = RolesOf(document).Where(r => !known.Names.Contains(r)).Distinct().ToArray();
            if (unchecked_.Length > 0)
            {
                return new RolesUnavailable(unchecked_);
            }
        }
        return new Invalid(errors);
    }

    private static IEnumerable<string> RolesOf(PathwayDocument document) =>
        document.Steps.SelectMany(s => new[] { s.Task?.Role, s.Escalation?.Role }).Where(r => r is not null).Select(r => r!);
}
