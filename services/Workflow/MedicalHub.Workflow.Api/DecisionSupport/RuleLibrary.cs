using MedicalHub.Data.Tenancy;
using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>The organization's rules: the active versions hooks decide on, and the starter library installed on first use.</summary>
public sealed class RuleLibrary(WorkflowDbContext db, TimeProvider time)
{
    public async Task<List<DecisionRule>> ActiveAsync(CancellationToken ct)
    {
        await EnsureStarterLibraryAsync(ct);
        return await db.Set<DecisionRule>().AsNoTracking().Where(r => r.Status == DecisionRuleStatus.Active).OrderBy(r => r.Key).ToListAsync(ct);
    }

    /// <summary>Installs the starter library (active version 1 of each rule) for an organization that has no rules yet.</summary>
    public async Task EnsureStarterLibraryAsync(CancellationToken ct)
    {
        if (await db.Set<DecisionRule>().AnyAsync(ct))
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var rule in StarterRules.All)
        {
            db.Set<DecisionRule>().Add(new DecisionRule
            {
                Id = Guid.CreateVersion7(),
                Key = rule.Key,
                Version = 1,
                Title = rule.Title,
                Hooks = rule.Hooks,
                Applicability = rule.Applicability,
                Condition = rule.Condition,
                Card = rule.Card,
                Status = DecisionRuleStatus.Active,
                FromStarterLibrary = true,
                CreatedAt = now,
                CreatedBy = "starter-library",
                ActivatedAt = now,
            });
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request installed it first (the unique index on organization, key, version).
            db.ChangeTracker.Clear();
        }
    }
}
