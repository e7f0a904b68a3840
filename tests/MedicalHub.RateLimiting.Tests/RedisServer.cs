using System.Diagnostics;
using System.Net.Sockets;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(MedicalHub.Tests.RedisServer))]

namespace MedicalHub.Tests;

/// <summary>
/// A real <c>redis-server</c> for the unit tests that depend on what Redis does (the limiter's Lua script, <c>SET NX</c>
/// with expiry): started once per test assembly on a Unix socket of its own (no TCP port, so nothing to collide with
/// other stacks on the machine), without persistence, and stopped by its process id after the tests. Shared by
/// MedicalHub.RateLimiting.Tests and MedicalHub.Identity.Tests (linked there). <c>scripts/test.sh</c> installs Redis
/// like the rest of the suite's prerequisites; <c>REDIS_SERVER</c> or <c>MedicalHub__RedisServerPath</c> (as for the
/// AppHost) names another binary.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"mh-redis-{Guid.NewGuid():N}"[..22]);
    private Process? _process;

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var socket = Path.Combine(_directory, "redis.sock");
        _process = Process.Start(new ProcessStartInfo(FindRedisServer(),
            ["--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--dir", _directory, "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var options = new ConfigurationOptions
        {
            EndPoints = { new UnixDomainSocketEndPoint(socket) },
            AbortOnConnectFail = true,
            AllowAdmin = true,
            ConnectTimeout = 2000,
            SyncTimeout = 10000,
            AsyncTimeout = 10000,
        };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                Connection = await ConnectionMultiplexer.ConnectAsync(options);
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The server itself, for commands that are not a key's (<c>KEYS</c>, <c>FLUSHDB</c>).</summary>
    public IServer Server => Connection.GetServer(Connection.GetEndPoints().Single());

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FindRedisServer()
    {
        var configured = Environment.GetEnvironmentVariable("REDIS_SERVER") ?? Environment.GetEnvironmentVariable("MedicalHub__RedisServerPath");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("redis-server is not installed: run scripts/test.sh (it installs the prerequisites), or set REDIS_SERVER.");
    }
}
