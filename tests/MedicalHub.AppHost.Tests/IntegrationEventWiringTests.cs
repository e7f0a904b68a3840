using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MedicalHub.AppHost.Tests;

public sealed class IntegrationEventWiringTests
{
    [Fact]
    public async Task A_subscriber_is_found_by_service_discovery_and_named_in_the_publisher_s_configuration()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json")]);
        var content = builder.AddProject<Projects.MedicalHub_Content_Api>("content");
        var workflow = builder.AddProject<Projects.MedicalHub_Workflow_Api>("workflow");

        content.WithEventSubscriber(workflow);

        var environment = await ServiceClientTests.EnvironmentAsync(builder, content.Resource);
        Assert.Equal("http://workflow", environment["MedicalHub__Events__Subscribers__workflow__Url"]);
        Assert.Equal("{workflow.bindings.http.url}", environment["services__workflow__http__0"]);
        // The publisher does not wait for its subscribers: events wait in its outbox.
        Assert.DoesNotContain(content.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == workflow.Resource);
    }

    [Fact]
    public void Without_the_subscriber_in_the_run_nothing_is_configured()
    {
        var builder = DistributedApplication.CreateBuilder();
        var content = builder.AddProject<Projects.MedicalHub_Content_Api>("content");
        var before = content.Resource.Annotations.Count;

        Assert.Same(content, content.WithEventSubscriber(subscriber: null));
        Assert.Equal(before, content.Resource.Annotations.Count);
    }
}
