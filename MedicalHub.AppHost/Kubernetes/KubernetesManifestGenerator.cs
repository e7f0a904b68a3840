using System.Globalization;
using System.Text;
using Node = System.Collections.Generic.OrderedDictionary<string, object?>;

namespace MedicalHub.AppHost.Kubernetes;

/// <summary>
/// Writes the Kubernetes form of the app model as a Kustomize base plus one overlay per
/// <see cref="OverlaySettings"/>: every file as text, in memory, so nothing reaches the disk unless all of it could
/// be made (<see cref="ManifestOutput"/> writes it). Services are reached by their app-model names (Kubernetes DNS
/// in the namespace); secret parameters stay references to a Secret the operator creates (listed in SECRETS.md).
/// </summary>
public sealed class KubernetesManifestGenerator(KubernetesSettings settings, string repositoryDirectory)
{
    public const string PartOf = "medicalhub";
    public const string ManagedBy = "MedicalHub.AppHost";
    public const string PhaseLabel = "medicalhub.io/rollout-phase";
    private const int ServiceUser = 1654;   // "app" in the .NET images and in ours
    private const int StoreUser = 999;      // "postgres" and "redis" in the official images

    public async Task<IReadOnlyDictionary<string, string>> GenerateAsync(DistributedApplicationModel model,
        DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken = default)
    {
        var workloads = await WorkloadCatalog.ReadAsync(model, executionContext, cancellationToken);
        var publicWorkloads = workloads.Where(w => w.IsPublic).ToList();
        if (publicWorkloads.Count > 1)
        {
            throw new KubernetesPublishingException(
                $"Only one resource may have external endpoints (the ingress serves one host): {string.Join(", ", publicWorkloads.Select(w => w.Name))}.");
        }

        var resolved = settings.Overlays.ToDictionary(o => o.Name, o => Resolve(workloads, o));
        var first = resolved[settings.Overlays[0].Name];
        var secretsUsed = new SortedDictionary<string, (ParameterResource Parameter, SecretLocation Location, SortedSet<string> UsedBy)>(StringComparer.Ordinal);

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var baseResources = new List<string> { "network-policy-default-deny.yaml" };
        files["base/network-policy-default-deny.yaml"] = Yaml.Documents([DefaultDenyIngress()]);

        foreach (var workload in workloads)
        {
            var environment = SecretEnvironment(workload, resolved, secretsUsed);
            var callers = workloads.Where(w => first[w.Name].Calls.Contains(workload.Resource)).Select(w => w.Name).ToList();
            var documents = workload.Kind == WorkloadKind.Service
                ? ServiceDocuments(workload, environment, callers)
                : StoreDocuments(workload, environment, callers);
            files[$"base/{workload.Name}.yaml"] = Yaml.Documents(documents);
            baseResources.Add($"{workload.Name}.yaml");
        }
        files["base/kustomization.yaml"] = Yaml.Documents([Kustomization(baseResources)]);

        foreach (var overlay in settings.Overlays)
        {
            foreach (var (path, text) in OverlayFiles(overlay, workloads, resolved[overlay.Name]))
            {
                files[$"overlays/{overlay.Name}/{path}"] = text;
            }
        }

        files["SECRETS.md"] = SecretsList(secretsUsed.Values.Select(s => (s.Parameter, s.Location, (IReadOnlyCollection<string>)s.UsedBy)).ToList());
        files["images.tsv"] = ImageList(workloads);
        return files;
    }

    /// <summary>The environment and arguments of every workload as the overlay's cluster sees them.</summary>
    private Dictionary<string, ResolvedWorkload> Resolve(IReadOnlyList<Workload> workloads, OverlaySettings overlay)
    {
        var values = new ModelValues(settings, overlay);
        var result = new Dictionary<string, ResolvedWorkload>(StringComparer.Ordinal);
        foreach (var workload in workloads)
        {
            var environment = new List<(string Name, ClusterValue Value)>();
            foreach (var (name, value) in workload.Environment)
            {
                var clusterValue = values.Resolve(value, $"{workload.Name}'s {name}");
                if (!clusterValue.Omitted)
                {
                    environment.Add((name, clusterValue));
                }
            }
            if (workload.Kind == WorkloadKind.Service)
            {
                environment.Add(("OTEL_SERVICE_NAME", ClusterValue.Text(workload.Name)));
                if (workload.Databases.Count > 0)
                {
                    // The migration Job migrates; replicas only serve.
                    environment.Add(("MedicalHub__Database__MigrateOnStartup", ClusterValue.Text("false")));
                }
            }
            if (overlay.Environment.TryGetValue(workload.Name, out var extra))
            {
                foreach (var (name, value) in extra)
                {
                    environment.RemoveAll(e => e.Name == name);
                    environment.Add((name, ClusterValue.Text(value)));
                }
            }
            var arguments = workload.Arguments.Select((a, i) => values.Resolve(a, $"{workload.Name}'s argument {i + 1}")).ToList();
            result[workload.Name] = new ResolvedWorkload(environment, arguments,
                environment.SelectMany(e => e.Value.Calls).Concat(arguments.SelectMany(a => a.Calls)).Where(c => c != workload.Resource).ToHashSet());
        }
        foreach (var unknownResource in overlay.Environment.Keys.Where(k => !result.ContainsKey(k)))
        {
            throw new KubernetesPublishingException(
                $"{KubernetesSettings.SectionName}:Overlays:{overlay.Name}:Environment:{unknownResource} names no resource of the app model.");
        }
        return result;
    }

    private sealed record ResolvedWorkload(IReadOnlyList<(string Name, ClusterValue Value)> Environment, IReadOnlyList<ClusterValue> Arguments, IReadOnlySet<IResource> Calls);

    /// <summary>
    /// The variables that hold secrets, the same in every overlay: a whole secret comes from the Secret's key; a value
    /// mixing text and secrets (a connection string) uses Kubernetes' <c>$(VAR)</c> expansion of helper variables.
    /// </summary>
    private SecretEnv SecretEnvironment(Workload workload, Dictionary<string, Dictionary<string, ResolvedWorkload>> resolved,
        SortedDictionary<string, (ParameterResource Parameter, SecretLocation Location, SortedSet<string> UsedBy)> secretsUsed)
    {
        SecretEnv? agreed = null;
        foreach (var (overlayName, workloads) in resolved)
        {
            var values = new ModelValues(settings, settings.Overlays.Single(o => o.Name == overlayName));
            var mine = workloads[workload.Name];
            var helpers = new List<Node>();
            var direct = new List<Node>();
            var helperNames = new Dictionary<string, string>(StringComparer.Ordinal);

            string HelperFor(ParameterResource parameter)
            {
                if (!helperNames.TryGetValue(parameter.Name, out var helper))
                {
                    helper = "MEDICALHUB_SECRET_" + parameter.Name.ToUpperInvariant().Replace('-', '_');
                    helperNames[parameter.Name] = helper;
                    helpers.Add(SecretVariable(helper, values.SecretOf(parameter)));
                }
                return helper;
            }

            string Expand(ClusterValue value) => string.Concat(value.Parts.Select(p => p switch
            {
                TextPart text => text.Text.Replace("$(", "$$(", StringComparison.Ordinal),
                SecretPart secret => $"$({HelperFor(secret.Parameter)})",
                _ => throw new InvalidOperationException(),
            }));

            foreach (var (name, value) in mine.Environment.Where(e => !e.Value.IsText))
            {
                foreach (var secret in value.Parts.OfType<SecretPart>())
                {
                    var location = values.SecretOf(secret.Parameter);
                    if (!secretsUsed.TryGetValue(secret.Parameter.Name, out var entry))
                    {
                        entry = (secret.Parameter, location, new SortedSet<string>(StringComparer.Ordinal));
                        secretsUsed[secret.Parameter.Name] = entry;
                    }
                    entry.UsedBy.Add(workload.Name);
                }
                direct.Add(value.Parts is [SecretPart only]
                    ? SecretVariable(name, values.SecretOf(only.Parameter))
                    : new Node { ["name"] = name, ["value"] = Expand(value) });
            }
            var arguments = mine.Arguments.Select(a => a.IsText ? a.AsText().Replace("$(", "$$(", StringComparison.Ordinal) : Expand(a)).ToList();
            var candidate = new SecretEnv([.. helpers, .. direct], arguments);
            if (agreed is not null && Yaml.Documents([candidate.Variables, candidate.Arguments]) != Yaml.Documents([agreed.Variables, agreed.Arguments]))
            {
                throw new KubernetesPublishingException(
                    $"The secret environment of '{workload.Name}' differs between overlays; a value that mixes secrets with per-overlay settings has no Kubernetes form here.");
            }
            agreed = candidate;
        }
        return agreed!;
    }

    private sealed record SecretEnv(List<Node> Variables, List<string> Arguments);

    private static Node SecretVariable(string name, SecretLocation location) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new Node { ["secretKeyRef"] = new Node { ["name"] = location.SecretName, ["key"] = location.Key } },
    };

    // ---- services ------------------------------------------------------------------------------------------

    private List<Node> ServiceDocuments(Workload workload, SecretEnv environment, IReadOnlyList<string> callers)
    {
        var name = workload.Name;
        var sizing = settings.SizingFor(name, workload.SizingKind);
        var image = $"{settings.ImageRegistry}/{name}:{settings.ImageTag}";
        var labels = Labels(name, workload.Component);
        var selector = Selector(name, workload.Component);
        var ports = workload.Endpoints.Select(e => (Name: e.Name, Port: ModelValues.PortOf(e, workload.Resource)!.Value)).ToList();

        var container = new Node
        {
            ["name"] = name,
            ["image"] = image,
            ["imagePullPolicy"] = "IfNotPresent",
            ["ports"] = ports.Select(p => new Node { ["name"] = p.Name, ["containerPort"] = p.Port, ["protocol"] = "TCP" }).ToList(),
            ["envFrom"] = new List<Node> { new() { ["configMapRef"] = new Node { ["name"] = $"{name}-env" } } },
            ["env"] = environment.Variables.Count > 0 ? environment.Variables : null,
            ["resources"] = Resources(sizing),
            ["startupProbe"] = HttpProbe("/alive", periodSeconds: 2, failureThreshold: 60, timeoutSeconds: 2),
            ["livenessProbe"] = HttpProbe("/alive", periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2),
            ["readinessProbe"] = HttpProbe("/health", periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3),
            ["securityContext"] = ContainerSecurity(),
            ["volumeMounts"] = new List<Node> { new() { ["name"] = "tmp", ["mountPath"] = "/tmp" } },
        };

        var deployment = Object("apps/v1", "Deployment", name, labels, annotations: null, new Node
        {
            ["revisionHistoryLimit"] = 5,
            ["selector"] = new Node { ["matchLabels"] = selector },
            ["strategy"] = new Node { ["type"] = "RollingUpdate", ["rollingUpdate"] = new Node { ["maxUnavailable"] = 0, ["maxSurge"] = 1 } },
            ["template"] = PodTemplate(labels, container, ServiceUser, restartPolicy: null, spreadBy: selector, volumes: [EmptyDir("tmp")]),
        });
        ((Node)deployment["metadata"]!)["labels"] = WithPhase(labels, "application");

        var documents = new List<Node>
        {
            deployment,
            ServiceObject(name, labels, selector, ports),
            Object("policy/v1", "PodDisruptionBudget", name, labels, annotations: null, new Node
            {
                ["maxUnavailable"] = 1,
                ["selector"] = new Node { ["matchLabels"] = selector },
            }),
            NetworkPolicy(name, labels, selector, ports.Select(p => p.Port), callers),
        };

        if (workload.Databases.Count > 0)
        {
            var migrationLabels = Labels(name, "migration");
            var migrator = new Node(container)
            {
                ["name"] = "migrate",
                ["args"] = new List<string> { "migrate" },
                ["ports"] = null,
                ["startupProbe"] = null,
                ["livenessProbe"] = null,
                ["readinessProbe"] = null,
            };
            // The service's image run with "migrate" applies its pending migrations under an advisory lock, then exits.
            var job = Object("batch/v1", "Job", $"{name}-migrate", WithPhase(migrationLabels, "migration"), new Node
            {
                ["argocd.argoproj.io/sync-wave"] = "-1",
                ["argocd.argoproj.io/sync-options"] = "Replace=true",
            }, new Node
            {
                ["backoffLimit"] = 4,
                ["activeDeadlineSeconds"] = 900,
                ["template"] = PodTemplate(migrationLabels, migrator, ServiceUser, restartPolicy: "Never", spreadBy: null, volumes: [EmptyDir("tmp")]),
            });
            documents.Add(job);
        }
        return documents;
    }

    // ---- stores --------------------------------------------------------------------------------------------

    private List<Node> StoreDocuments(Workload workload, SecretEnv environment, IReadOnlyList<string> callers)
    {
        var name = workload.Name;
        var resource = (ContainerResource)workload.Resource;
        var sizing = settings.SizingFor(name, workload.SizingKind);
        var labels = Labels(name, workload.Component);
        var selector = Selector(name, workload.Component);
        var ports = workload.Endpoints.Select(e => (Name: e.Name, Port: ModelValues.PortOf(e, resource)
            ?? throw new KubernetesPublishingException($"The endpoint '{e.Name}' of '{name}' has no target port."))).ToList();
        var port = ports[0].Port;

        var mounts = new List<Node> { new() { ["name"] = "tmp", ["mountPath"] = "/tmp" } };
        var volumes = new List<Node> { EmptyDir("tmp") };
        var claims = new List<Node>();
        foreach (var mount in resource.Annotations.OfType<ContainerMountAnnotation>())
        {
            if (mount.Type != ContainerMountType.Volume)
            {
                throw new KubernetesPublishingException($"'{name}' bind-mounts {mount.Source}: a cluster has no host folder to give it; use a named volume.");
            }
            claims.Add(new Node
            {
                ["metadata"] = new Node { ["name"] = "data", ["labels"] = labels },
                ["spec"] = new Node
                {
                    ["accessModes"] = new List<string> { "ReadWriteOnce" },
                    ["resources"] = new Node { ["requests"] = new Node { ["storage"] = sizing.Storage ?? "1Gi" } },
                },
            });
            mounts.Add(new Node { ["name"] = "data", ["mountPath"] = mount.Target, ["readOnly"] = mount.IsReadOnly ? true : null });
        }

        var documents = new List<Node>();
        Node readiness, liveness, startup;
        if (workload.Kind == WorkloadKind.Postgres)
        {
            // The databases of this server (each service's own), created by the image's entrypoint at first start.
            var databases = workload.Resource is PostgresServerResource server
                ? server.Databases.Values.Order(StringComparer.Ordinal).ToList() : [];
            documents.Add(Object("v1", "ConfigMap", $"{name}-init", labels, annotations: null, spec: null, extra: new Node
            {
                ["data"] = new Node
                {
                    ["create-databases.sql"] = string.Concat(databases.Select(db => $"CREATE DATABASE \"{db.Replace("\"", "\"\"", StringComparison.Ordinal)}\";\n")),
                },
            }));
            mounts.Add(new Node { ["name"] = "init", ["mountPath"] = "/docker-entrypoint-initdb.d", ["readOnly"] = true });
            mounts.Add(new Node { ["name"] = "run", ["mountPath"] = "/var/run/postgresql" });
            volumes.Add(new Node { ["name"] = "init", ["configMap"] = new Node { ["name"] = $"{name}-init" } });
            volumes.Add(EmptyDir("run"));
            readiness = ExecProbe(["pg_isready", "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)], periodSeconds: 5, failureThreshold: 3);
            liveness = TcpProbe(port, periodSeconds: 10, failureThreshold: 6);
            startup = TcpProbe(port, periodSeconds: 5, failureThreshold: 60);
        }
        else
        {
            readiness = TcpProbe(port, periodSeconds: 5, failureThreshold: 3);
            liveness = TcpProbe(port, periodSeconds: 10, failureThreshold: 6);
            startup = TcpProbe(port, periodSeconds: 2, failureThreshold: 30);
        }

        var image = ImageOf(resource);
        var container = new Node
        {
            ["name"] = workload.Kind == WorkloadKind.Postgres ? "postgres" : "redis",
            ["image"] = image,
            ["imagePullPolicy"] = "IfNotPresent",
            ["command"] = resource.Entrypoint is { } entrypoint ? new List<string> { entrypoint } : null,
            ["args"] = environment.Arguments.Count > 0 ? environment.Arguments : null,
            ["ports"] = ports.Select(p => new Node { ["name"] = p.Name, ["containerPort"] = p.Port, ["protocol"] = "TCP" }).ToList(),
            ["envFrom"] = new List<Node> { new() { ["configMapRef"] = new Node { ["name"] = $"{name}-env" } } },
            ["env"] = environment.Variables.Count > 0 ? environment.Variables : null,
            ["resources"] = Resources(sizing),
            ["startupProbe"] = startup,
            ["livenessProbe"] = liveness,
            ["readinessProbe"] = readiness,
            ["securityContext"] = ContainerSecurity(),
            ["volumeMounts"] = mounts,
        };

        documents.Add(Object("apps/v1", "StatefulSet", name, labels, new Node { ["argocd.argoproj.io/sync-wave"] = "-2" }, new Node
        {
            ["serviceName"] = name,
            ["replicas"] = 1,
            ["selector"] = new Node { ["matchLabels"] = selector },
            ["template"] = PodTemplate(labels, container, StoreUser, restartPolicy: null, spreadBy: null, volumes: volumes),
            ["volumeClaimTemplates"] = claims.Count > 0 ? claims : null,
        }));
        documents.Add(ServiceObject(name, labels, selector, ports));
        documents.Add(NetworkPolicy(name, labels, selector, ports.Select(p => p.Port), callers));
        return documents;
    }

    private string ImageOf(ContainerResource resource)
    {
        if (resource.Annotations.OfType<DockerfileBuildAnnotation>().LastOrDefault() is { } build)
        {
            return $"{settings.ImageRegistry}/{BuiltImageName(build)}:{settings.ImageTag}";
        }
        var image = resource.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault()
            ?? throw new KubernetesPublishingException($"'{resource.Name}' has no container image.");
        return $"{(image.Registry is null ? "" : image.Registry + "/")}{image.Image}{(image.SHA256 is { } sha ? "@sha256:" + sha : ":" + (image.Tag ?? "latest"))}";
    }

    /// <summary>An image we build from a Dockerfile of ours is named after its folder (deploy/images/&lt;name&gt;).</summary>
    private static string BuiltImageName(DockerfileBuildAnnotation build) => new DirectoryInfo(build.ContextPath).Name;

    // ---- overlays ------------------------------------------------------------------------------------------

    private static IEnumerable<(string Path, string Text)> OverlayFiles(OverlaySettings overlay, IReadOnlyList<Workload> workloads,
        Dictionary<string, ResolvedWorkload> resolved)
    {
        var services = workloads.Where(w => w.Kind == WorkloadKind.Service).ToList();
        var resources = new List<string> { "namespace.yaml", "../../base", "autoscaling.yaml" };

        yield return ("namespace.yaml", Yaml.Documents([new Node
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new Node
            {
                ["name"] = overlay.Namespace,
                ["labels"] = new Node
                {
                    // Every pod here meets the "restricted" Pod Security Standard; the cluster refuses one that does not.
                    ["pod-security.kubernetes.io/enforce"] = "restricted",
                    ["pod-security.kubernetes.io/warn"] = "restricted",
                    ["app.kubernetes.io/part-of"] = PartOf,
                },
            },
        }]));

        yield return ("autoscaling.yaml", Yaml.Documents(services.Select(s => Object("autoscaling/v2", "HorizontalPodAutoscaler", s.Name,
            Labels(s.Name, s.Component), annotations: null, new Node
            {
                ["scaleTargetRef"] = new Node { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = s.Name },
                ["minReplicas"] = overlay.Replicas,
                ["maxReplicas"] = overlay.MaxReplicas,
                ["metrics"] = new List<Node>
                {
                    new()
                    {
                        ["type"] = "Resource",
                        ["resource"] = new Node
                        {
                            ["name"] = "cpu",
                            ["target"] = new Node { ["type"] = "Utilization", ["averageUtilization"] = 70 },
                        },
                    },
                },
            })).ToList()));

        var ingressDocuments = new List<Node>();
        foreach (var entry in services.Where(s => s.IsPublic))
        {
            var http = entry.Endpoints.First(e => e.UriScheme == "http");
            var port = ModelValues.PortOf(http, entry.Resource)!.Value;
            ingressDocuments.Add(Object("networking.k8s.io/v1", "Ingress", entry.Name, Labels(entry.Name, entry.Component), annotations: null, new Node
            {
                ["ingressClassName"] = overlay.IngressClassName,
                ["tls"] = overlay.TlsSecretName is null ? null : new List<Node>
                {
                    new() { ["hosts"] = new List<string> { overlay.Host }, ["secretName"] = overlay.TlsSecretName },
                },
                ["rules"] = new List<Node>
                {
                    new()
                    {
                        ["host"] = overlay.Host,
                        ["http"] = new Node
                        {
                            ["paths"] = new List<Node>
                            {
                                new()
                                {
                                    ["path"] = "/",
                                    ["pathType"] = "Prefix",
                                    ["backend"] = new Node { ["service"] = new Node { ["name"] = entry.Name, ["port"] = new Node { ["name"] = http.Name } } },
                                },
                            },
                        },
                    },
                },
            }));
            // The ingress controller reaches the public resource (and nothing else).
            var from = overlay.IngressControllerNamespace is { } controller
                ? new Node { ["namespaceSelector"] = new Node { ["matchLabels"] = new Node { ["kubernetes.io/metadata.name"] = controller } } }
                : new Node { ["namespaceSelector"] = new Node() };
            ingressDocuments.Add(Object("networking.k8s.io/v1", "NetworkPolicy", $"{entry.Name}-from-ingress", Labels(entry.Name, entry.Component), annotations: null, new Node
            {
                ["podSelector"] = new Node { ["matchLabels"] = Selector(entry.Name, entry.Component) },
                ["policyTypes"] = new List<string> { "Ingress" },
                ["ingress"] = new List<Node>
                {
                    new()
                    {
                        ["from"] = new List<Node> { from },
                        ["ports"] = new List<Node> { new() { ["protocol"] = "TCP", ["port"] = port } },
                    },
                },
            }));
        }
        if (ingressDocuments.Count > 0)
        {
            resources.Add("ingress.yaml");
            yield return ("ingress.yaml", Yaml.Documents(ingressDocuments));
        }

        foreach (var workload in workloads)
        {
            var text = new StringBuilder();
            foreach (var (name, value) in resolved[workload.Name].Environment.Where(e => e.Value.IsText))
            {
                var literal = value.AsText();
                if (literal.Contains('\n', StringComparison.Ordinal))
                {
                    throw new KubernetesPublishingException($"{workload.Name}'s {name} spans several lines, which an environment file cannot hold.");
                }
                text.Append(name).Append('=').Append(literal).Append('\n');
            }
            yield return ($"config/{workload.Name}.env", text.ToString());
        }

        var kustomization = new Node
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["namespace"] = overlay.Namespace,
            ["resources"] = resources,
            ["replicas"] = services.Select(s => new Node { ["name"] = s.Name, ["count"] = overlay.Replicas }).ToList(),
            // Non-secret settings per resource; the name's hash suffix rolls the pods when a value changes.
            ["configMapGenerator"] = workloads.Select(w => new Node
            {
                ["name"] = $"{w.Name}-env",
                ["envs"] = new List<string> { $"config/{w.Name}.env" },
                ["options"] = new Node { ["labels"] = Labels(w.Name, w.Component) },
            }).ToList(),
        };
        yield return ("kustomization.yaml", Yaml.Documents([kustomization]));
    }

    // ---- listings ------------------------------------------------------------------------------------------

    private string SecretsList(IReadOnlyList<(ParameterResource Parameter, SecretLocation Location, IReadOnlyCollection<string> UsedBy)> secrets)
    {
        var text = new StringBuilder();
        text.Append("# Secrets the operator creates (generated file: do not edit)\n\n")
            .Append("Written by `scripts/publish-k8s.sh` from the app model. The manifests hold references only; every key below must\n")
            .Append("exist in the namespace before the workloads start (see docs/deployment.md).\n\n")
            .Append("| secret | key | used by | value |\n|---|---|---|---|\n");
        foreach (var (parameter, location, usedBy) in secrets.OrderBy(s => s.Location.SecretName, StringComparer.Ordinal).ThenBy(s => s.Location.Key, StringComparer.Ordinal))
        {
            var value = parameter.Default is GenerateParameterDefault generate
                ? $"random, at least {generate.MinLength.ToString(CultureInfo.InvariantCulture)} characters{(generate.Special ? "" : ", letters and digits only")}"
                : "given by its owner (a provider's key)";
            text.Append(CultureInfo.InvariantCulture, $"| `{location.SecretName}` | `{location.Key}` | {string.Join(", ", usedBy)} | {value} |\n");
        }
        var generated = secrets.Where(s => s.Parameter.Default is GenerateParameterDefault && s.Location.SecretName == settings.SecretName)
            .OrderBy(s => s.Location.Key, StringComparer.Ordinal).ToList();
        text.Append("\nThe generated ones, created with random values (letters and digits):\n\n```bash\n")
            .Append(CultureInfo.InvariantCulture, $"kubectl create secret generic {settings.SecretName} --namespace \"$NAMESPACE\" \\\n");
        foreach (var (parameter, location, _) in generated)
        {
            var length = Math.Max(32, ((GenerateParameterDefault)parameter.Default!).MinLength);
            text.Append(CultureInfo.InvariantCulture, $"  --from-literal={location.Key}=\"$(openssl rand -hex {(length + 1) / 2})\" \\\n");
        }
        text.Length -= 3;
        text.Append("\n```\n");
        return text.ToString();
    }

    private string ImageList(IReadOnlyList<Workload> workloads)
    {
        var text = new StringBuilder("# resource\timage\tbuilt from (generated file: scripts/publish-images.sh builds these)\n");
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workload in workloads)
        {
            if (workload.Resource is ProjectResource project)
            {
                var path = Path.GetRelativePath(repositoryDirectory, project.GetProjectMetadata().ProjectPath).Replace('\\', '/');
                text.Append(CultureInfo.InvariantCulture, $"{workload.Name}\t{settings.ImageRegistry}/{workload.Name}:{settings.ImageTag}\t{path}\n");
            }
            else if (workload.Resource.Annotations.OfType<DockerfileBuildAnnotation>().LastOrDefault() is { } build)
            {
                // Several resources may share one image of ours (every Postgres server runs postgres-rum).
                var image = ImageOf((ContainerResource)workload.Resource);
                if (listed.Add(image))
                {
                    var path = Path.GetRelativePath(repositoryDirectory, build.DockerfilePath).Replace('\\', '/');
                    text.Append(CultureInfo.InvariantCulture, $"{BuiltImageName(build)}\t{image}\t{path}\n");
                }
            }
        }
        return text.ToString();
    }


    // ---- object helpers ------------------------------------------------------------------------------------

    private static Node Object(string apiVersion, string kind, string name, Node labels, Node? annotations, Node? spec, Node? extra = null)
    {
        var node = new Node
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind,
            ["metadata"] = new Node { ["name"] = name, ["labels"] = labels, ["annotations"] = annotations },
        };
        if (spec is not null)
        {
            node["spec"] = spec;
        }
        foreach (var (key, value) in extra ?? [])
        {
            node[key] = value;
        }
        return node;
    }

    private static Node Labels(string name, string component) => new()
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/component"] = component,
        ["app.kubernetes.io/part-of"] = PartOf,
        ["app.kubernetes.io/managed-by"] = ManagedBy,
    };

    private static Node WithPhase(Node labels, string phase) => new(labels) { [PhaseLabel] = phase };

    private static Node Selector(string name, string component) => new()
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/component"] = component,
    };

    private static Node PodTemplate(Node labels, Node container, int user, string? restartPolicy, Node? spreadBy, List<Node> volumes) => new()
    {
        ["metadata"] = new Node { ["labels"] = labels },
        ["spec"] = new Node
        {
            ["automountServiceAccountToken"] = false,
            ["enableServiceLinks"] = false,
            ["restartPolicy"] = restartPolicy,
            ["securityContext"] = new Node
            {
                ["runAsNonRoot"] = true,
                ["runAsUser"] = user,
                ["runAsGroup"] = user,
                ["fsGroup"] = user,
                ["seccompProfile"] = new Node { ["type"] = "RuntimeDefault" },
            },
            ["topologySpreadConstraints"] = spreadBy is null ? null : new List<Node>
            {
                new()
                {
                    ["maxSkew"] = 1,
                    ["topologyKey"] = "kubernetes.io/hostname",
                    ["whenUnsatisfiable"] = "ScheduleAnyway",
                    ["labelSelector"] = new Node { ["matchLabels"] = spreadBy },
                },
            },
            ["containers"] = new List<Node> { container },
            ["volumes"] = volumes,
        },
    };

    private static Node ContainerSecurity() => new()
    {
        ["allowPrivilegeEscalation"] = false,
        ["readOnlyRootFilesystem"] = true,
        ["capabilities"] = new Node { ["drop"] = new List<string> { "ALL" } },
    };

    private static Node Resources(ResourceSizing sizing) => new()
    {
        ["requests"] = new Node { ["cpu"] = sizing.CpuRequest, ["memory"] = sizing.MemoryRequest },
        ["limits"] = new Node { ["cpu"] = sizing.CpuLimit, ["memory"] = sizing.MemoryLimit },
    };

    private static Node EmptyDir(string name) => new() { ["name"] = name, ["emptyDir"] = new Node { ["sizeLimit"] = "256Mi" } };

    private static Node HttpProbe(string path, int periodSeconds, int failureThreshold, int timeoutSeconds) => new()
    {
        ["httpGet"] = new Node { ["path"] = path, ["port"] = "http" },
        ["periodSeconds"] = periodSeconds,
        ["timeoutSeconds"] = timeoutSeconds,
        ["failureThreshold"] = failureThreshold,
    };

    private static Node TcpProbe(int port, int periodSeconds, int failureThreshold) => new()
    {
        ["tcpSocket"] = new Node { ["port"] = port },
        ["periodSeconds"] = periodSeconds,
        ["failureThreshold"] = failureThreshold,
    };

    private static Node ExecProbe(List<string> command, int periodSeconds, int failureThreshold) => new()
    {
        ["exec"] = new Node { ["command"] = command },
        ["periodSeconds"] = periodSeconds,
        ["timeoutSeconds"] = 3,
        ["failureThreshold"] = failureThreshold,
    };

    private static Node ServiceObject(string name, Node labels, Node selector, List<(string Name, int Port)> ports) =>
        Object("v1", "Service", name, labels, annotations: null, new Node
        {
            ["type"] = "ClusterIP",
            ["selector"] = selector,
            ["ports"] = ports.Select(p => new Node { ["name"] = p.Name, ["port"] = p.Port, ["targetPort"] = p.Name, ["protocol"] = "TCP" }).ToList(),
        });

    /// <summary>Who may open connections to this workload: exactly the resources whose environment names it.</summary>
    private static Node NetworkPolicy(string name, Node labels, Node selector, IEnumerable<int> ports, IReadOnlyList<string> callers) =>
        Object("networking.k8s.io/v1", "NetworkPolicy", name, labels, annotations: null, new Node
        {
            ["podSelector"] = new Node { ["matchLabels"] = selector },
            ["policyTypes"] = new List<string> { "Ingress" },
            ["ingress"] = callers.Count == 0 ? new List<Node>() : new List<Node>
            {
                new()
                {
                    // A caller's migration Job is one of its pods too (same name label).
                    ["from"] = new List<Node>
                    {
                        new()
                        {
                            ["podSelector"] = new Node
                            {
                                ["matchExpressions"] = new List<Node>
                                {
                                    new() { ["key"] = "app.kubernetes.io/name", ["operator"] = "In", ["values"] = callers.Order(StringComparer.Ordinal).ToList() },
                                },
                            },
                        },
                    },
                    ["ports"] = ports.Select(p => new Node { ["protocol"] = "TCP", ["port"] = p }).ToList(),
                },
            },
        });

    private static Node DefaultDenyIngress() => Object("networking.k8s.io/v1", "NetworkPolicy", "default-deny-ingress",
        new Node { ["app.kubernetes.io/part-of"] = PartOf, ["app.kubernetes.io/managed-by"] = ManagedBy }, annotations: null, new Node
        {
            ["podSelector"] = new Node(),
            ["policyTypes"] = new List<string> { "Ingress" },
        });

    private static Node Kustomization(List<string> resources) => new()
    {
        ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
        ["kind"] = "Kustomization",
        ["resources"] = resources,
    };
}
