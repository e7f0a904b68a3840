using MedicalHub.AppHost.LocalInfrastructure;
using Microsoft.Extensions.Configuration;

namespace MedicalHub.AppHost;

public static class WorkflowExtensions
{
    /// <summary>
    /// Workflow reaches the services its pathways use by service discovery (<c>http://content</c>, <c>http://communication</c>):
    /// notifications and service-call steps. It does not wait for them: a call to a service that is down is retried by the engine.
    /// </summary>
    public static IResourceBuilder<ProjectResource>? WithPathwayTargets(this IResourceBuilder<ProjectResource>? workflow, params IResourceBuilder<ProjectResource>?[] targets)
    {
        if (workflow is null)
        {
            return null;
        }
        foreach (var target in targets.OfType<IResourceBuilder<ProjectResource>>())
        {
            workflow.WithReference(target);
        }
        return workflow;
    }

    /// <summary>
    /// <c>MedicalHub:Workflow:Replicas</c> (run mode only; default 1): more Workflow instances (<c>workflow-2</c>, …) on the
    /// same database and Redis, with the same client credentials and targets. Every instance runs the engine; they share the
    /// work through the database (<c>FOR UPDATE SKIP LOCKED</c>). Service discovery's <c>http://workflow</c> names the first.
    /// </summary>
    public static void AddWorkflowReplicas<TProject>(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource>? workflow,
        IResourceBuilder<ProjectResource>? identity, params IResourceBuilder<ProjectResource>?[] targets)
        where TProject : IProjectMetadata, new()
    {
        foreach (var replica in builder.AddReplicas<TProject>(workflow, "MedicalHub:Workflow:Replicas", identity))
        {
            replica.WithPathwayTargets(targets).WithAssistantProviders();
        }
    }
}
