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

/// <summary>The gateway's resources: two instances in the test stack (<c>MedicalHub:Gateway:Replicas=2</c>) sharing one Redis.</summary>
public static class GatewayUnderTest
{
    public const string Name = "gateway";
    public const string SecondInstance = "gateway-2";
    public const string Redis = "gateway-redis";
    public static readonly IReadOnlyList<string> Instances = [Name, SecondInstance];
}

/// <summary>Communication's resources: two instances in the test stack (<c>MedicalHub:Communication:Replicas=2</c>) on one database and Redis.</summary>
public static class CommunicationUnderTest
{
    public const string Name = "communication";
    public const string SecondInstance = "communication-2";
    public static readonly IReadOnlyList<string> Instances = [Name, SecondInstance];
}
