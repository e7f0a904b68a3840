using System.Text.Json;

namespace MedicalHub.Deployment.Tests;

/// <summary>
/// What can be checked offline of the Azure Container Apps path: azd reads aspire-manifest.json (kept equal to the
/// AppHost by CI) and turns each resource into a container app, a secret or an input. These are the properties of
/// that file azd relies on (docs/deployment.md, "Azure Container Apps"); provisioning itself needs Azure.
/// </summary>
public sealed class AzureContainerAppsManifestTests
{
    private static readonly JsonElement Resources = Manifests.AppModel();

    [Fact]
    public void Every_resource_is_of_a_kind_azd_maps()
    {
        string[] known = ["project.v0", "container.v0", "container.v1", "parameter.v0", "value.v0", "annotated.string"];
        foreach (var resource in Resources.EnumerateObject())
        {
            Assert.Contains(resource.Value.GetProperty("type").GetString(), known);
        }
    }

    [Fact]
    public void Only_the_gateway_gets_external_ingress()
    {
        foreach (var resource in Resources.EnumerateObject().Where(r => r.Value.TryGetProperty("bindings", out _)))
        {
            var external = resource.Value.GetProperty("bindings").EnumerateObject()
                .Any(b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean());
            Assert.Equal(resource.Name == "gateway", external);
        }
    }

    [Fact]
    public void Every_password_key_and_client_secret_is_a_secret_input_and_generated_ones_say_how()
    {
        var parameters = Resources.EnumerateObject().Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0").ToList();
        Assert.NotEmpty(parameters);
        foreach (var parameter in parameters.Where(p => p.Name.EndsWith("-password", StringComparison.Ordinal)
            || p.Name.EndsWith("-secret", StringComparison.Ordinal) || p.Name.EndsWith("-key", StringComparison.Ordinal)))
        {
            var input = parameter.Value.GetProperty("inputs").GetProperty("value");
            Assert.True(input.TryGetProperty("secret", out var secret) && secret.GetBoolean(), $"{parameter.Name} is not a secret input");
            Assert.True(input.TryGetProperty("default", out var fallback) && fallback.TryGetProperty("generate", out _),
                $"{parameter.Name} has no generated default: azd would ask for it");
        }
    }

    [Fact]
    public void Images_azd_builds_come_from_files_in_the_repository_and_volumes_have_stable_names()
    {
        foreach (var resource in Resources.EnumerateObject())
        {
            var value = resource.Value;
            if (value.TryGetProperty("build", out var build))
            {
                Assert.True(File.Exists(Repository.Path(build.GetProperty("dockerfile").GetString()!)), $"{resource.Name}: no Dockerfile");
            }
            if (value.TryGetProperty("path", out var project))
            {
                Assert.True(File.Exists(Repository.Path(project.GetString()!)), $"{resource.Name}: no project");
            }
            if (value.TryGetProperty("volumes", out var volumes))
            {
                foreach (var volume in volumes.EnumerateArray())
                {
                    Assert.Equal($"medicalhub-{resource.Name}-data", volume.GetProperty("name").GetString());
                }
            }
        }
    }
}
