using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MedicalHub.AppHost.Tests;

public sealed class ServiceClientTests
{
    [Fact]
    public async Task A_service_and_identity_get_the_same_generated_secret_and_the_service_its_client_id()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json")]);
        var identity = builder.AddProject<Projects.MedicalHub_Identity_Api>("identity");
        var content = builder.AddProject<Projects.MedicalHub_Content_Api>("content");

        identity.WithServiceClient(identity);
        content.WithServiceClient(identity);

        var identityEnvironment = await EnvironmentAsync(builder, identity.Resource);
        var contentEnvironment = await EnvironmentAsync(builder, content.Resource);
        Assert.Equal("content", contentEnvironment["MedicalHub__ServiceClient__ClientId"]);
        Assert.Equal("{content-client-secret.value}", contentEnvironment["MedicalHub__ServiceClient__Secret"]);
        Assert.Equal("{content-client-secret.value}", identityEnvironment["MedicalHub__Identity__ServiceClients__content__Secret"]);
        Assert.Equal("{identity-client-secret.value}", identityEnvironment["MedicalHub__Identity__ServiceClients__identity__Secret"]);
        Assert.Equal("identity", identityEnvironment["MedicalHub__ServiceClient__ClientId"]);
        var secret = Assert.Single(builder.Resources.OfType<ParameterResource>(), p => p.Name == "content-client-secret");
        Assert.True(secret.Secret);
    }

    [Fact]
    public void A_service_left_out_of_the_run_gets_no_client()
    {
        var builder = DistributedApplication.CreateBuilder();
        IResourceBuilder<ProjectResource>? absent = null;

        Assert.Null(absent.WithServiceClient(identity: null));
        Assert.Empty(builder.Resources.OfType<ParameterResource>());
    }

    /// <summary>The resource's environment as the manifest writes it: parameters as <c>{name.value}</c> expressions.</summary>
    internal static async Task<Dictionary<string, string>> EnvironmentAsync(IDistributedApplicationBuilder builder, ProjectResource resource)
    {
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(builder.ExecutionContext, resource, values);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return values.ToDictionary(v => v.Key, v => v.Value switch
        {
            string text => text,
            IManifestExpressionProvider expression => expression.ValueExpression,
            var other => other.ToString() ?? "",
        });
    }
}
