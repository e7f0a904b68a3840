using MedicalHub.AppHost.LocalInfrastructure;

namespace MedicalHub.AppHost.Tests;

public sealed class InfrastructureModeTests
{
    [Theory]
    [InlineData(InfrastructureMode.Auto, true, InfrastructureMode.Containers)]
    [InlineData(InfrastructureMode.Auto, false, InfrastructureMode.Processes)]
    [InlineData(InfrastructureMode.Containers, false, InfrastructureMode.Containers)]
    [InlineData(InfrastructureMode.Processes, true, InfrastructureMode.Processes)]
    public void Run_mode_follows_the_setting_and_the_runtime(InfrastructureMode configured, bool runtimeHealthy, InfrastructureMode expected)
    {
        Assert.Equal(expected, InfrastructureModeResolver.Resolve(configured, isPublishMode: false, () => runtimeHealthy));
    }

    [Theory]
    [InlineData(InfrastructureMode.Auto)]
    [InlineData(InfrastructureMode.Processes)]
    [InlineData(InfrastructureMode.Containers)]
    public void Publish_mode_always_describes_containers_without_probing_a_runtime(InfrastructureMode configured)
    {
        var probed = false;
        var mode = InfrastructureModeResolver.Resolve(configured, isPublishMode: true, () => probed = true);

        Assert.Equal(InfrastructureMode.Containers, mode);
        Assert.False(probed);
    }

    [Fact]
    public void An_explicit_mode_does_not_probe_the_runtime()
    {
        var probed = false;
        InfrastructureModeResolver.Resolve(InfrastructureMode.Processes, isPublishMode: false, () => probed = true);
        Assert.False(probed);
    }

    [Theory]
    [InlineData(null, InfrastructureMode.Auto)]
    [InlineData("", InfrastructureMode.Auto)]
    [InlineData("processes", InfrastructureMode.Processes)]
    [InlineData("CONTAINERS", InfrastructureMode.Containers)]
    public void The_setting_is_read_case_insensitively(string? value, InfrastructureMode expected)
    {
        Assert.Equal(expected, InfrastructureModeResolver.Parse(value));
    }

    [Theory]
    [InlineData("kubernetes")]
    [InlineData("7")]
    public void An_unknown_setting_is_refused_with_the_valid_names(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => InfrastructureModeResolver.Parse(value));
        Assert.Contains("Auto, Containers, Processes", error.Message, StringComparison.Ordinal);
    }
}
