using Aspire.Hosting;
using MedicalHub.AppHost.LocalInfrastructure;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost.Tests;

public sealed class InfrastructureSettingsTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    private LocalBinaryLocator InstalledBinaries()
    {
        _dir.CreateFile("pg/bin/postgres");
        _dir.CreateFile("pg/bin/initdb");
        _dir.CreateFile("redis/redis-server");
        return new LocalBinaryLocator(_dir.Combine("redis"), [], () => _dir.Combine("pg", "bin"));
    }

    private LocalBinaryLocator NothingInstalled() =>
        new(_dir.Combine("empty"), [], () => null);

    [Fact]
    public void Process_mode_resolves_both_binaries_and_keeps_data_beside_the_repository()
    {
        var appHost = _dir.Combine("repo", "MedicalHub.AppHost");

        var settings = InfrastructureSettings.Resolve(Config(), isPublishMode: false, appHost, () => false, InstalledBinaries());

        Assert.Equal(InfrastructureMode.Processes, settings.Mode);
        Assert.Equal(_dir.Combine("pg", "bin"), settings.PostgresBinDirectory);
        Assert.Equal(_dir.Combine("redis", "redis-server"), settings.RedisServerPath);
        Assert.Equal(_dir.Combine("repo", ".data"), settings.DataDirectory);
        Assert.True(settings.FixedPorts);
    }

    [Fact]
    public void The_data_folder_and_fixed_ports_are_configurable()
    {
        var settings = InfrastructureSettings.Resolve(
            Config(("MedicalHub:DataDirectory", _dir.Combine("elsewhere")), ("MedicalHub:FixedPorts", "false")),
            isPublishMode: false, _dir.Path, () => false, InstalledBinaries());

        Assert.Equal(_dir.Combine("elsewhere"), settings.DataDirectory);
        Assert.False(settings.FixedPorts);
    }

    [Fact]
    public void Without_a_runtime_or_binaries_one_clear_message_says_what_to_install()
    {
        var error = Assert.Throws<DistributedApplicationException>(() =>
            InfrastructureSettings.Resolve(Config(), isPublishMode: false, _dir.Path, () => false, NothingInstalled()));

        Assert.Contains("No healthy container runtime", error.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL server binaries", error.Message, StringComparison.Ordinal);
        Assert.Contains("redis-server", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y postgresql redis-server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_missing_binary_is_named()
    {
        _dir.CreateFile("redis/redis-server");
        var locator = new LocalBinaryLocator(_dir.Combine("redis"), [], () => null);

        var error = Assert.Throws<DistributedApplicationException>(() =>
            InfrastructureSettings.Resolve(Config(("MedicalHub:Infrastructure", "Processes")), isPublishMode: false, _dir.Path, () => true, locator));

        Assert.Contains("PostgreSQL server binaries", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("redis-server could not", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("No healthy container runtime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Container_mode_needs_no_local_binaries()
    {
        var settings = InfrastructureSettings.Resolve(Config(), isPublishMode: false, _dir.Path, () => true, NothingInstalled());

        Assert.Equal(InfrastructureMode.Containers, settings.Mode);
        Assert.Null(settings.PostgresBinDirectory);
    }

    [Fact]
    public void Publish_mode_describes_containers_without_host_ports_even_when_processes_are_configured()
    {
        var settings = InfrastructureSettings.Resolve(Config(("MedicalHub:Infrastructure", "Processes")), isPublishMode: true, _dir.Path, () => false, NothingInstalled());

        Assert.Equal(InfrastructureMode.Containers, settings.Mode);
        Assert.False(settings.FixedPorts);
    }

    [Fact]
    public void All_services_run_unless_some_are_listed()
    {
        var all = InfrastructureSettings.Resolve(Config(), isPublishMode: false, _dir.Path, () => true, NothingInstalled());
        var some = InfrastructureSettings.Resolve(Config(("MedicalHub:Services", " identity , Content")), isPublishMode: false, _dir.Path, () => true, NothingInstalled());

        Assert.True(all.IncludesService("workflow"));
        Assert.True(some.IncludesService("identity"));
        Assert.True(some.IncludesService("content"));
        Assert.False(some.IncludesService("workflow"));
    }

    [Fact]
    public void Publish_mode_always_describes_every_service()
    {
        var settings = InfrastructureSettings.Resolve(Config(("MedicalHub:Services", "identity")), isPublishMode: true, _dir.Path, () => true, NothingInstalled());

        Assert.True(settings.IncludesService("workflow"));
    }
}
