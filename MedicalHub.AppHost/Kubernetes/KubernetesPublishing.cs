#pragma warning disable ASPIREPIPELINES001
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalHub.AppHost.Kubernetes;

public static class KubernetesPublishing
{
    public const string StepName = "publish-kubernetes";

    /// <summary>
    /// Adds the pipeline step <c>publish-kubernetes</c>: <c>--operation publish --step publish-kubernetes --output-path DIR</c>
    /// writes the Kustomize base and overlays of this app model into DIR (replacing what was there), or, on bad
    /// settings or a resource it cannot run, writes nothing, prints why and ends the AppHost with exit code 2.
    /// Settings: <c>deploy/kubernetes.settings.json</c> and <c>MedicalHub:Kubernetes</c> (see <see cref="KubernetesSettings"/>).
    /// </summary>
    public static IDistributedApplicationBuilder AddKubernetesPublishing(this IDistributedApplicationBuilder builder)
    {
        var repository = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        builder.Pipeline.AddStep(StepName, async context =>
        {
            var output = context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.OutputPath
                ?? Path.Combine(repository, "deploy", "kubernetes");
            try
            {
                var configuration = context.Services.GetRequiredService<IConfiguration>();
                var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                var files = await GenerateAsync(context.Model, context.ExecutionContext, configuration, repository, context.CancellationToken);
                ManifestOutput.Replace(output, files);
                context.Logger.LogInformation("Wrote {Count} Kubernetes files to {Output} in {Milliseconds} ms", files.Count, output, stopwatch.ElapsedMilliseconds);
            }
            catch (KubernetesPublishingException problem)
            {
                await Console.Error.WriteLineAsync($"publish-kubernetes: nothing written. {problem.Message}");
                Environment.ExitCode = 2;
            }
        });
        return builder;
    }

    /// <summary>The files for the model with the repository's settings file and the AppHost's overrides.</summary>
    public static Task<IReadOnlyDictionary<string, string>> GenerateAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext,
        IConfiguration configuration, string repository, CancellationToken cancellationToken)
    {
        var settings = KubernetesSettings.Read(configuration, Path.Combine(repository, "deploy", KubernetesSettings.SettingsFileName));
        return new KubernetesManifestGenerator(settings, repository).GenerateAsync(model, executionContext, cancellationToken);
    }
}
