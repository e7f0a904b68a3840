using System.Text.Json;
using k8s;
using k8s.Models;

namespace MedicalHub.Deployment.Tests;

/// <summary>The committed Kubernetes output and the committed app-model manifest it was generated from.</summary>
internal static class Manifests
{
    public static IEnumerable<string> Overlays() =>
        Directory.GetDirectories(System.IO.Path.Combine(Repository.KubernetesOutput, "overlays")).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>Every YAML file holding Kubernetes objects (all but the Kustomize files).</summary>
    public static IEnumerable<string> ObjectFiles() =>
        Directory.GetFiles(Repository.KubernetesOutput, "*.yaml", SearchOption.AllDirectories)
            .Where(f => System.IO.Path.GetFileName(f) != "kustomization.yaml")
            .Order(StringComparer.Ordinal);

    public static List<object> Base() => Load(System.IO.Path.Combine(Repository.KubernetesOutput, "base"));

    public static List<object> Overlay(string name) => Load(System.IO.Path.Combine(Repository.KubernetesOutput, "overlays", name));

    public static string Kustomization(string overlay) =>
        File.ReadAllText(System.IO.Path.Combine(Repository.KubernetesOutput, "overlays", overlay, "kustomization.yaml"));

    /// <summary>An overlay's settings for one workload (its generated ConfigMap's env file).</summary>
    public static Dictionary<string, string> Settings(string overlay, string workload) =>
        File.ReadAllLines(System.IO.Path.Combine(Repository.KubernetesOutput, "overlays", overlay, "config", $"{workload}.env"))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static List<object> Load(string folder) =>
        Directory.GetFiles(folder, "*.yaml").Where(f => System.IO.Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f), strict: true)).ToList();

    public static IEnumerable<(string Kind, string Name, V1PodSpec Pod)> PodSpecs(IEnumerable<object> objects)
    {
        foreach (var item in objects)
        {
            switch (item)
            {
                case V1Deployment d: yield return ("Deployment", d.Metadata.Name, d.Spec.Template.Spec); break;
                case V1StatefulSet s: yield return ("StatefulSet", s.Metadata.Name, s.Spec.Template.Spec); break;
                case V1Job j: yield return ("Job", j.Metadata.Name, j.Spec.Template.Spec); break;
            }
        }
    }

    /// <summary>aspire-manifest.json's resources (the app model as `scripts/manifest.sh` publishes it).</summary>
    public static JsonElement AppModel()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.Path("aspire-manifest.json")));
        return document.RootElement.GetProperty("resources").Clone();
    }
}
