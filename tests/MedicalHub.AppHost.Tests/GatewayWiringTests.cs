using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using MedicalHub.AppHost.LocalInfrastructure;

namespace MedicalHub.AppHost.Tests;

/// <summary>How the AppHost wires the gateway and the issuer, read from the application model (nothing is started).</summary>
public sealed class GatewayWiringTests
{
    [Fact]
    public async Task With_the_gateway_tokens_name_its_url_and_every_service_checks_that_issuer()
    {
        var model = Model(services: []);

        Assert.Equal("{gateway.bindings.http.url}/", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__Issuer"));
        foreach (var component in new[] { "identity", "content", "communication", "workflow", "gateway" })
        {
            Assert.Equal("{gateway.bindings.http.url}/", await EnvironmentAsync(model, component, "MedicalHub__Authentication__Issuer"));
        }
        // Identity's throttling counts the client's address the gateway forwards, not the gateway's.
        Assert.Equal("127.0.0.1", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__TrustedProxies__0"));
        var gateway = model.Resources.OfType<ProjectResource>().Single(r => r.Name == "gateway");
        Assert.Equal(8000, gateway.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port);
        var waitsFor = gateway.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "identity", "content", "communication", "workflow", "gateway-redis" }, waitsFor);
        Assert.Contains(model.Resources, r => r.Name == "gateway-redis");
    }

    [Fact]
    public async Task Without_the_gateway_tokens_name_identitys_own_url()
    {
        var model = Model(services: ["identity", "content"]);

        Assert.DoesNotContain(model.Resources, r => r.Name.StartsWith("gateway", StringComparison.Ordinal));
        Assert.Equal("{identity.bindings.http.url}/", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__Issuer"));
        Assert.Equal("{identity.bindings.http.url}/", await EnvironmentAsync(model, "content", "MedicalHub__Authentication__Issuer"));
    }

    [Fact]
    public void Replicas_add_instances_on_random_ports_and_the_same_redis()
    {
        var model = Model(services: [], "MedicalHub:Gateway:Replicas=2");

        var second = model.Resources.OfType<ProjectResource>().Single(r => r.Name == "gateway-2");
        Assert.Null(second.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port);
        Assert.Contains(second.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "gateway-redis");
    }

    [Fact]
    public async Task The_web_app_is_served_by_every_gateway_instance_and_identitys_links_and_redirects_name_the_gateway()
    {
        var model = Model(services: [], "MedicalHub:Gateway:Replicas=2");

        foreach (var gateway in new[] { "gateway", "gateway-2" })
        {
            Assert.EndsWith(Path.Combine("services", "Web", "dist"), await EnvironmentAsync(model, gateway, "MedicalHub__Gateway__WebApp__Root"));
        }
        Assert.Equal("{gateway.bindings.http.url}/", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__PublicAppUrl"));
        Assert.Equal("{gateway.bindings.http.url}/callback", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__WebClient__RedirectUris__0"));
        Assert.Equal("{gateway.bindings.http.url}/", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__WebClient__PostLogoutRedirectUris__0"));
        // The Vite dev server (npm run dev) signs in through the same Identity.
        Assert.Equal("http://localhost:5173/callback", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__WebClient__RedirectUris__1"));
    }

    [Fact]
    public async Task A_deployment_serves_the_app_from_the_gateways_image_and_names_its_public_url_as_a_parameter()
    {
        var model = Model(services: [], "--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json"));

        Assert.Null(await EnvironmentAsync(model, "gateway", "MedicalHub__Gateway__WebApp__Root"));
        Assert.DoesNotContain(model.Resources, r => r.Name == WebAppExtensions.BuildResourceName);
        Assert.Equal("{identity-public-app-url.value}/", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__PublicAppUrl"));
        Assert.Equal("{identity-public-app-url.value}/callback", await EnvironmentAsync(model, "identity", "MedicalHub__Identity__WebClient__RedirectUris__0"));
        Assert.Null(await EnvironmentAsync(model, "identity", "MedicalHub__Identity__WebClient__RedirectUris__1"));
    }

    [Fact]
    public void A_missing_or_stale_web_build_is_built_once_and_every_gateway_waits_for_it()
    {
        using var app = new TemporaryDirectory();
        app.CreateFile("src/main.tsx", "");
        var builder = DistributedApplication.CreateBuilder();
        var first = builder.AddProject<Projects.MedicalHub_Gateway>("gateway").ServesWebApp(app.Path);
        var second = builder.AddProject<Projects.MedicalHub_Gateway>("gateway-2").ServesWebApp(app.Path);

        var build = Assert.Single(builder.Resources.OfType<ExecutableResource>(), r => r.Name == WebAppExtensions.BuildResourceName);
        Assert.Equal(app.Path, build.WorkingDirectory);
        foreach (var gateway in new[] { first, second })
        {
            Assert.Contains(gateway.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == build && w.WaitType == WaitType.WaitForCompletion);
        }
    }

    [Fact]
    public void A_fresh_web_build_is_served_as_it_is()
    {
        using var app = new TemporaryDirectory();
        app.CreateFile("src/main.tsx", "");
        File.SetLastWriteTimeUtc(app.CreateFile("dist/index.html", ""), DateTime.UtcNow.AddMinutes(1));
        var builder = DistributedApplication.CreateBuilder();
        var gateway = builder.AddProject<Projects.MedicalHub_Gateway>("gateway").ServesWebApp(app.Path);

        Assert.DoesNotContain(builder.Resources, r => r.Name == WebAppExtensions.BuildResourceName);
        Assert.Empty(gateway.Resource.Annotations.OfType<WaitAnnotation>());
    }

    private static DistributedApplicationModel Model(string[] services, params string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        var settings = new InfrastructureSettings(InfrastructureMode.Containers, FixedPorts: true, Path.GetTempPath(), null, null, Path.GetTempPath())
        {
            Services = new HashSet<string>(services, StringComparer.OrdinalIgnoreCase),
        };
        builder.AddService<Projects.MedicalHub_Identity_Api>(settings, "identity", 5433, 6380)?.WithTokenServer();
        builder.AddService<Projects.MedicalHub_Content_Api>(settings, "content", 5434, 6381);
        builder.AddService<Projects.MedicalHub_Communication_Api>(settings, "communication", 5435, 6382);
        builder.AddService<Projects.MedicalHub_Workflow_Api>(settings, "workflow", 5436, 6383);
        builder.AddGateway(settings);
        return new DistributedApplicationModel(builder.Resources);
    }

    /// <summary>The value an environment variable would get, as its expression (endpoints are not allocated: nothing runs).</summary>
    private static async Task<string?> EnvironmentAsync(DistributedApplicationModel model, string resource, string name)
    {
        var target = model.Resources.Single(r => r.Name == resource);
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), target);
        foreach (var callback in target.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables.GetValueOrDefault(name) switch
        {
            null => null,
            string text => text,
            IManifestExpressionProvider expression => expression.ValueExpression,
            var other => other.ToString(),
        };
    }
}
