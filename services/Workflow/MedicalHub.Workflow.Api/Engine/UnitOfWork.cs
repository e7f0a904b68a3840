using MedicalHub.Workflow.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Workflow.Api.Engine;

/// <summary>
/// One change to instances, tasks or definitions, in one transaction (retried whole on a transient failure such as a
/// deadlock): the work runs, and when it says so the changes are saved and committed, then the runner wakes this
/// replica's workers for what was queued. Work that refuses leaves nothing behind.
/// </summary>
public static class UnitOfWork
{
    public static async Task<T> RunAsync<T>(WorkflowDbContext db, StepRunner runner, Func<CancellationToken, Task<T>> work, Func<T, bool> commit, CancellationToken ct)
    {
        db.Database.AutoSavepointsEnabled = false;
        var strategy = db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var outcome = await work(token);
            if (commit(outcome))
            {
                await db.SaveChangesAsync(token);
                await transaction.CommitAsync(token);
            }
            return outcome;
        }, ct);
        runner.AfterCommit();
        return result;
    }
}
