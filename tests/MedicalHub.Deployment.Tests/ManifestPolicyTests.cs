using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;

namespace MedicalHub.Deployment.Tests;

/// <summary>Our own rules for the committed manifests, beyond what the Kubernetes schemas require.</summary>
public sealed partial class ManifestPolicyTests
{
    private static readonly List<object> Base = Manifests.Base();

    [Fact]
    public void Every_container_has_requests_limits_and_a_locked_down_security_context()
    {
        var pods = Manifests.PodSpecs(Base).ToList();
        Assert.NotEmpty(pods);
        foreach (var (kind, name, pod) in pods)
        {
            Assert.True(pod.SecurityContext.RunAsNonRoot, $"{kind} {name} may run as root");
            Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
            Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
            Assert.False(pod.AutomountServiceAccountToken, $"{kind} {name} mounts a service account token");
            foreach (var container in pod.Containers)
            {
                var where = $"{kind} {name}, container {container.Name}";
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container.Resources.Requests.ContainsKey(resource), $"{where}: no {resource} request");
                    Assert.True(container.Resources.Limits.ContainsKey(resource), $"{where}: no {resource} limit");
                }
                Assert.False(container.SecurityContext.AllowPrivilegeEscalation, where);
                Assert.True(container.SecurityContext.ReadOnlyRootFilesystem, where);
                Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
                Assert.Null(container.SecurityContext.Privileged);
            }
        }
    }

    [Fact]
    public void Every_long_running_container_has_startup_liveness_and_readiness_probes_and_services_use_alive_and_health()
    {
        foreach (var (kind, name, pod) in Manifests.PodSpecs(Base).Where(p => p.Kind != "Job"))
        {
            var container = Assert.Single(pod.Containers);
            Assert.NotNull(container.StartupProbe);
            Assert.NotNull(container.LivenessProbe);
            Assert.NotNull(container.ReadinessProbe);
            if (kind == "Deployment")
            {
                Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
                Assert.Equal("/alive", container.StartupProbe.HttpGet.Path);
                Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
            }
            _ = name;
        }
    }

    [Fact]
    public void Every_resource_the_app_model_runs_has_a_service_of_its_own_name_so_discovery_names_are_kubernetes_dns_names()
    {
        var appModel = Manifests.AppModel();
        var workloads = appModel.EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() is "project.v0" or "container.v0" or "container.v1")
            .Select(r => r.Name).ToHashSet();
        var services = Base.OfType<V1Service>().Select(s => s.Metadata.Name).ToHashSet();
        Assert.Equal(workloads.Order(), services.Order());

        // Every service URL a workload is given names one of those services, on the port it listens on.
        foreach (var overlay in Manifests.Overlays())
        {
            foreach (var workload in workloads)
            {
                foreach (var (key, value) in Manifests.Settings(overlay, workload).Where(s => s.Key.StartsWith("services__", StringComparison.Ordinal)))
                {
                    var url = new Uri(value);
                    var service = Base.OfType<V1Service>().SingleOrDefault(s => s.Metadata.Name == url.Host);
                    Assert.True(service is not null, $"{overlay}/{workload}: {key}={value} names no service");
                    Assert.Contains(service.Spec.Ports, p => p.Port == url.Port);
                }
            }
        }
    }

    [Fact]
    public void Every_service_has_an_autoscaler_and_a_disruption_budget_and_prod_runs_at_least_two_replicas()
    {
        var deployments = Base.OfType<V1Deployment>().Select(d => d.Metadata.Name).Order().ToList();
        Assert.Equal(5, deployments.Count);
        Assert.Equal(deployments, Base.OfType<V1PodDisruptionBudget>().Select(p => p.Metadata.Name).Order());
        foreach (var overlay in Manifests.Overlays())
        {
            var autoscalers = Manifests.Overlay(overlay).OfType<V2HorizontalPodAutoscaler>().ToList();
            Assert.Equal(deployments, autoscalers.Select(a => a.Spec.ScaleTargetRef.Name).Order());
            Assert.All(autoscalers, a => Assert.True(a.Spec.MaxReplicas >= a.Spec.MinReplicas));
        }
        var prod = Manifests.Overlay("prod").OfType<V2HorizontalPodAutoscaler>();
        Assert.All(prod, a => Assert.True(a.Spec.MinReplicas >= 2, $"{a.Metadata.Name} may scale to {a.Spec.MinReplicas} in prod"));
        var counts = ReplicaCount().Matches(Manifests.Kustomization("prod")).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(deployments.Count, counts.Count);
        Assert.All(counts, c => Assert.True(c >= 2));
    }

    [Fact]
    public void Only_the_public_resource_of_the_app_model_gets_an_ingress()
    {
        var external = Manifests.AppModel().EnumerateObject()
            .Where(r => r.Value.TryGetProperty("bindings", out var b) && b.EnumerateObject().Any(x => x.Value.TryGetProperty("external", out var e) && e.GetBoolean()))
            .Select(r => r.Name).ToList();
        Assert.Equal(["gateway"], external);
        foreach (var overlay in Manifests.Overlays())
        {
            var ingress = Assert.Single(Manifests.Overlay(overlay).OfType<V1Ingress>());
            var backend = Assert.Single(Assert.Single(ingress.Spec.Rules).Http.Paths).Backend.Service.Name;
            Assert.Equal("gateway", backend);
        }
        Assert.Empty(Base.OfType<V1Ingress>());
    }

    [Fact]
    public void Secrets_are_references_to_keys_the_documented_list_names_and_never_values()
    {
        var documented = File.ReadAllText(Path.Combine(Repository.KubernetesOutput, "SECRETS.md"));
        Assert.DoesNotContain(Base, o => o is V1Secret);
        foreach (var overlay in Manifests.Overlays())
        {
            Assert.DoesNotContain(Manifests.Overlay(overlay), o => o is V1Secret);
        }
        var references = Manifests.PodSpecs(Base).SelectMany(p => p.Pod.Containers).SelectMany(c => c.Env ?? [])
            .Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => (e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)).Distinct().ToList();
        Assert.NotEmpty(references);
        foreach (var (secret, key) in references)
        {
            Assert.Contains($"| `{secret}` | `{key}` |", documented, StringComparison.Ordinal);
        }
        // Every secret parameter of the app model is such a reference, and none is in a ConfigMap's settings.
        var secretParameters = Manifests.AppModel().EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0"
                && r.Value.GetProperty("inputs").GetProperty("value").TryGetProperty("secret", out var s) && s.GetBoolean())
            .Select(r => r.Name).ToList();
        Assert.All(secretParameters, p => Assert.Contains(references, r => r.Key == p));
    }

    [Fact]
    public void Network_policies_let_in_exactly_the_callers_the_app_model_names()
    {
        var appModel = Manifests.AppModel();
        var workloads = Base.OfType<V1Service>().Select(s => s.Metadata.Name).ToHashSet();
        Assert.Contains(Base.OfType<V1NetworkPolicy>(), p => p.Metadata.Name == "default-deny-ingress" && p.Spec.PodSelector.MatchLabels is null or { Count: 0 });

        foreach (var target in workloads)
        {
            var expected = workloads.Where(caller => caller != target && Calls(appModel, caller).Contains(target)).Order().ToList();
            var policy = Base.OfType<V1NetworkPolicy>().Single(p => p.Metadata.Name == target);
            var allowed = (policy.Spec.Ingress ?? []).SelectMany(rule => rule.FromProperty)
                .SelectMany(peer => peer.PodSelector.MatchExpressions).SelectMany(e => e.Values).Order().ToList();
            Assert.True(expected.SequenceEqual(allowed), $"{target}: the app model's callers are [{string.Join(", ", expected)}], the policy lets in [{string.Join(", ", allowed)}]");
        }
        // The stores are reached by their own service only.
        Assert.Equal(["identity"], CallersOf("identity-postgres"));
        Assert.Equal(["gateway"], CallersOf("gateway-redis"));
    }

    [Fact]
    public void Every_service_with_a_database_is_migrated_by_a_job_and_does_not_migrate_itself()
    {
        var jobs = Base.OfType<V1Job>().ToList();
        Assert.Equal(["communication-migrate", "content-migrate", "identity-migrate", "workflow-migrate"], jobs.Select(j => j.Metadata.Name).Order());
        foreach (var job in jobs)
        {
            var service = job.Metadata.Name[..^"-migrate".Length];
            var container = Assert.Single(job.Spec.Template.Spec.Containers);
            Assert.Equal(["migrate"], container.Args);
            Assert.Equal(Base.OfType<V1Deployment>().Single(d => d.Metadata.Name == service).Spec.Template.Spec.Containers.Single().Image, container.Image);
            Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
            foreach (var overlay in Manifests.Overlays())
            {
                Assert.Equal("false", Manifests.Settings(overlay, service)["MedicalHub__Database__MigrateOnStartup"]);
            }
        }
        Assert.DoesNotContain(jobs, j => j.Metadata.Name == "gateway-migrate");
    }

    private static List<string> CallersOf(string target) =>
        (Base.OfType<V1NetworkPolicy>().Single(p => p.Metadata.Name == target).Spec.Ingress ?? []).SelectMany(r => r.FromProperty)
            .SelectMany(p => p.PodSelector.MatchExpressions).SelectMany(e => e.Values).Order().ToList();

    /// <summary>The workloads a resource's environment reaches in aspire-manifest.json (through connection strings), external URLs aside.</summary>
    private static HashSet<string> Calls(JsonElement appModel, string resource)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var resource0 = appModel.GetProperty(resource);
        if (!resource0.TryGetProperty("env", out var env))
        {
            return found;
        }
        var pending = new Stack<string>(env.EnumerateObject().Select(e => e.Value.GetString() ?? ""));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var text))
        {
            foreach (Match reference in Reference().Matches(text))
            {
                var name = reference.Groups["name"].Value;
                var rest = reference.Groups["rest"].Value;
                if (!appModel.TryGetProperty(name, out var target) || !seen.Add(name + "." + rest))
                {
                    continue;
                }
                var type = target.GetProperty("type").GetString();
                if (type is "project.v0" or "container.v0" or "container.v1")
                {
                    var binding = rest.Split('.') is ["bindings", var b, ..] ? b : null;
                    var external = binding is not null && target.GetProperty("bindings").GetProperty(binding).TryGetProperty("external", out var e) && e.GetBoolean();
                    if (!(external && rest.EndsWith(".url", StringComparison.Ordinal)))
                    {
                        found.Add(name);
                    }
                }
                foreach (var property in new[] { "connectionString", "value" })
                {
                    if (target.TryGetProperty(property, out var inner) && inner.ValueKind == JsonValueKind.String)
                    {
                        pending.Push(inner.GetString()!);
                    }
                }
            }
        }
        return found;
    }

    [GeneratedRegex(@"\{(?<name>[a-z0-9-]+)\.(?<rest>[a-zA-Z0-9.]+)\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"count: (\d+)")]
    private static partial Regex ReplicaCount();
}
