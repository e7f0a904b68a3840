using System.Text.Json;
using k8s;

namespace MedicalHub.Deployment.Tests;

/// <summary>
/// The committed manifests (deploy/kubernetes, kept equal to the generator's output by CI) against the Kubernetes API's
/// own definitions, offline: the OpenAPI schemas of a current release through the validators kubernetes-models generates
/// from them (kubernetes-schema/validate.mjs), and the Kubernetes client's models, read strictly, for unknown fields.
/// </summary>
public sealed class KubernetesSchemaTests
{
    private static readonly string Validator = Repository.Path("tests", "MedicalHub.Deployment.Tests", "kubernetes-schema", "validate.mjs");

    [Fact]
    public async Task Every_object_validates_against_the_Kubernetes_OpenAPI_schemas()
    {
        var result = await ValidateAsync(Manifests.ObjectFiles());

        Assert.True(result.Errors.Count == 0, string.Join(Environment.NewLine, result.Errors));
        Assert.True(result.Objects >= 60, $"only {result.Objects} objects were checked");
    }

    [Fact]
    public async Task The_schema_validator_reports_a_broken_object()
    {
        using var folder = new TemporaryFolder();
        var broken = folder.Write("broken.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: broken
            spec:
              selector:
                matchLabels: { app: broken }
              template:
                spec:
                  containers:
                    - image: registry.example.org/medicalhub/broken:1
                      ports:
                        - containerPort: "http"
            """);

        var result = await ValidateAsync([broken]);

        var errors = string.Join(Environment.NewLine, result.Errors);
        Assert.Contains("must have required property name", errors, StringComparison.Ordinal);
        Assert.Contains("containerPort must be integer", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_is_one_the_Kubernetes_API_knows()
    {
        foreach (var file in Manifests.ObjectFiles())
        {
            var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true);
            Assert.NotEmpty(objects);
        }
    }

    [Fact]
    public void A_misspelt_field_is_refused()
    {
        var misspelt = """
            apiVersion: v1
            kind: Service
            metadata:
              name: identity
            spec:
              selectr:
                app: identity
            """;

        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(misspelt, strict: true));
    }

    [Fact]
    public async Task Every_overlay_renders_with_kustomize_into_valid_objects_in_its_namespace()
    {
        var kubectl = Repository.OnPath("kubectl");
        if (kubectl is null)
        {
            Assert.Skip("kubectl (with its built-in kustomize) is not on this machine; the files themselves are validated by the other tests.");
        }
        using var folder = new TemporaryFolder();
        foreach (var overlay in Manifests.Overlays())
        {
            var rendered = await Repository.RunAsync(kubectl, ["kustomize", System.IO.Path.Combine(Repository.KubernetesOutput, "overlays", overlay)]);
            Assert.True(rendered.ExitCode == 0, rendered.Error);
            var file = folder.Write($"{overlay}.yaml", rendered.Output);

            var result = await ValidateAsync([file]);
            Assert.True(result.Errors.Count == 0, string.Join(Environment.NewLine, result.Errors));

            var objects = KubernetesYaml.LoadAllFromString(rendered.Output, strict: true);
            var ns = objects.OfType<k8s.Models.V1Namespace>().Single().Metadata.Name;
            Assert.All(objects.OfType<IKubernetesObject<k8s.Models.V1ObjectMeta>>().Where(o => o is not k8s.Models.V1Namespace),
                o => Assert.Equal(ns, o.Metadata.NamespaceProperty));
            // Each workload's settings are a generated ConfigMap whose hashed name the workload refers to.
            var configMaps = objects.OfType<k8s.Models.V1ConfigMap>().Select(c => c.Metadata.Name).ToHashSet();
            foreach (var deployment in objects.OfType<k8s.Models.V1Deployment>())
            {
                var source = deployment.Spec.Template.Spec.Containers.Single().EnvFrom.Single().ConfigMapRef.Name;
                Assert.Contains(source, configMaps);
                Assert.StartsWith($"{deployment.Metadata.Name}-env-", source, StringComparison.Ordinal);
            }
        }
    }

    private sealed record ValidationResult(int Objects, List<string> Errors);

    private static async Task<ValidationResult> ValidateAsync(IEnumerable<string> files)
    {
        var node = Repository.OnPath("node") ?? throw new InvalidOperationException("node is not on PATH.");
        Assert.True(Directory.Exists(Repository.Path("tests", "MedicalHub.Deployment.Tests", "kubernetes-schema", "node_modules")),
            "Run scripts/prerequisites.sh (npm ci in tests/MedicalHub.Deployment.Tests/kubernetes-schema).");
        var run = await Repository.RunAsync(node, [Validator, .. files]);
        var line = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"The validator printed nothing: {run.Error}");
        using var json = JsonDocument.Parse(line);
        var errors = json.RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => $"{e.GetProperty("file").GetString()}: {e.GetProperty("object").GetString()}: {string.Join("; ", e.GetProperty("errors").EnumerateArray().Select(x => x.GetString()))}")
            .ToList();
        Assert.Equal(errors.Count == 0 ? 0 : 1, run.ExitCode);
        return new ValidationResult(json.RootElement.GetProperty("objects").GetInt32(), errors);
    }
}
