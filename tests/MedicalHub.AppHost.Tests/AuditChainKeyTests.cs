using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MedicalHub.AppHost.Tests;

public sealed class AuditChainKeyTests
{
    [Fact]
    public async Task A_service_gets_its_own_generated_secret_audit_key()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json")]);
        var content = builder.AddProject<Projects.MedicalHub_Content_Api>("content");

        content.WithAuditChainKey();

        var environment = await ServiceClientTests.EnvironmentAsync(builder, content.Resource);
        Assert.Equal("{content-audit-key.value}", environment["MedicalHub__AuditChain__Key"]);
        var key = Assert.Single(builder.Resources.OfType<ParameterResource>(), p => p.Name == "content-audit-key");
        Assert.True(key.Secret);
    }

    [Fact]
    public void A_service_left_out_of_the_run_gets_no_key()
    {
        var builder = DistributedApplication.CreateBuilder();
        IResourceBuilder<ProjectResource>? absent = null;

        Assert.Null(absent.WithAuditChainKey());
        Assert.Empty(builder.Resources.OfType<ParameterResource>());
    }
}
