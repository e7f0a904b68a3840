using System.Globalization;
using System.Net;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>
/// Process analytics over instances whose times the test sets in Workflow's database, so that every figure has one right
/// value: durations (median, p90), weekly throughput, stuck instances, workload per member and per role.
/// </summary>
public sealed class AnalyticsTests(StackFixture stack) : IDisposable
{
    private readonly WorkflowClient _workflow = new(stack);

    public void Dispose() => _workflow.Dispose();

    [Fact]
    public async Task A_pathway_s_durations_throughput_stuck_instances_and_workload_are_what_its_instances_did()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var nurse = await _workflow.MemberAsync(admin, IdentityClient.NurseRole);
        var pathway = await _workflow.PublishedPathwayAsync(admin, """
            { "start": "do", "steps": [ { "id": "do", "type": "task", "task": { "title": "Check the feet", "role": "Nurse" } } ] }
            """);
        var patient = await _workflow.KnownPatientAsync(admin);
        var instances = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            instances.Add(await _workflow.StartAsync(admin, pathway, patient));
        }
        var tasks = new List<Guid>();
        foreach (var instance in instances)
        {
            tasks.Add(WorkflowClient.OpenTask(await _workflow.InstanceAsync(admin, instance)).GetProperty("id").GetGuid());
        }
        // The nurse does four; the fifth stays open, claimed by nobody.
        foreach (var task in tasks.Take(4))
        {
            await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/claim", nurse.Token);
            await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{task}/complete", nurse.Token, new { outcome = "done" });
        }

        // Times made exact: the four took 10, 20, 30 and 100 s; two were started (and ended) two weeks ago; the open one has
        // not moved for eight days.
        var now = DateTimeOffset.UtcNow;
        var seconds = new[] { 10, 20, 30, 100 };
        var starts = new[] { now.AddDays(-14), now.AddDays(-14), now.AddHours(-1), now.AddHours(-1) };
        for (var i = 0; i < 4; i++)
        {
            var (start, end) = (starts[i], starts[i].AddSeconds(seconds[i]));
            await ExecuteAsync("UPDATE pathway_instances SET started_at = @s, ended_at = @e, updated_at = @e WHERE id = @i", ("s", start), ("e", end), ("i", instances[i]));
            await ExecuteAsync("UPDATE step_executions SET started_at = @s, ended_at = @e WHERE instance_id = @i", ("s", start), ("e", end), ("i", instances[i]));
            await ExecuteAsync("UPDATE tasks SET created_at = @s, completed_at = @e WHERE id = @t", ("s", now.AddHours(-2)), ("e", now.AddHours(-2).AddSeconds(seconds[i])), ("t", tasks[i]));
        }
        var idleSince = now.AddDays(-8);
        await ExecuteAsync("UPDATE pathway_instances SET started_at = @s, updated_at = @s WHERE id = @i", ("s", idleSince), ("i", instances[4]));
        await ExecuteAsync("UPDATE step_executions SET started_at = @s WHERE instance_id = @i", ("s", idleSince), ("i", instances[4]));

        var analytics = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/care-pathways/{pathway}/analytics", admin.Token);
        var counts = analytics.GetProperty("instances");
        Assert.Equal(4, counts.GetProperty("completed").GetInt32());
        Assert.Equal(1, counts.GetProperty("running").GetInt32());
        var durations = analytics.GetProperty("instanceDurations");
        Assert.Equal(4, durations.GetProperty("count").GetInt32());
        Assert.Equal(25, durations.GetProperty("medianSeconds").GetDouble(), 3);     // halfway between 20 and 30
        Assert.Equal(79, durations.GetProperty("p90Seconds").GetDouble(), 3);        // 30 + 0.7 × (100 − 30)
        var step = Assert.Single(analytics.GetProperty("steps").EnumerateArray());
        Assert.Equal(("do", "task", 5, 4, 1), (step.GetProperty("stepId").GetString()!, step.GetProperty("type").GetString()!, step.GetProperty("entered").GetInt32(),
            step.GetProperty("completed").GetInt32(), step.GetProperty("open").GetInt32()));
        Assert.Equal(25, step.GetProperty("medianSeconds").GetDouble(), 3);
        Assert.Equal(79, step.GetProperty("p90Seconds").GetDouble(), 3);
        Assert.InRange(step.GetProperty("openSecondsTotal").GetDouble(), TimeSpan.FromDays(8).TotalSeconds, TimeSpan.FromDays(8).TotalSeconds + 600);
        Assert.Equal("do", Assert.Single(analytics.GetProperty("bottlenecks").EnumerateArray()).GetProperty("stepId").GetString());

        var stuck = Assert.Single(analytics.GetProperty("stuck").EnumerateArray());
        Assert.Equal(instances[4], stuck.GetProperty("instanceId").GetGuid());
        Assert.Equal("do", stuck.GetProperty("currentStepId").GetString());
        Assert.Empty((await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/care-pathways/{pathway}/analytics?stuckAfter=P30D", admin.Token)).GetProperty("stuck").EnumerateArray());

        // Weekly throughput: ISO weeks (Monday, UTC) of the starts and ends set above.
        var expected = new Dictionary<DateOnly, (int Started, int Completed)>();
        void Count(DateTimeOffset at, int started, int completed)
        {
            var week = Monday(at);
            var (s, c) = expected.GetValueOrDefault(week);
            expected[week] = (s + started, c + completed);
        }
        for (var i = 0; i < 4; i++)
        {
            Count(starts[i], 1, 0);
            Count(starts[i].AddSeconds(seconds[i]), 0, 1);
        }
        Count(idleSince, 1, 0);
        var throughput = analytics.GetProperty("throughput").EnumerateArray()
            .ToDictionary(w => DateOnly.Parse(w.GetProperty("week").GetString()!, CultureInfo.InvariantCulture), w => (w.GetProperty("started").GetInt32(), w.GetProperty("completed").GetInt32()));
        Assert.Equal(expected.OrderBy(e => e.Key), throughput.OrderBy(e => e.Key));

        // Workload: the nurse's four completed (median 25 s from creation to completion); the open task is her role's, unclaimed.
        var workload = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/workflow-analytics/workload", admin.Token);
        var member = Assert.Single(workload.GetProperty("members").EnumerateArray());
        Assert.Equal(nurse.Account.UserId, member.GetProperty("userId").GetGuid());
        Assert.Equal(0, member.GetProperty("open").GetInt32());
        Assert.Equal(4, member.GetProperty("completedLast7Days").GetInt32());
        Assert.Equal(25, member.GetProperty("medianCompletionSeconds").GetDouble(), 3);
        var role = Assert.Single(workload.GetProperty("roles").EnumerateArray());
        Assert.Equal(("Nurse", 1, 1, 0), (role.GetProperty("role").GetString()!, role.GetProperty("unclaimed").GetInt32(), role.GetProperty("open").GetInt32(), role.GetProperty("overdue").GetInt32()));

        // The nurse claims it: now hers.
        await _workflow.OkJsonAsync(HttpMethod.Post, $"/api/tasks/{tasks[4]}/claim", nurse.Token);
        workload = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/workflow-analytics/workload", admin.Token);
        Assert.Equal(1, Assert.Single(workload.GetProperty("members").EnumerateArray()).GetProperty("open").GetInt32());
        Assert.Equal(0, Assert.Single(workload.GetProperty("roles").EnumerateArray()).GetProperty("unclaimed").GetInt32());

        // Another organization sees none of it.
        var stranger = await _workflow.NewOrganizationAdminAsync();
        using (var foreign = await _workflow.SendAsync(HttpMethod.Get, $"/api/care-pathways/{pathway}/analytics", stranger.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }
        var theirs = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/workflow-analytics/workload", stranger.Token);
        Assert.Empty(theirs.GetProperty("members").EnumerateArray());
        Assert.Empty(theirs.GetProperty("roles").EnumerateArray());
    }

    private static DateOnly Monday(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters) => await _workflow.ScalarAsync(sql, parameters);
}
