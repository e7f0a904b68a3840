using MedicalHub.AppHost.Kubernetes;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.Deployment.Tests;

/// <summary>The generator on small app models of the test's own: it follows the model, and refuses what it cannot honour.</summary>
public sealed class GeneratorTests
{
    private static readonly Dictionary<string, string?> ValidSettings = new()
    {
        ["Images:Registry"] = "registry.example.org/medicalhub",
        ["Images:Tag"] = "1.2.3",
        ["Sizing:Service:CpuRequest"] = "100m",
        ["Sizing:Service:MemoryRequest"] = "192Mi",
        ["Sizing:Service:CpuLimit"] = "1",
        ["Sizing:Service:MemoryLimit"] = "512Mi",
        ["Sizing:Redis:CpuRequest"] = "50m",
        ["Sizing:Redis:MemoryRequest"] = "64Mi",
        ["Sizing:Redis:CpuLimit"] = "500m",
        ["Sizing:Redis:MemoryLimit"] = "256Mi",
        ["Overlays:prod:Namespace"] = "medicalhub",
        ["Overlays:prod:Replicas"] = "2",
        ["Overlays:prod:MaxReplicas"] = "4",
        ["Overlays:prod:Host"] = "medicalhub.example.org",
        ["Overlays:prod:TlsSecretName"] = "medicalhub-tls",
    };

    [Fact]
    public async Task A_resource_added_to_the_model_gets_its_workload_and_its_callers_are_let_in()
    {
        var builder = PublishBuilder();
        var cache = builder.AddRedis("billing-redis");
        var billing = builder.AddProject("billing", AnyProject).WithReference(cache);
        builder.AddProject("reports", AnyProject).WithReference(billing).WithExternalHttpEndpoints();

        var files = await GenerateAsync(builder);

        var billingYaml = files["base/billing.yaml"];
        Assert.Contains("kind: Deployment", billingYaml, StringComparison.Ordinal);
        Assert.Contains("image: registry.example.org/medicalhub/billing:1.2.3", billingYaml, StringComparison.Ordinal);
        Assert.Contains("kind: PodDisruptionBudget", billingYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: Job", billingYaml, StringComparison.Ordinal);   // no database: nothing to migrate
        Assert.Contains("- reports", billingYaml, StringComparison.Ordinal);         // reports calls billing
        Assert.Contains("- billing", files["base/billing-redis.yaml"], StringComparison.Ordinal);
        Assert.Contains("services__billing__http__0=http://billing:8080", files["overlays/prod/config/reports.env"], StringComparison.Ordinal);
        Assert.Contains("name: reports", files["overlays/prod/ingress.yaml"], StringComparison.Ordinal);
        Assert.Contains("kind: HorizontalPodAutoscaler", files["overlays/prod/autoscaling.yaml"], StringComparison.Ordinal);
        Assert.Contains("billing\tregistry.example.org/medicalhub/billing:1.2.3\tservices/Gateway/MedicalHub.Gateway/MedicalHub.Gateway.csproj", files["images.tsv"], StringComparison.Ordinal);
        // The Redis password is generated: a reference to the operator's Secret, never a value.
        Assert.Contains("key: billing-redis-password", files["base/billing.yaml"], StringComparison.Ordinal);
        Assert.Contains("| `medicalhub-secrets` | `billing-redis-password` | billing, billing-redis |", files["SECRETS.md"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resource_kind_it_does_not_know_stops_it_with_the_resource_named()
    {
        var builder = PublishBuilder();
        builder.AddProject("documents", AnyProject);
        builder.AddContainer("object-store", "minio/minio", "latest");

        var problem = await Assert.ThrowsAsync<KubernetesPublishingException>(() => GenerateAsync(builder));

        Assert.Contains("'object-store' is a ContainerResource", problem.Message, StringComparison.Ordinal);
        Assert.Contains("ExcludeFromManifest", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resource_kept_out_of_publishing_is_left_out()
    {
        var builder = PublishBuilder();
        builder.AddProject("documents", AnyProject);
        builder.AddContainer("object-store", "minio/minio", "latest").ExcludeFromManifest();

        var files = await GenerateAsync(builder);

        Assert.DoesNotContain(files.Keys, f => f.Contains("object-store", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_secret_parameter_nobody_can_generate_must_say_which_secret_holds_it()
    {
        var builder = PublishBuilder();
        var apiKey = builder.AddParameter("communication-sendgrid-main-api-key", secret: true);
        builder.AddProject("communication", AnyProject).WithEnvironment("Providers__ApiKey", apiKey);

        var problem = await Assert.ThrowsAsync<KubernetesPublishingException>(() => GenerateAsync(builder));
        Assert.Contains("MedicalHub:Kubernetes:Secrets:Provided:communication-sendgrid-main-api-key", problem.Message, StringComparison.Ordinal);

        var files = await GenerateAsync(builder, ("Secrets:Provided:communication-sendgrid-main-api-key", "sendgrid/api-key"));
        Assert.Contains("name: sendgrid", files["base/communication.yaml"], StringComparison.Ordinal);
        Assert.Contains("key: api-key", files["base/communication.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parameter_without_a_value_for_an_overlay_names_the_setting_to_give()
    {
        var builder = PublishBuilder();
        var url = builder.AddParameter("identity-public-app-url");
        builder.AddProject("identity", AnyProject).WithEnvironment("PublicAppUrl", url);

        var problem = await Assert.ThrowsAsync<KubernetesPublishingException>(() => GenerateAsync(builder));
        Assert.Contains("MedicalHub:Kubernetes:Overlays:prod:Parameters:identity-public-app-url", problem.Message, StringComparison.Ordinal);

        var files = await GenerateAsync(builder, ("Overlays:prod:Parameters:identity-public-app-url", "https://app.example.org"));
        Assert.Contains("PublicAppUrl=https://app.example.org", files["overlays/prod/config/identity.env"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Overlays:prod:Replicas", "0", "MedicalHub:Kubernetes:Overlays:prod:Replicas '0' is not a whole number from 1 to 100")]
    [InlineData("Overlays:prod:Replicas", "two", "MedicalHub:Kubernetes:Overlays:prod:Replicas 'two' is not a whole number")]
    [InlineData("Overlays:prod:MaxReplicas", "1", "MedicalHub:Kubernetes:Overlays:prod:MaxReplicas 1 is below MedicalHub:Kubernetes:Overlays:prod:Replicas 2")]
    [InlineData("Images:Tag", "release 1!", "MedicalHub:Kubernetes:Images:Tag 'release 1!' is not an image tag")]
    [InlineData("Images:Tag", ".hidden", "MedicalHub:Kubernetes:Images:Tag '.hidden' is not an image tag")]
    [InlineData("Images:Registry", "Registry.Example.org/MedicalHub", "MedicalHub:Kubernetes:Images:Registry 'Registry.Example.org/MedicalHub' is not an image repository")]
    [InlineData("Overlays:prod:Namespace", "Medical_Hub", "MedicalHub:Kubernetes:Overlays:prod:Namespace 'Medical_Hub' is not a Kubernetes namespace name")]
    [InlineData("Sizing:Service:MemoryLimit", "lots", "MedicalHub:Kubernetes:Sizing:Service:MemoryLimit 'lots' is not a Kubernetes quantity")]
    public void A_bad_setting_is_named_in_the_message(string key, string value, string expected)
    {
        var problem = Assert.Throws<KubernetesPublishingException>(() => Settings((key, value)));

        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_from_the_apphost_configuration_win_over_the_file()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("kubernetes.settings.json", System.Text.Json.JsonSerializer.Serialize(Nest(ValidSettings)));
        var apphost = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MedicalHub:Kubernetes:Images:Tag"] = "2.0.0",
        }).Build();

        var settings = KubernetesSettings.Read(apphost, file);

        Assert.Equal("2.0.0", settings.ImageTag);
        Assert.Equal("registry.example.org/medicalhub", settings.ImageRegistry);
        Assert.Equal(2, Assert.Single(settings.Overlays).Replicas);
    }

    /// <summary>Aspire wants a project file that exists; which one does not matter to the generator.</summary>
    private static readonly string AnyProject = Repository.Path("services", "Gateway", "MedicalHub.Gateway", "MedicalHub.Gateway.csproj");

    private static IDistributedApplicationBuilder PublishBuilder() =>
        DistributedApplication.CreateBuilder(["--operation", "publish", "--step", KubernetesPublishing.StepName]);

    private static KubernetesSettings Settings(params (string Key, string Value)[] changes)
    {
        var values = new Dictionary<string, string?>(ValidSettings);
        foreach (var (key, value) in changes)
        {
            values[key] = value;
        }
        return KubernetesSettings.Parse(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    private static async Task<IReadOnlyDictionary<string, string>> GenerateAsync(IDistributedApplicationBuilder builder, params (string Key, string Value)[] changes)
    {
        var model = new DistributedApplicationModel(builder.Resources);
        var generator = new KubernetesManifestGenerator(Settings(changes), Repository.Root);
        return await generator.GenerateAsync(model, new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish));
    }

    private static Dictionary<string, object> Nest(Dictionary<string, string?> flat)
    {
        var root = new Dictionary<string, object>();
        foreach (var (key, value) in flat)
        {
            var parts = key.Split(':');
            var node = root;
            foreach (var part in parts[..^1])
            {
                if (!node.TryGetValue(part, out var child))
                {
                    child = new Dictionary<string, object>();
                    node[part] = child;
                }
                node = (Dictionary<string, object>)child;
            }
            node[parts[^1]] = value!;
        }
        return root;
    }
}
