using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MedicalHub.AppHost.Tests;

public sealed class AccountEmailWiringTests
{
    [Fact]
    public async Task Identity_finds_Communication_and_itself_without_waiting_for_Communication()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json")]);
        var identity = builder.AddProject<Projects.MedicalHub_Identity_Api>("identity");
        var communication = builder.AddProject<Projects.MedicalHub_Communication_Api>("communication");

        identity.WithAccountEmails(communication);

        var environment = await EnvironmentAsync(builder, identity.Resource);
        Assert.Equal("{communication.bindings.http.url}", environment["services__communication__http__0"]);
        Assert.Equal("{identity.bindings.http.url}", environment["services__identity__http__0"]);
        // An outage of Communication only delays e-mails: Identity never waits for it.
        Assert.DoesNotContain(identity.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == communication.Resource);
    }

    [Fact]
    public async Task Without_Communication_in_the_run_Identity_still_finds_itself_and_its_e_mails_wait()
    {
        var builder = DistributedApplication.CreateBuilder();
        var identity = builder.AddProject<Projects.MedicalHub_Identity_Api>("identity");

        identity.WithAccountEmails(communication: null);

        var environment = await EnvironmentAsync(builder, identity.Resource);
        Assert.DoesNotContain("services__communication__http__0", environment.Keys);
        Assert.Contains("services__identity__http__0", environment.Keys);
        Assert.DoesNotContain("MedicalHub__Identity__PublicAppUrl", environment.Keys); // set with the web app (WebAppWiringTests)
    }

    private static async Task<Dictionary<string, string>> EnvironmentAsync(IDistributedApplicationBuilder builder, ProjectResource resource)
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
