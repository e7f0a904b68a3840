using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Timers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Workflow.Api.Extensions.WorkflowPermissions;

namespace MedicalHub.Workflow.Api.Analytics;

/// <summary>
/// Process analytics of the caller's organization, computed in Postgres from the instances, their steps and tasks:
/// per pathway (instance counts by status, durations, per-step counts, median and p90 durations, SLA breaches,
/// bottleneck steps, stuck instances, weekly throughput) and workload per member and per role. Every query names the
/// organization itself (raw SQL does not pass through the context's organization filter). Column aliases follow the model's
/// snake_case naming convention, which maps the result records' properties too (<c>P90Seconds</c> is <c>p90seconds</c>).
/// </summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/care-pathways/{id:guid}/analytics", PathwayAsync).WithName("GetCarePathwayAnalytics").WithTags("Process analytics")
            .WithSummary("Counts, durations (median, p90), SLA breaches, bottlenecks, stuck instances and weekly throughput of one pathway").RequirePermission(PermissionNames.WorkflowsRead);
        app.MapGet("/api/workflow-analytics/workload", WorkloadAsync).WithName("GetWorkload").WithTags("Process analytics")
            .WithSummary("Open, overdue and recently completed tasks per member and per role").RequirePermission(PermissionNames.WorkflowsRead);
        return app;
    }

    public sealed record InstanceCounts(long Running, long Paused, long Compensating, long Completed, long Cancelled, long Failed);

    public sealed record Durations(long Count, double? MedianSeconds, double? P90Seconds);

    public sealed record StepStatistics(string StepId, string Type, long Entered, long Completed, long Open, double? MedianSeconds, double? P90Seconds,
        long SlaBreaches, double OpenSecondsTotal);

    public sealed record StuckInstance(Guid InstanceId, Guid PatientId, string? CurrentStepId, DateTimeOffset LastActivityAt, double IdleSeconds);

    public sealed record WeekThroughput(DateOnly Week, long Started, long Completed);

    public sealed record PathwayAnalytics(Guid PathwayId, DateTimeOffset From, DateTimeOffset To, InstanceCounts Instances, Durations InstanceDurations,
        StepStatistics[] Steps, StepStatistics[] Bottlenecks, StuckInstance[] Stuck, WeekThroughput[] Throughput);

    public sealed record MemberWorkload(Guid UserId, long Open, long Overdue, long CompletedLast7Days, double? MedianCompletionSeconds);

    public sealed record RoleWorkload(string Role, long Unclaimed, long Open, long Overdue);

    public sealed record Workload(MemberWorkload[] Members, RoleWorkload[] Roles);

    private static async Task<Results<Ok<PathwayAnalytics>, NotFound, ValidationProblem, ProblemHttpResult>> PathwayAsync(Guid id, WorkflowDbContext db,
        OrganizationScope organizations, TimeProvider time, CancellationToken ct, DateTimeOffset? from = null, DateTimeOffset? to = null, string stuckAfter = "P7D")
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        if (!IsoDuration.TryParse(stuckAfter, out var stuck) || stuck.IsNegative)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["stuckAfter"] = ["An ISO 8601 duration, e.g. P7D."] });
        }
        if (!await db.CarePathways.AnyAsync(p => p.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var org = organizations.OrganizationId!.Value;
        var now = time.GetUtcNow();
        var end = to ?? now;
        var start = from ?? end.AddDays(-90);
        if (start > end || end - start > TimeSpan.FromDays(3660))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from is before to, at most ten years apart."] });
        }
        var stuckBefore = now - (stuck.AddTo(now) - now);

        var counts = await db.Database.SqlQuery<InstanceCounts>($"""
            SELECT count(*) FILTER (WHERE status = 'Running') AS running, count(*) FILTER (WHERE status = 'Paused') AS paused,
                   count(*) FILTER (WHERE status = 'Compensating') AS compensating, count(*) FILTER (WHERE status = 'Completed') AS completed,
                   count(*) FILTER (WHERE status = 'Cancelled') AS cancelled, count(*) FILTER (WHERE status = 'Failed') AS failed
            FROM pathway_instances WHERE organization_id = {org} AND pathway_id = {id} AND started_at >= {start} AND started_at < {end}
            """).SingleAsync(ct);
        var durations = await db.Database.SqlQuery<Durations>($"""
            SELECT count(*) AS count,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at)) AS median_seconds,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at)) AS p90seconds
            FROM pathway_instances WHERE organization_id = {org} AND pathway_id = {id} AND status = 'Completed' AND ended_at >= {start} AND ended_at < {end}
            """).SingleAsync(ct);
        var steps = await db.Database.SqlQuery<StepStatistics>($"""
            SELECT s.step_id AS step_id, min(s.step_type) AS type, count(*) AS entered,
                   count(*) FILTER (WHERE s.status = 'Completed') AS completed,
                   count(*) FILTER (WHERE s.status IN ('Active', 'Waiting')) AS open,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.ended_at - s.started_at)) FILTER (WHERE s.status = 'Completed') AS median_seconds,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM s.ended_at - s.started_at)) FILTER (WHERE s.status = 'Completed') AS p90seconds,
                   count(*) FILTER (WHERE s.sla_breached_at IS NOT NULL) AS sla_breaches,
                   coalesce(sum(extract(epoch FROM {now} - s.started_at)) FILTER (WHERE s.status IN ('Active', 'Waiting')), 0)::float8 AS open_seconds_total
            FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id
            WHERE s.organization_id = {org} AND i.pathway_id = {id} AND s.started_at >= {start} AND s.started_at < {end}
            GROUP BY s.step_id ORDER BY s.step_id
            """).ToListAsync(ct);
        // Bottlenecks: where instances spend the most time, counting what is still open.
        var bottlenecks = steps.Where(s => StepTypesThatWait.Contains(s.Type))
            .OrderByDescending(s => (s.MedianSeconds ?? 0) * s.Completed + s.OpenSecondsTotal).Take(3).ToArray();
        var stuckInstances = await db.Database.SqlQuery<StuckInstance>($"""
            SELECT i.id AS instance_id, i.patient_id AS patient_id, i.current_step_id AS current_step_id, i.updated_at AS last_activity_at,
                   extract(epoch FROM {now} - i.updated_at)::float8 AS idle_seconds
            FROM pathway_instances i
            WHERE i.organization_id = {org} AND i.pathway_id = {id} AND i.status IN ('Running', 'Compensating') AND i.updated_at < {stuckBefore}
              AND NOT EXISTS (SELECT 1 FROM work_items w WHERE w.instance_id = i.id AND NOT w.held AND w.due_at > {now} AND w.kind <> 'sla')
            ORDER BY i.updated_at LIMIT 100
            """).ToListAsync(ct);
        var throughput = await db.Database.SqlQuery<WeekThroughput>($"""
            SELECT week AS week, sum(started) AS started, sum(completed) AS completed FROM (
                SELECT date_trunc('week', started_at AT TIME ZONE 'UTC')::date AS week, 1 AS started, 0 AS completed
                FROM pathway_instances WHERE organization_id = {org} AND pathway_id = {id} AND started_at >= {start} AND started_at < {end}
                UNION ALL
                SELECT date_trunc('week', ended_at AT TIME ZONE 'UTC')::date, 0, 1
                FROM pathway_instances WHERE organization_id = {org} AND pathway_id = {id} AND status = 'Completed' AND ended_at >= {start} AND ended_at < {end}
            ) AS weeks GROUP BY week ORDER BY week
            """).ToListAsync(ct);
        return TypedResults.Ok(new PathwayAnalytics(id, start, end, counts, durations, [.. steps], bottlenecks, [.. stuckInstances], [.. throughput]));
    }

    private static readonly HashSet<string> StepTypesThatWait = ["task", "timer", "event", "sub-pathway", "service-call", "compensate"];

    private static async Task<Results<Ok<Workload>, ProblemHttpResult>> WorkloadAsync(WorkflowDbContext db, OrganizationScope organizations, TimeProvider time,
        CancellationToken ct)
    {
        if (WithoutOrganization(organizations) is { } refused)
        {
            return refused;
        }
        var org = organizations.OrganizationId!.Value;
        var now = time.GetUtcNow();
        var weekAgo = now.AddDays(-7);
        var members = await db.Database.SqlQuery<MemberWorkload>($"""
            SELECT coalesce(claimed_by, completed_by, assigned_user_id) AS user_id,
                   count(*) FILTER (WHERE status IN ('Ready', 'InProgress', 'OnHold')) AS open,
                   count(*) FILTER (WHERE status IN ('Ready', 'InProgress', 'OnHold') AND due_at < {now}) AS overdue,
                   count(*) FILTER (WHERE status = 'Completed' AND completed_at >= {weekAgo}) AS completed_last7days,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) FILTER (WHERE status = 'Completed' AND completed_at >= {weekAgo}) AS median_completion_seconds
            FROM tasks
            WHERE organization_id = {org} AND coalesce(claimed_by, completed_by, assigned_user_id) IS NOT NULL
              AND (status IN ('Ready', 'InProgress', 'OnHold') OR completed_at >= {weekAgo})
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 500
            """).ToListAsync(ct);
        var roles = await db.Database.SqlQuery<RoleWorkload>($"""
            SELECT assigned_role AS role,
                   count(*) FILTER (WHERE status = 'Ready' AND claimed_by IS NULL) AS unclaimed,
                   count(*) AS open,
                   count(*) FILTER (WHERE due_at < {now}) AS overdue
            FROM tasks
            WHERE organization_id = {org} AND assigned_role IS NOT NULL AND status IN ('Ready', 'InProgress', 'OnHold')
            GROUP BY assigned_role ORDER BY 3 DESC, 1 LIMIT 200
            """).ToListAsync(ct);
        return TypedResults.Ok(new Workload([.. members], [.. roles]));
    }
}
