using MedicalHub.AppHost.LocalInfrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres and Redis run as containers when a container runtime answers, else as local processes;
// publish mode always describes containers.
var infrastructure = InfrastructureSettings.Resolve(builder);

var identityStores = builder.AddServiceStores(infrastructure, "identity", postgresPort: 5433, redisPort: 6380);
var contentStores = builder.AddServiceStores(infrastructure, "content", postgresPort: 5434, redisPort: 6381);
var communicationStores = builder.AddServiceStores(infrastructure, "communication", postgresPort: 5435, redisPort: 6382);
var workflowStores = builder.AddServiceStores(infrastructure, "workflow", postgresPort: 5436, redisPort: 6383);

builder.AddProject<Projects.MedicalHub_Identity_Api>("identity")
    .WithServiceStores(identityStores)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.MedicalHub_Content_Api>("content")
    .WithServiceStores(contentStores)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.MedicalHub_Communication_Api>("communication")
    .WithServiceStores(communicationStores)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.MedicalHub_Workflow_Api>("workflow")
    .WithServiceStores(workflowStores)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
