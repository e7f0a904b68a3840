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
double HashRate(int threads)
{
    var stopAt = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * Math.Min(options.Seconds, 10.0));
    var counts = new long[threads];
    var watch = Stopwatch.StartNew();
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
    {
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            hasher.VerifyHashedPassword(new object(), hash, "correct horse battery staple");
            counts[t]++;
        }
    });
    return counts.Sum() / watch.Elapsed.TotalSeconds;
}
var hashSingle = HashRate(1);
var hashAll = HashRate(cores);

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

// Runs `operation` from `concurrency` workers for the configured time (after a short warm-up) and returns completed operations per second.
async Task<Figure> MeasureAsync(string name, int concurrency, Func<int, Task<Func<Task<bool>>>> createWorker)
{
    var workers = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(createWorker));
    var warmUntil = DateTime.UtcNow.AddSeconds(2);
    await Task.WhenAll(workers.Select(async w => { while (DateTime.UtcNow < warmUntil) { await w(); } }));

    long ok = 0, failed = 0;
    var watch = Stopwatch.StartNew();
    var until = DateTime.UtcNow.AddSeconds(options.Seconds);
    await Task.WhenAll(workers.Select(async w =>
    {
        while (DateTime.UtcNow < until)
        {
            if (await w()) { Interlocked.Increment(ref ok); } else { Interlocked.Increment(ref failed); }
        }
    }));
    return new Figure(name, ok / watch.Elapsed.TotalSeconds, failed);
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
Console.WriteLine($"raw password hash (ASP.NET Core Identity, PBKDF2-SHA512, {iterations:N0} iterations): {N(hashSingle)}/s on 1 thread, {N(hashAll)}/s on {cores} threads");
Console.WriteLine();
Console.WriteLine($"| {"figure",-28} | {"total",9} | {"per vCPU",9} | {"Keycloak per vCPU",17} | {"failed",6} | note");
Console.WriteLine($"|{new string('-', 30)}|{new string('-', 11)}|{new string('-', 11)}|{new string('-', 19)}|{new string('-', 8)}|------");
foreach (var f in figures)
{
    var note = f.Note ?? f.Name switch
    {
        "password logins/s" => $"{f.Rate / hashAll:P0} of the raw hash rate on all cores (target ≥ 90%)",
        "refresh grants/s" or "client-credentials grants/s" => $"target ≥ 500/s per vCPU",
        _ => "",
    };
    Console.WriteLine($"| {f.Name,-28} | {N(f.Rate),9} | {N(f.Rate / cores),9} | {(keycloak.TryGetValue(f.Name, out var k) ? N(k) : "—"),17} | {f.Failed,6} | {note}");
}
return 0;

internal sealed record Figure(string Name, double? Rate, long Failed, string? Note = null);

internal sealed record Options(string Url, string Email, string Password, int Seconds, int Concurrency, string? ClientId, string? ClientSecret,
    string? AdminEmail, bool PrintClient)
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
            args.Contains("--print-client"));
    }
}
