using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using MedicalHub.AppHost.LocalInfrastructure;

namespace MedicalHub.AppHost.Tests;

public sealed class DocumentStorageWiringTests
{
    [Theory]
    [InlineData(null, DocumentStorage.Postgres)]
    [InlineData("", DocumentStorage.Postgres)]
    [InlineData("azureblob", DocumentStorage.AzureBlob)]
    [InlineData("Postgres", DocumentStorage.Postgres)]
    public void The_setting_names_a_backend(string? value, DocumentStorage expected) =>
        Assert.Equal(expected, DocumentStorageExtensions.Parse(value));

    [Fact]
    public void An_unknown_backend_is_refused_with_the_choices() =>
        Assert.Contains("Postgres, AzureBlob", Assert.Throws<DistributedApplicationException>(() => DocumentStorageExtensions.Parse("s3")).Message);

    [Fact]
    public async Task By_default_Content_keeps_bytes_in_its_database_and_no_object_store_is_added()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json")]);
        var content = builder.AddProject<Projects.MedicalHub_Content_Api>("content");

        content.WithDocumentStorage(Settings(InfrastructureMode.Containers));

        Assert.Equal("Postgres", (await ServiceClientTests.EnvironmentAsync(builder, content.Resource))["MedicalHub__Content__Storage__Backend"]);
        Assert.DoesNotContain(builder.Resources, r => r.Name == DocumentStorageExtensions.ResourceName);
    }

    [Fact]
    public async Task In_publish_mode_the_object_store_is_an_Azurite_container_with_a_secret_key_and_Content_waits_for_it()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json"),
            "MedicalHub:Content:Storage=AzureBlob", "MedicalHub:Content:MaxUploadBytes=2048"]);
        var content = builder.AddProject<Projects.MedicalHub_Content_Api>("content");

        content.WithDocumentStorage(Settings(InfrastructureMode.Containers));

        var blobs = Assert.IsType<AzuriteContainerResource>(builder.Resources.Single(r => r.Name == DocumentStorageExtensions.ResourceName));
        var image = blobs.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal((DocumentStorageExtensions.AzuriteImage, DocumentStorageExtensions.AzuriteVersion), (image.Image, image.Tag));
        Assert.True(builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "content-blobs-key").Secret);
        var environment = await ServiceClientTests.EnvironmentAsync(builder, content.Resource);
        Assert.Equal("AzureBlob", environment["MedicalHub__Content__Storage__Backend"]);
        Assert.Equal("2048", environment["MedicalHub__Content__Documents__MaxUploadBytes"]);
        Assert.Equal("{content-blobs.connectionString}", environment["ConnectionStrings__content-blobs"]);
        Assert.Contains(content.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == blobs);
    }

    private static InfrastructureSettings Settings(InfrastructureMode mode) =>
        new(mode, FixedPorts: false, Path.GetTempPath(), null, null, Path.Combine(AppContext.BaseDirectory, "LocalInfrastructure"));
}
