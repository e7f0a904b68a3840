using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// Every change to an instance's state happens under its row lock (<c>SELECT … FOR UPDATE</c>) in the changing
/// transaction, so the engine's replicas, a task completion and an arriving event never interleave on one instance.
/// Several instances are always locked in id order, so two transactions cannot wait on each other. Claimable work items
/// are locked only by the engine; other transactions only add items or release held ones (see <see cref="WorkItem.Held"/>).
/// </summary>
public static class InstanceLocks
{
    /// <summary>Locks the instances (in id order) within the current transaction; returns the ids that exist.</summary>
    public static async Task<List<Guid>> LockAsync(WorkflowDbContext db, IReadOnlyCollection<Guid> instanceIds, CancellationToken ct)
    {
        if (instanceIds.Count == 0)
        {
            return [];
        }
        var ids = instanceIds.Distinct().ToArray();
        return await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM pathway_instances WHERE id = ANY({ids}) ORDER BY id FOR UPDATE").ToListAsync(ct);
    }
}
