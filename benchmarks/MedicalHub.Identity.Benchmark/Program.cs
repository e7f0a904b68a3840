using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;

// Load figures for the Identity service (see scripts/benchmark-identity.sh and docs/benchmarks.md). Every
// request goes to the --url given (loopback); each figure runs for a bounded time and the program ends by itself.
var options = Options.Parse(args);
var cores = Environment.ProcessorCount;
Console.WriteLine($"machine: {cores} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {options.Seconds} s per figure, {options.Concurrency} concurrent clients");

// 1. The raw password-hash rate: ASP.NET Core Identity's hasher with its default options, as the service uses it
//    (PBKDF2-HMAC-SHA512, 100,000 iterations), verifying a stored hash as a login does.
var hasher = new PasswordHasher<object>();
var hash = hasher.HashPassword(new object(), "correct horse battery staple");
var iterations = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(Convert.FromBase64String(hash).AsSpan(5, 4)); // format v3: marker, PRF, iterations
// Returns hashes per second and the CPU milliseconds one hash costs (this process's CPU time over the hashes).
(double Rate, double CpuMs) HashRate(int threads)
{
    if (options.Only is { } only && !"password logins/s".StartsWith(only, StringComparison.Ordinal))
    {
        return (double.NaN, double.NaN);
    }
    var stopAt = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * Math.Min(options.Seconds, 10.0));
    var counts = new long[threads];
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
    {
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            hasher.VerifyHashedPassword(new object(), hash, "correct horse battery staple");
            counts[t]++;
        }
    });
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    return (counts.Sum() / watch.Elapsed.TotalSeconds, cpu.TotalMilliseconds / counts.Sum());
}
var (hashSingle, hashCpuMs) = HashRate(1);
var (hashAll, _) = HashRate(cores);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    BaseAddress = new Uri(options.Url),
    Timeout = TimeSpan.FromSeconds(30),
};

async Task<JsonElement> TokenAsync(params (string Key, string Value)[] form)
{
    using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))));
    var body = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : throw new HttpRequestException($"{(int)response.StatusCode}: {body}");
}

(string Key, string Value)[] PasswordForm() =>
    [("grant_type", "password"), ("client_id", "medicalhub-web"), ("username", options.Email), ("password", options.Password), ("scope", "openid offline_access")];

// The account may still be being seeded when the service first answers: wait for the first login.
JsonElement first = default;
for (var attempt = 0; ; attempt++)
{
    try
    {
        first = await TokenAsync(PasswordForm());
        break;
    }
    catch (HttpRequestException) when (attempt < 60)
    {
        await Task.Delay(1000);
    }
}

// Runs `operation` from `concurrency` workers for the configured time (after a short warm-up) and returns completed operations per second,
// with the CPU time the Identity process spent meanwhile when its process id is given (--service-pid).
async Task<Figure> MeasureAsync(string name, int concurrency, Func<int, Task<Func<Task<bool>>>> createWorker)
{
    if (options.Only is { } only && !name.StartsWith(only, StringComparison.Ordinal))
    {
        return new Figure(name, null, 0, "not measured (--only)");
    }
    var workers = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(createWorker));
    var warmUntil = DateTime.UtcNow.AddSeconds(2);
    await Task.WhenAll(workers.Select(async w => { while (DateTime.UtcNow < warmUntil) { await w(); } }));

    long ok = 0, failed = 0;
    var cpuBefore = ServiceCpu.Seconds(options.ServicePid);
    var watch = Stopwatch.StartNew();
    var until = DateTime.UtcNow.AddSeconds(options.Seconds);
    await Task.WhenAll(workers.Select(async w =>
    {
        while (DateTime.UtcNow < until)
        {
            if (await w()) { Interlocked.Increment(ref ok); } else { Interlocked.Increment(ref failed); }
        }
    }));
    var elapsed = watch.Elapsed.TotalSeconds;
    var serviceCpu = ServiceCpu.Seconds(options.ServicePid) - cpuBefore;
    return new Figure(name, ok / elapsed, failed, ServiceCpuSeconds: serviceCpu, Operations: ok);
}

var figures = new List<Figure>();

figures.Add(await MeasureAsync("password logins/s", options.Concurrency, _ => Task.FromResult<Func<Task<bool>>>(async () =>
{
    using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(PasswordForm().Select(f => KeyValuePair.Create(f.Key, f.Value))));
    return response.IsSuccessStatusCode;
})));

figures.Add(await MeasureAsync("refresh grants/s", options.Concurrency, async _ =>
{
    // Each worker follows its own rotating chain, as a client does.
    var refreshToken = (await TokenAsync(PasswordForm())).GetProperty("refresh_token").GetString()!;
    return async () =>
    {
        try
        {
            var tokens = await TokenAsync(("grant_type", "refresh_token"), ("client_id", "medicalhub-web"), ("refresh_token", refreshToken));
            refreshToken = tokens.GetProperty("refresh_token").GetString()!;
            return true;
        }
        catch (HttpRequestException)
        {
            refreshToken = (await TokenAsync(PasswordForm())).GetProperty("refresh_token").GetString()!;
            return false;
        }
    };
}));

// Without a client given, the demo practice's administrator creates an integrator's API client for the run.
var (clientId, clientSecret) = (options.ClientId, options.ClientSecret);
if ((clientId is null || clientSecret is null) && options.AdminEmail is not null)
{
    var admin = await TokenAsync(("grant_type", "password"), ("client_id", "medicalhub-web"), ("username", options.AdminEmail), ("password", options.Password), ("scope", "openid"));
    using var create = new HttpRequestMessage(HttpMethod.Post, "/api/organizations/current/clients")
    {
        Content = System.Net.Http.Json.JsonContent.Create(new { name = $"benchmark {DateTime.UtcNow:yyyy-MM-dd HH:mm}", permissions = (string[])["documents:read"] }),
    };
    create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.GetProperty("access_token").GetString());
    using var created = await http.SendAsync(create);
    var body = await created.Content.ReadAsStringAsync();
    if (!created.IsSuccessStatusCode)
    {
        throw new HttpRequestException($"Creating the API client failed: {(int)created.StatusCode}: {body}");
    }
    var client = JsonDocument.Parse(body).RootElement;
    (clientId, clientSecret) = (client.GetProperty("clientId").GetString(), client.GetProperty("clientSecret").GetString());
}

if (clientId is not null && clientSecret is not null)
{
    if (options.PrintClient)
    {
        Console.WriteLine($"api client: {clientId} {clientSecret}");
    }
    figures.Add(await MeasureAsync("client-credentials grants/s", options.Concurrency, _ => Task.FromResult<Func<Task<bool>>>(async () =>
    {
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret,
        }));
        return response.IsSuccessStatusCode;
    })));
}
else
{
    figures.Add(new Figure("client-credentials grants/s", null, 0, "n/a: no client given (--client-id/--client-secret or --admin-email)"));
}

var accessToken = first.GetProperty("access_token").GetString()!;
figures.Add(await MeasureAsync("/auth/validate calls/s", options.Concurrency * 2, _ => Task.FromResult<Func<Task<bool>>>(async () =>
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/validate");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
    using var response = await http.SendAsync(request);
    return response.IsSuccessStatusCode;
})));

var keycloak = new Dictionary<string, double> { ["password logins/s"] = 15, ["refresh grants/s"] = 120, ["client-credentials grants/s"] = 120 };
string N(double? value) => value is { } v ? v.ToString(v >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture) : "n/a";

Console.WriteLine();
Console.WriteLine($"raw password hash (ASP.NET Core Identity, PBKDF2-SHA512, {iterations:N0} iterations): {N(hashSingle)}/s on 1 thread, {N(hashAll)}/s on {cores} threads; {N(hashCpuMs)} ms of CPU per hash");
Console.WriteLine();
// Two ways to say "per vCPU": the rate over the machine's cores (the load generator and Postgres share them), and the
// rate per CPU-second the Identity process itself used (what Keycloak's sizing counts: the Keycloak process's CPU).
Console.WriteLine($"| {"figure",-28} | {"total",9} | {"per vCPU",9} | {"per Identity CPU-s",18} | {"Identity CPU ms/op",18} | {"Keycloak per vCPU",17} | {"failed",6} | note");
Console.WriteLine($"|{new string('-', 30)}|{new string('-', 11)}|{new string('-', 11)}|{new string('-', 20)}|{new string('-', 20)}|{new string('-', 19)}|{new string('-', 8)}|------");
foreach (var f in figures)
{
    var note = f.Note ?? f.Name switch
    {
        "password logins/s" => $"{f.Rate / hashAll:P0} of the raw hash rate on all cores (target ≥ 90%)"
            + (f.ServiceCpuSeconds is > 0 && f.Operations > 0 ? $"; the hash is {hashCpuMs / (f.ServiceCpuSeconds.Value * 1000 / f.Operations):P0} of Identity's CPU per login" : ""),
        "refresh grants/s" or "client-credentials grants/s" => $"target ≥ 500/s per vCPU",
        _ => "",
    };
    var perCpuSecond = f.ServiceCpuSeconds is > 0 ? f.Operations / f.ServiceCpuSeconds : null;
    var cpuPerOperation = f.ServiceCpuSeconds is { } cpu && f.Operations > 0 ? cpu * 1000 / f.Operations : (double?)null;
    Console.WriteLine($"| {f.Name,-28} | {N(f.Rate),9} | {N(f.Rate / cores),9} | {N(perCpuSecond),18} | {N(cpuPerOperation),18} | {(keycloak.TryGetValue(f.Name, out var k) ? N(k) : "—"),17} | {f.Failed,6} | {note}");
}
return 0;

internal sealed record Figure(string Name, double? Rate, long Failed, string? Note = null, double? ServiceCpuSeconds = null, long Operations = 0);

/// <summary>The CPU time (user + system) of a process from <c>/proc/&lt;pid&gt;/stat</c>, in seconds; null without a process id.</summary>
internal static class ServiceCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on Linux

    public static double? Seconds(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }
        var stat = File.ReadAllText($"/proc/{id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields after "(comm)": field 3 is fields[0]
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond; // utime, stime
    }
}

internal sealed record Options(string Url, string Email, string Password, int Seconds, int Concurrency, string? ClientId, string? ClientSecret,
    string? AdminEmail, bool PrintClient, int? ServicePid, string? Only)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Options(
            Value("--url") ?? "http://localhost:8001",
            Value("--email") ?? throw new ArgumentException("--email is required"),
            Value("--password") ?? throw new ArgumentException("--password is required"),
            int.Parse(Value("--seconds") ?? "15", CultureInfo.InvariantCulture),
            int.Parse(Value("--concurrency") ?? "8", CultureInfo.InvariantCulture),
            Value("--client-id"),
            Value("--client-secret"),
            Value("--admin-email"),
            args.Contains("--print-client"),
            Value("--service-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            Value("--only"));
    }
}
