using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Patient search by name prefix on an organization of N patients (default 10,000), through Content's HTTP API with a real
// token, its organization filter and its PHI access audit (every search appends a signed record): the latency one client
// sees, in order, for M searches (default 1,000) of a random 3-letter family-name prefix. Starts Identity and Content
// only, through the AppHost, on ports the orchestrator picks and a throw-away data folder; seeds the demo practice's
// patients as its practitioner over the API. Arguments: --patients N --searches M --concurrency C (seeding).
var patients = Argument("--patients", 10_000);
var searches = Argument("--searches", 1_000);
var concurrency = Argument("--concurrency", 8);
using var stopping = new CancellationTokenSource(TimeSpan.FromMinutes(60));
var ct = stopping.Token;

var data = Directory.CreateTempSubdirectory("medicalhub-bench-content-");
if (!OperatingSystem.IsWindows())
{
    File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101); // the unprivileged 'postgres' user must reach it
}
try
{
    var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MedicalHub_AppHost>(
        [$"MedicalHub:DataDirectory={data.FullName}", "MedicalHub:FixedPorts=false", "MedicalHub:Services=identity,content"],
        (options, _) => options.DisableDashboard = true, ct);
    // The services' own logs, and a log line per request of this client, stay out of the figures.
    builder.Services.AddLogging(logging => logging.AddFilter("MedicalHub.AppHost.Resources", LogLevel.Warning).AddFilter("Aspire", LogLevel.Warning)
        .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));
    await using var app = await builder.BuildAsync(ct);
    await app.StartAsync(ct);
    await app.ResourceNotifications.WaitForResourceHealthyAsync("identity", ct);
    await app.ResourceNotifications.WaitForResourceHealthyAsync("content", ct);

    var password = await app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
        .Single(p => p.Name == "identity-demo-password").GetValueAsync(ct);
    using var identity = app.CreateHttpClient("identity", "http");
    using var login = await identity.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "password", ["client_id"] = "medicalhub-web", ["username"] = "doctor@demo.medicalhub.local", ["password"] = password!,
        ["scope"] = "openid profile",
    }), ct);
    login.EnsureSuccessStatusCode();
    var token = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("access_token").GetString();
    using var content = app.CreateHttpClient("content", "http");
    content.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    var random = new Random(12345);
    string[] families = [.. Enumerable.Range(0, 400).Select(_ => Name(random, 5, 10))];
    string[] givens = [.. Enumerable.Range(0, 300).Select(_ => Name(random, 3, 8))];

    var seeding = Stopwatch.StartNew();
    var next = 0;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i <= patients; i = Interlocked.Increment(ref next))
        {
            var body = new
            {
                names = new[] { new { use = "official", family = families[i % families.Length], given = new[] { givens[i * 7 % givens.Length] } } },
                birthDate = new DateOnly(1930, 1, 1).AddDays(i * 3 % 30_000).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                gender = i % 2 == 0 ? "female" : "male",
            };
            using var created = await content.PostAsJsonAsync("/api/patients", body, ct);
            created.EnsureSuccessStatusCode();
        }
    }));
    Console.WriteLine($"seeded {patients} patients in {seeding.Elapsed.TotalSeconds:F0} s ({patients / seeding.Elapsed.TotalSeconds:F0}/s, {concurrency} clients)");

    async Task<(double Ms, int Hits)> SearchAsync(string prefix)
    {
        var watch = Stopwatch.StartNew();
        using var response = await content.GetAsync($"/api/patients?name={prefix}&pageSize=20", ct);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        watch.Stop();
        response.EnsureSuccessStatusCode();
        return (watch.Elapsed.TotalMilliseconds, page.GetProperty("total").GetInt32());
    }
    string Prefix() => families[random.Next(families.Length)][..3];

    for (var i = 0; i < 300; i++)
    {
        await SearchAsync(Prefix()); // warm-up: JIT, tiered compilation, prepared statements, caches
    }
    var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
    var results = new List<(double Ms, int Hits)>(searches);
    for (var i = 0; i < searches; i++)
    {
        results.Add(await SearchAsync(Prefix()));
    }
    var sorted = results.Select(r => r.Ms).Order().ToArray();
    double Percentile(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    Console.WriteLine($"patients: {patients}; searches: {searches} (one client, name prefix of 3 letters, page of 20, total counted, each search audited)");
    Console.WriteLine($"hits per search: mean {results.Average(r => r.Hits):F0}, min {results.Min(r => r.Hits)}, max {results.Max(r => r.Hits)}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"latency ms: p50 {Percentile(0.50):F2}  p95 {Percentile(0.95):F2}  p99 {Percentile(0.99):F2}  max {sorted[^1]:F2}  mean {sorted.Average():F2}"));
    Console.WriteLine($"load average at the start of the measured searches: {string.Join(' ', load)} ({Environment.ProcessorCount} vCPU)");
    Console.WriteLine(Percentile(0.95) <= 10 ? "p95 within the 10 ms goal" : "p95 OVER the 10 ms goal");
}
finally
{
    // The AppHost stopped the Postgres and Redis processes it started when it was disposed.
    try
    {
        data.Delete(recursive: true);
    }
    catch (IOException)
    {
    }
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static string Name(Random random, int min, int max)
{
    const string consonants = "bcdfghjklmnprstvz", vowels = "aeiou";
    var length = random.Next(min, max + 1);
    var chars = new char[length];
    for (var i = 0; i < length; i++)
    {
        chars[i] = i % 2 == 0 ? consonants[random.Next(consonants.Length)] : vowels[random.Next(vowels.Length)];
    }
    chars[0] = char.ToUpperInvariant(chars[0]);
    return new string(chars);
}
