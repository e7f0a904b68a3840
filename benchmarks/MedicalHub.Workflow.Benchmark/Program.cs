using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

// Load figures for the Workflow service (scripts/benchmark-workflow.sh, docs/benchmarks.md). Every request goes to the
// replicas' loopback URLs given; every phase is bounded in count and time, and the program ends by itself.
//   1. instance starts/s (one POST /api/pathway-instances each), with latency percentiles;
//   2. task completions/s (POST /api/tasks/{id}/complete on the tasks those starts created), with latency percentiles;
//   3. TIMERS timers due within one WINDOW-second minute: started in bulk (instances/s), then, while they fire, an API
//      probe measures latency; afterwards Workflow's database says when each fired (lateness against its due time),
//      whether any fired twice, and which replica fired it.
var o = Options.Parse(args);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; "
    + $"replicas: {o.Urls.Length}, concurrency {o.Concurrency}");

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
var clients = o.Urls.Select(u => new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(u), Timeout = TimeSpan.FromMinutes(5) }).ToArray();
var next = 0;
HttpClient Client() => clients[(int)((uint)Interlocked.Increment(ref next) % clients.Length)];

// Access tokens live 5 minutes and the run is longer: both are asked for again every 4 minutes.
using var identity = new HttpClient { BaseAddress = new Uri(o.IdentityUrl) };
var user = new Token(identity, [new("grant_type", "password"), new("client_id", "medicalhub-web"), new("username", o.Username), new("password", o.Password),
    new("scope", "openid profile")]);
var content = new Token(identity, [new("grant_type", "client_credentials"), new("client_id", "content"), new("client_secret", o.ContentSecret), new("scope", "workflow")]);

async Task<JsonNode> PostAsync(string path, object body, Token? bearer = null)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await (bearer ?? user).GetAsync());
    using var response = await Client().SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new HttpRequestException($"{path}: {(int)response.StatusCode} {text}");
    }
    return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
}

// Set-up: patients Content told Workflow about (through the real events endpoint), and the two pathways.
var organization = Guid.Parse(o.Organization);
var patients = Enumerable.Range(0, o.Patients).Select(_ => Guid.NewGuid()).ToArray();
await Parallel.ForEachAsync(patients, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (p, _) =>
    await PostAsync("/api/internal/events", new { messageId = Guid.NewGuid(), type = "patient.created", source = "content", organizationId = organization,
        occurredAt = DateTimeOffset.UtcNow, data = new { patientId = p, active = true } }, content));
async Task<Guid> PathwayAsync(string name, string definition)
{
    var created = await PostAsync("/api/care-pathways", new { name, definition = JsonNode.Parse(definition) });
    var id = created["id"]!.GetValue<Guid>();
    await PostAsync($"/api/care-pathways/{id}/versions/1/publish", new { });
    return id;
}
var taskPathway = await PathwayAsync("Benchmark: one task", """{ "start": "do", "steps": [ { "id": "do", "type": "task", "task": { "title": "Benchmark task", "role": "Nurse" } } ] }""");
var timerPathway = await PathwayAsync("Benchmark: one timer", """{ "start": "wait", "steps": [ { "id": "wait", "type": "timer", "timer": { "at": "vars.dueAt" }, "next": [ { "to": "done" } ] }, { "id": "done", "type": "end" } ] }""");
Console.WriteLine($"set-up: {patients.Length} patients (patient.created events), 2 pathways");

// Runs count calls, concurrency at a time; returns calls/s and the latencies.
async Task<(double Rate, double[] LatenciesMs, int Errors)> LoadAsync(int count, Func<int, Task> call)
{
    var latencies = new ConcurrentBag<double>();
    var errors = 0;
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (i, _) =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await call(i);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (HttpRequestException ex)
        {
            if (Interlocked.Increment(ref errors) <= 3)
            {
                Console.WriteLine($"  error: {ex.Message}");
            }
        }
    });
    return (count / clock.Elapsed.TotalSeconds, [.. latencies.Order()], errors);
}

static string Percentiles(double[] sorted) => sorted.Length == 0 ? "no successful call" :
    $"p50 {At(sorted, 0.50):0.0} ms, p90 {At(sorted, 0.90):0.0} ms, p99 {At(sorted, 0.99):0.0} ms, max {sorted[^1]:0.0} ms";
static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

var cpu = new CpuMeter(o.WorkflowPids, o.PostgresPid);

// 1. Starts.
var instances = new ConcurrentBag<Guid>();
var cpuBefore = cpu.Now();
var starts = await LoadAsync(o.Starts, async i =>
    instances.Add((await PostAsync("/api/pathway-instances", new { pathwayId = taskPathway, patientId = patients[i % patients.Length] }))["id"]!.GetValue<Guid>()));
Console.WriteLine($"== 1. instance starts (one request each): {starts.Rate:0} starts/s over {o.Starts}; {Percentiles(starts.LatenciesMs)}; errors {starts.Errors}");
Console.WriteLine(cpu.Per("start", o.Starts - starts.Errors, cpuBefore));

// 2. Completions of the tasks those instances created.
await using var db = NpgsqlDataSource.Create(o.Database);
var taskIds = new List<Guid>();
await using (var query = db.CreateCommand("SELECT id FROM tasks WHERE instance_id = ANY(@ids)"))
{
    query.Parameters.AddWithValue("ids", instances.ToArray());
    await using var reader = await query.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        taskIds.Add(reader.GetGuid(0));
    }
}
cpuBefore = cpu.Now();
var completions = await LoadAsync(taskIds.Count, async i => await PostAsync($"/api/tasks/{taskIds[i]}/complete", new { outcome = "done" }));
Console.WriteLine($"== 2. task completions (one request each, the instance ends in the same transaction): {completions.Rate:0} completions/s over {taskIds.Count}; "
    + $"{Percentiles(completions.LatenciesMs)}; errors {completions.Errors}");
Console.WriteLine(cpu.Per("completion", taskIds.Count - completions.Errors, cpuBefore));

// 3. Timers: due evenly over one window, starting LEAD seconds from now.
var firstDue = DateTimeOffset.UtcNow.AddSeconds(o.LeadSeconds);
DateTimeOffset DueOf(int i) => firstDue + TimeSpan.FromSeconds(o.WindowSeconds * (double)i / o.Timers);
var batches = Enumerable.Range(0, (o.Timers + 999) / 1000).ToArray();
cpuBefore = cpu.Now();
var bulk = Stopwatch.StartNew();
await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, _) =>
{
    var chunk = Enumerable.Range(b * 1000, Math.Min(1000, o.Timers - b * 1000))
        .Select(i => new { patientId = patients[i % patients.Length], variables = new { dueAt = DueOf(i) } }).ToArray();
    await PostAsync("/api/pathway-instances/bulk", new { pathwayId = timerPathway, patients = chunk });
});
var created = DateTimeOffset.UtcNow;
Console.WriteLine($"== 3a. bulk starts: {o.Timers} timer instances in {bulk.Elapsed.TotalSeconds:0.0} s ({o.Timers / bulk.Elapsed.TotalSeconds:0} instances/s, 1000 per request)"
    + (created > firstDue ? $"; WARNING: the first timers fell due {(created - firstDue).TotalSeconds:0.0} s before all were created" : ""));
Console.WriteLine(cpu.Per("bulk-started instance", o.Timers, cpuBefore));

// While they fire: an API probe, PROBE_RATE requests/s alternating a work list read and a single start.
var probeLatencies = new ConcurrentBag<double>();
var probeErrors = 0;
var probeEnd = firstDue.AddSeconds(o.WindowSeconds);
var untilFirst = firstDue - DateTimeOffset.UtcNow;
if (untilFirst > TimeSpan.Zero)
{
    await Task.Delay(untilFirst);
}
var cpuAtFirstDue = cpu.Now();
var probes = new List<Task>();
for (var k = 0; DateTimeOffset.UtcNow < probeEnd; k++)
{
    var index = k;
    probes.Add(Task.Run(async () =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (index % 2 == 0)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tasks?view=role&pageSize=20");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await user.GetAsync());
                using var list = await Client().SendAsync(request);
                list.EnsureSuccessStatusCode();
            }
            else
            {
                await PostAsync("/api/pathway-instances", new { pathwayId = taskPathway, patientId = patients[index % patients.Length] });
            }
            probeLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref probeErrors);
        }
    }));
    await Task.Delay(TimeSpan.FromSeconds(1.0 / o.ProbeRate));
}
await Task.WhenAll(probes);
Console.WriteLine($"== 3b. API while the timers fire ({o.ProbeRate}/s: work list reads and single starts): {Percentiles([.. probeLatencies.Order()])}; errors {probeErrors}");

// Wait for the stragglers (bounded), then read what the engine recorded.
for (var waited = 0; waited < 120 && await ScalarAsync<long>("""
        SELECT count(*) FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id
        WHERE i.pathway_id = @p AND s.step_id = 'wait' AND s.status = 'Waiting'
        """) > 0; waited++)
{
    await Task.Delay(1000);
}
await using (var stats = db.CreateCommand("""
    WITH fired AS (
        SELECT s.instance_id, s.status, s.result->>'firedBy' AS replica,
               extract(epoch FROM s.ended_at - (s.result->>'dueAt')::timestamptz) * 1000 AS late_ms
        FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id
        WHERE i.pathway_id = @p AND s.step_id = 'wait')
    SELECT count(*), count(DISTINCT instance_id), count(*) FILTER (WHERE status = 'Completed'),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY late_ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY late_ms), max(late_ms), min(late_ms),
           count(*) FILTER (WHERE late_ms > 1000), count(DISTINCT replica),
           string_agg(DISTINCT replica, ', ')
    FROM fired
    """))
{
    stats.Parameters.AddWithValue("p", timerPathway);
    await using var r = await stats.ExecuteReaderAsync();
    await r.ReadAsync();
    Console.WriteLine($"== 3c. timers: {r.GetInt64(2)} of {o.Timers} fired (step rows {r.GetInt64(0)}, distinct instances {r.GetInt64(1)}: "
        + $"{(r.GetInt64(0) == r.GetInt64(1) ? "none twice" : "SOME TWICE")}); lateness p50 {r.GetDouble(3):0} ms, p99 {r.GetDouble(4):0} ms, "
        + $"max {r.GetDouble(5):0} ms, min {r.GetDouble(6):0} ms; later than 1 s: {r.GetInt64(7)}; fired by {r.GetInt64(8)} replica(s)");
}
await using (var split = db.CreateCommand("""
    SELECT s.result->>'firedBy', count(*) FROM step_executions s JOIN pathway_instances i ON i.id = s.instance_id
    WHERE i.pathway_id = @p AND s.step_id = 'wait' AND s.status = 'Completed' GROUP BY 1 ORDER BY 1
    """))
{
    split.Parameters.AddWithValue("p", timerPathway);
    await using var r = await split.ExecuteReaderAsync();
    while (await r.ReadAsync())
    {
        Console.WriteLine($"   {r.GetString(0)}: {r.GetInt64(1)}");
    }
}
Console.WriteLine(cpu.Per("fired timer (the probe's requests included)", o.Timers, cpuAtFirstDue));
Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

async Task<T> ScalarAsync<T>(string sql)
{
    await using var command = db.CreateCommand(sql);
    command.Parameters.AddWithValue("p", timerPathway);
    return (T)(await command.ExecuteScalarAsync())!;
}

/// <summary>A bearer token from Identity's token endpoint, fetched again after four minutes (tokens live five).</summary>
internal sealed class Token(HttpClient identity, KeyValuePair<string, string>[] form) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Value, DateTimeOffset Until) _current;

    public async Task<string> GetAsync()
    {
        if (_current.Until > DateTimeOffset.UtcNow)
        {
            return _current.Value;
        }
        await _gate.WaitAsync();
        try
        {
            if (_current.Until <= DateTimeOffset.UtcNow)
            {
                using var response = await identity.PostAsync("/connect/token", new FormUrlEncodedContent(form));
                var body = await response.Content.ReadAsStringAsync();
                response.EnsureSuccessStatusCode();
                _current = (JsonNode.Parse(body)!["access_token"]!.GetValue<string>(), DateTimeOffset.UtcNow.AddMinutes(4));
            }
            return _current.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

internal sealed record Options(string[] Urls, string IdentityUrl, string Username, string Password, string ContentSecret, string Organization, string Database,
    int Patients, int Starts, int Timers, int WindowSeconds, int LeadSeconds, int Concurrency, int ProbeRate, int[] WorkflowPids, int PostgresPid)
{
    public static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }
        int Int(string name, int fallback) => map.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        string Required(string name) => map.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        return new Options(Required("urls").Split(','), Required("identity"), Required("username"), Required("password"), Required("content-secret"),
            Required("organization"), Required("db"),
            Int("patients", 1000), Int("starts", 5000), Int("timers", 100_000), Int("window", 60), Int("lead", 240), Int("concurrency", 32), Int("probe-rate", 50),
            map.TryGetValue("workflow-pids", out var pids) ? [.. pids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))] : [],
            Int("postgres-pid", 0));
    }
}

/// <summary>
/// CPU time (user + system, from /proc) spent by Workflow's replicas and by its PostgreSQL server (the postmaster and every
/// backend it forked). CPU per operation does not depend on what else the machine runs, so it gives the throughput two
/// dedicated cores would reach (2 cores / CPU per operation) beside the throughput measured on a shared, busy machine.
/// </summary>
internal sealed class CpuMeter(int[] workflowPids, int postgresPid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public bool Available => workflowPids.Length > 0 && postgresPid > 0;

    public (double Workflow, double Postgres) Now()
    {
        var postgres = 0.0;
        var workflow = workflowPids.Sum(Seconds);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && (pid == postgresPid || ParentOf(pid) == postgresPid))
            {
                postgres += Seconds(pid);
            }
        }
        return (workflow, postgres);
    }

    /// <summary>"== CPU: …" for <paramref name="operations"/> done between <paramref name="before"/> and now.</summary>
    public string Per(string what, int operations, (double Workflow, double Postgres) before)
    {
        if (!Available || operations == 0)
        {
            return "";
        }
        var now = Now();
        var workflowMs = (now.Workflow - before.Workflow) * 1000 / operations;
        var postgresMs = (now.Postgres - before.Postgres) * 1000 / operations;
        return $"   CPU per {what}: Workflow {workflowMs:0.00} ms, its Postgres {postgresMs:0.00} ms; on 2 dedicated cores: {2000 / (workflowMs + postgresMs):0} {what}s/s";
    }

    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": state is field 0
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ParentOf(int pid) => Fields(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : -1;

    private static double Seconds(int pid) => Fields(pid) is { } f
        ? (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / TicksPerSecond
        : 0;
}
