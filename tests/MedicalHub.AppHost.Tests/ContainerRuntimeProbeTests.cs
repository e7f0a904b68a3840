using MedicalHub.AppHost.LocalInfrastructure;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the fake runtimes are shell scripts
public sealed class ContainerRuntimeProbeTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string FakeRuntime(string script)
    {
        var path = _dir.CreateFile("fake-docker", "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void A_runtime_whose_engine_reports_a_version_is_healthy()
    {
        Assert.True(ContainerRuntimeProbe.IsHealthy(FakeRuntime("echo 28.2.2"), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_client_without_an_engine_is_not_healthy()
    {
        var runtime = FakeRuntime("echo 'Cannot connect to the Docker daemon' >&2; exit 1");
        Assert.False(ContainerRuntimeProbe.IsHealthy(runtime, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_runtime_that_hangs_is_not_healthy()
    {
        Assert.False(ContainerRuntimeProbe.IsHealthy(FakeRuntime("sleep 30"), TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void A_missing_runtime_is_not_healthy()
    {
        Assert.False(ContainerRuntimeProbe.IsHealthy(_dir.Combine("no-such-runtime"), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void The_runtime_follows_Aspire_s_setting()
    {
        var podman = new ConfigurationBuilder().AddInMemoryCollection([new("ASPIRE_CONTAINER_RUNTIME", "podman")]).Build();
        Assert.Equal("podman", ContainerRuntimeProbe.RuntimeName(podman));
        Assert.Equal("docker", ContainerRuntimeProbe.RuntimeName(new ConfigurationBuilder().Build()));
    }
}
