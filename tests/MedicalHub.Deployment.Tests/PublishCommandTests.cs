namespace MedicalHub.Deployment.Tests;

/// <summary>The AppHost's publish-kubernetes step as the script runs it: bad input stops it before anything is written.</summary>
public sealed class PublishCommandTests
{
    [Theory]
    [InlineData("MedicalHub__Kubernetes__Overlays__prod__Replicas", "-1", "MedicalHub:Kubernetes:Overlays:prod:Replicas '-1'")]
    [InlineData("MedicalHub__Kubernetes__Images__Tag", "latest:v2", "MedicalHub:Kubernetes:Images:Tag 'latest:v2'")]
    [InlineData("MedicalHub__Kubernetes__Secrets__Provided__communication-client-secret", "no-slash", "MedicalHub:Kubernetes:Secrets:Provided:communication-client-secret 'no-slash'")]
    public async Task Bad_input_ends_the_command_with_the_setting_named_and_the_previous_output_untouched(string variable, string value, string expected)
    {
        using var folder = new TemporaryFolder();
        var output = Path.Combine(folder.Path, "kubernetes");
        var previous = folder.Write(Path.Combine("kubernetes", "previous.yaml"), "kind: Previous\n");

        var run = await Repository.RunAsync(Repository.AppHostExecutable,
            ["--operation", "publish", "--step", "publish-kubernetes", "--output-path", output],
            environment: new Dictionary<string, string> { [variable] = value });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("publish-kubernetes: nothing written.", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Equal(["previous.yaml"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Equal("kind: Previous\n", await File.ReadAllTextAsync(previous, TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetDirectories(folder.Path, ".kubernetes.*"));
    }

    [Fact]
    public async Task A_good_run_replaces_the_whole_output_folder()
    {
        using var folder = new TemporaryFolder();
        var output = Path.Combine(folder.Path, "kubernetes");
        folder.Write(Path.Combine("kubernetes", "base", "removed-resource.yaml"), "kind: Gone\n");

        var run = await Repository.RunAsync(Repository.AppHostExecutable, ["--operation", "publish", "--step", "publish-kubernetes", "--output-path", output]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.False(File.Exists(Path.Combine(output, "base", "removed-resource.yaml")));
        Assert.True(File.Exists(Path.Combine(output, "overlays", "prod", "kustomization.yaml")));
        Assert.Empty(Directory.GetDirectories(folder.Path, ".kubernetes.*"));
    }
}
