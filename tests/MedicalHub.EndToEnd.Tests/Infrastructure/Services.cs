namespace MedicalHub.EndToEnd.Tests.Infrastructure;

/// <summary>What the suite knows of each service: its resource names and the first table its schema owns.</summary>
public sealed record ServiceUnderTest(string Name, string Database, string PostgresServer, string Redis, string ApplicationName, string OwnTable)
{
    public static readonly IReadOnlyList<ServiceUnderTest> All =
    [
        new("identity", "identitydb", "identity-postgres", "identity-redis", "MedicalHub.Identity.Api", "organizations"),
        new("content", "contentdb", "content-postgres", "content-redis", "MedicalHub.Content.Api", "documents"),
        new("communication", "communicationdb", "communication-postgres", "communication-redis", "MedicalHub.Communication.Api", "notifications"),
        new("workflow", "workflowdb", "workflow-postgres", "workflow-redis", "MedicalHub.Workflow.Api", "care_pathways"),
    ];

    public static ServiceUnderTest Named(string name) => All.Single(s => s.Name == name);

    public static TheoryData<string> Names => new(All.Select(s => s.Name));
}
